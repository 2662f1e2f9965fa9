"""compile(jit_compile=True): torch.compile'd steps give eager's losses, compile once (no
recompilation per step), and a step with graph breaks warns once and runs eagerly."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch._dynamo.utils import counters

import tkeras


def _model(seed=0):
    tkeras.utils.set_random_seed(seed)
    return tkeras.Sequential(
        [tkeras.Input((5,)), tkeras.layers.Dense(8, activation="relu"), tkeras.layers.Dense(3)]
    )


def _data():
    rng = np.random.default_rng(0)
    # 22 rows in batches of 8: the last batch is partial (6 rows).
    return rng.standard_normal((22, 5)).astype("float32"), rng.integers(0, 3, 22)


def test_compiled_fit_matches_eager_and_compiles_once():
    torch._dynamo.reset()
    counters.clear()
    x, y = _data()
    histories, weights = [], []
    for jit in (False, True):
        model = _model()
        model.compile(
            tkeras.optimizers.SGD(0.1),
            tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=jit,
        )
        assert model.jit_compile is jit
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no graph-break warning for this model
            h = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
            graphs = counters["stats"]["unique_graphs"]
            h2 = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        if jit:
            # The full batch, then the partial one (one recompile with a dynamic batch
            # dimension); two more epochs of both compile nothing new.
            assert graphs == 2
            assert counters["stats"]["unique_graphs"] == graphs
        histories.append(h.history["loss"] + h2.history["loss"])
        weights.append(model.get_weights())
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5, atol=1e-6)
    for a, b in zip(weights[1], weights[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert sum(counters["graph_break"].values()) == 0


class _Branchy(tkeras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tkeras.layers.Dense(2)

    def call(self, x):
        if float(x.sum()) > 0:  # data-dependent Python control flow: a graph break
            return self.dense(x)
        return -self.dense(x)


def test_graph_breaks_warn_once_and_fall_back_to_eager():
    torch._dynamo.reset()
    x, y = _data()
    model = _Branchy()
    model.compile("sgd", "mse", jit_compile=True)
    with pytest.warns(UserWarning, match="cannot be compiled as one graph") as record:
        h = model.fit(x, np.zeros((22, 2), "float32"), batch_size=8, epochs=2, verbose=0)
    assert sum("graph breaks" in str(w.message) for w in record) == 1
    assert len(h.history["loss"]) == 2 and np.isfinite(h.history["loss"]).all()


def test_auto_is_eager_as_keras_on_torch_and_bad_values_raise():
    model = _model()
    model.compile("sgd", "mse")
    assert model.jit_compile is False
    with pytest.raises(ValueError, match="`jit_compile` must be 'auto', True or False"):
        model.compile("sgd", "mse", jit_compile="yes")
    with pytest.warns(UserWarning, match="`jit_compile` cannot also be True"):
        model.compile("sgd", "mse", jit_compile=True, run_eagerly=True)
    assert model.jit_compile is False


@pytest.mark.gpu
def test_compiled_fit_on_the_accelerator_matches_eager():
    device = torch.device("cuda" if torch.cuda.is_available() else "mps")
    x, y = _data()
    losses = []
    for jit in (False, True):
        model = _model()
        model.to(device)
        model.compile(
            tkeras.optimizers.SGD(0.1),
            tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=jit,
        )
        losses.append(model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-4, atol=1e-5)
