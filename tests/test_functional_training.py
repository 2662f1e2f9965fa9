"""Training parity with Keras for a two-input, two-output functional model (dict inputs,
dict losses and loss_weights) and for a subclassed model."""

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.test_trainer_parity import _assert_same


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _two_heads(lib):
    L = lib.layers
    image = lib.Input((6,), name="image")
    meta = lib.Input((3,), name="meta")
    h = L.concatenate(
        [
            L.Dense(8, activation="tanh", name="h_img")(image),
            L.Dense(4, activation="relu", name="h_meta")(meta),
        ]
    )
    digit = L.Dense(4, name="digit")(h)
    score = L.Dense(1, name="score")(h)
    return lib.Model({"image": image, "meta": meta}, {"digit": digit, "score": score})


def _data(n=64):
    rng = np.random.default_rng(0)
    x = {
        "image": rng.standard_normal((n, 6)).astype("float32"),
        "meta": rng.standard_normal((n, 3)).astype("float32"),
    }
    y = {"digit": rng.integers(0, 4, n), "score": rng.standard_normal((n, 1)).astype("float32")}
    return x, y


def test_two_input_two_output_dict_model_trains_like_keras():
    km, tm = _two_heads(keras), _two_heads(tkeras)
    assert [w.shape for w in km.get_weights()] == [tuple(w.shape) for w in tm.get_weights()]
    tm.set_weights(km.get_weights())
    for lib, m in ((keras, km), (tkeras, tm)):
        m.compile(
            optimizer=lib.optimizers.Adam(0.01),
            loss={
                "digit": lib.losses.SparseCategoricalCrossentropy(from_logits=True),
                "score": "mse",
            },
            loss_weights={"digit": 1.0, "score": 0.25},
            metrics={"digit": ["accuracy"], "score": ["mae"]},
        )
    x, y = _data()
    kwargs = {
        "batch_size": 16,
        "epochs": 3,
        "shuffle": False,
        "verbose": 0,
        "validation_split": 0.25,
    }
    _assert_same(km, tm, km.fit(x, y, **kwargs), tm.fit(x, y, **kwargs))
    ek = km.evaluate(x, y, verbose=0, return_dict=True)
    et = tm.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(ek) == sorted(et)
    for key in ek:
        np.testing.assert_allclose(et[key], ek[key], rtol=1e-5, atol=1e-6, err_msg=key)


def _subclassed(lib):
    class Net(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = lib.layers.Dense(8, activation="relu")
            self.out = lib.layers.Dense(3)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    return Net()


def test_subclassed_model_trains_like_keras():
    km, tm = _subclassed(keras), _subclassed(tkeras)
    x = np.random.default_rng(1).standard_normal((48, 5)).astype("float32")
    y = np.random.default_rng(2).integers(0, 3, 48)
    km(x[:1])
    tm(torch.tensor(x[:1]))
    tm.set_weights(km.get_weights())
    for lib, m in ((keras, km), (tkeras, tm)):
        m.compile(
            lib.optimizers.SGD(0.1, momentum=0.9),
            lib.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
    kwargs = {"batch_size": 12, "epochs": 3, "shuffle": False, "verbose": 0}
    _assert_same(km, tm, km.fit(x, y, **kwargs), tm.fit(x, y, **kwargs))


def _bn_after_unfrozen_fit(lib):
    # Keras's transfer-learning guide: a base called with training=False inside a functional
    # model. Keras 3's functional run passes the model's own training flag to every layer, so
    # once unfrozen the base's BatchNormalization trains and updates its moving statistics.
    base = lib.Sequential([lib.Input((4,)), lib.layers.Dense(4), lib.layers.BatchNormalization()])
    base.trainable = False
    inputs = lib.Input((4,))
    model = lib.Model(inputs, lib.layers.Dense(1)(base(inputs, training=False)))
    model.set_weights([np.full(w.shape, 0.5, "float32") for w in model.get_weights()])
    x = np.linspace(0, 5, 32, dtype="float32").reshape(8, 4)
    y = np.linspace(0, 1, 8, dtype="float32").reshape(8, 1)
    model.compile("sgd", "mse")
    model.fit(x, y, verbose=0, shuffle=False)
    frozen = base.layers[1].get_weights()[2]
    base.trainable = True
    model.compile("sgd", "mse")
    model.fit(x, y, verbose=0, shuffle=False)
    # A recorded training=True gives way to predict's training=False (no dropout at predict).
    dropped = lib.Model(inputs, lib.layers.Dropout(0.5)(inputs, training=True))
    return frozen, base.layers[1].get_weights()[2], dropped.predict(x, verbose=0)


def test_model_training_flag_overrides_a_recorded_training_argument_as_keras():
    expected, got = _bn_after_unfrozen_fit(keras), _bn_after_unfrozen_fit(tkeras)
    np.testing.assert_array_equal(got[0], 0.5)  # frozen: inference mode, stats kept
    assert np.abs(got[1] - 0.5).max() > 0.01  # unfrozen: the stats moved
    for e, g in zip(expected, got):
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-5, atol=1e-6)
