"""``model.losses`` after a plain forward pass, element by element against Keras 3.

Nested custom layers with ``add_loss``, activity regularizers and kernel/bias regularizers, in
functional, subclassed and Sequential models, from the same weights: the list (order and
values) before any call, after one call and after a second call equals Keras's.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import tkeras

X = np.linspace(-1.0, 1.0, 8, dtype="float32").reshape(2, 4)


def _layers(lib):
    layers = lib.layers

    class Inner(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = layers.Dense(
                3,
                kernel_regularizer=lib.regularizers.L2(0.1),
                activity_regularizer=lib.regularizers.L1(0.01),
            )

        def call(self, x):
            y = self.d(x)
            self.add_loss(lib.ops.sum(y) * 0.001)
            return y

    class Outer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Inner()
            self.e = layers.Dense(2, bias_regularizer="l2")

        def call(self, x):
            self.add_loss(lib.ops.mean(x))
            return self.e(self.inner(x))

    return Inner, Outer


def _functional(lib):
    _, outer = _layers(lib)
    inp = lib.Input((4,))
    out = lib.layers.Dense(1, activity_regularizer="l2", kernel_regularizer="l1")(outer()(inp))
    return lib.Model(inp, out)


def _subclassed(lib):
    _, outer = _layers(lib)

    class Sub(lib.Model):
        def __init__(self):
            super().__init__()
            self.o = outer()

        def call(self, x):
            self.add_loss(lib.ops.sum(x) * 0.5)
            return self.o(x)

    model = Sub()
    model(np.zeros((1, 4), "float32"))  # builds; zero inputs add zero activity losses
    return model


def _sequential(lib):
    inner, _ = _layers(lib)
    return lib.Sequential(
        [
            lib.Input((4,)),
            lib.layers.Dense(3, activity_regularizer="l1", kernel_regularizer="l2"),
            inner(),
        ]
    )


def _values(lib, losses):
    return [float(lib.ops.convert_to_numpy(v)) for v in losses]


@pytest.mark.parametrize("build", [_functional, _subclassed, _sequential])
def test_losses_after_forward_passes_match_keras(build):
    km, tm = build(keras), build(tkeras)
    weights = [
        np.linspace(-0.5, 0.7, w.size).reshape(w.shape).astype("float32") for w in km.get_weights()
    ]
    km.set_weights(weights)
    tm.set_weights(weights)
    got, want = {}, {}
    for lib, model, out in ((keras, km, want), (tkeras, tm, got)):
        out["built"] = _values(lib, model.losses)
        model(X)
        out["call"] = _values(lib, model.losses)
        model(X[:1])
        out["second call"] = _values(lib, model.losses)
        out["first layer"] = _values(lib, model.layers[0].losses)
    assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in want.items()}
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-6, err_msg=key)


def test_losses_after_fit_are_the_last_training_pass():
    km, tm = _functional(keras), _functional(tkeras)
    weights = [np.full(w.shape, 0.1, "float32") for w in km.get_weights()]
    y = np.ones((2, 1), "float32")
    got, want = [], []
    for lib, model, out in ((keras, km, want), (tkeras, tm, got)):
        model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        model.fit(X, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
        out.extend(_values(lib, model.losses))
    assert len(got) == len(want) == 7
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
