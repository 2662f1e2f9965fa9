"""Build an application in Keras and tkeras, compare structure, copy weights, compare outputs."""

from __future__ import annotations

import re

import numpy as np


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("2_d", "2d")


def _is_auto(layer) -> bool:
    base = _snake(type(layer).__name__)
    return re.fullmatch(rf"{re.escape(base)}(_\d+)?", layer.name) is not None


def structure(model) -> list[tuple]:
    return [
        (type(layer).__name__, None if _is_auto(layer) else layer.name,
         [tuple(w.shape) for w in layer.get_weights()])
        for layer in model.layers
    ]  # fmt: skip


def compare(kmodel, tmodel, shape, seed=0, atol=1e-4, batch=2, run=True):
    """Structure, count_params and (copied weights) outputs agree; returns max abs diff."""
    import keras

    ks, ts = structure(kmodel), structure(tmodel)
    assert len(ks) == len(ts), (len(ks), len(ts))
    for i, (a, b) in enumerate(zip(ks, ts)):
        assert a == b, (i, a, b)
    assert kmodel.name == tmodel.name
    assert kmodel.count_params() == tmodel.count_params()
    if not run:
        return 0.0
    for kl, tl in zip(kmodel.layers, tmodel.layers):
        if kl.weights:
            tl.set_weights(kl.get_weights())
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(batch, *shape)).astype("float32")
    want = keras.ops.convert_to_numpy(kmodel(x, training=False))
    got = tmodel.predict(x, verbose=0)
    scale = float(np.abs(want).max())
    assert scale > 0, "degenerate output: all zeros"
    # Relative to the output's magnitude: random-weight networks can end tiny or huge.
    np.testing.assert_allclose(got / scale, want / scale, rtol=0, atol=atol)
    return float(np.abs(got - want).max()) / scale
