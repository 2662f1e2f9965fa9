"""fit / evaluate / predict against real Keras 3: same weights, same data, same numbers."""

import keras
import numpy as np
import pytest
import torch

import tkeras

RTOL, ATOL = 1e-5, 1e-6
WEIGHT_TOL = 1e-4


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _data(task, n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 5)).astype("float32")
    if task == "mse":
        return x, rng.standard_normal((n, 2)).astype("float32")
    if task == "sparse":
        return x, rng.integers(0, 3, n)
    return x, rng.integers(0, 2, (n, 1)).astype("float32")


def _model(lib, task):
    head = {
        "mse": lib.layers.Dense(2),
        "sparse": lib.layers.Dense(3),
        "binary": lib.layers.Dense(1, activation="sigmoid"),
    }[task]
    return lib.Sequential([lib.Input((5,)), lib.layers.Dense(8, activation="tanh"), head])


def _loss(lib, task):
    return {
        "mse": lib.losses.MeanSquaredError(),
        "sparse": lib.losses.SparseCategoricalCrossentropy(from_logits=True),
        "binary": lib.losses.BinaryCrossentropy(),
    }[task]


OPTIMIZERS = {
    "sgd_momentum": lambda lib: lib.optimizers.SGD(0.05, momentum=0.9),
    "adam": lambda lib: lib.optimizers.Adam(0.01),
    "rmsprop": lambda lib: lib.optimizers.RMSprop(0.01),
}


def _pair(task, optimizer, metrics=("accuracy",), **compile_kwargs):
    km, tm = _model(keras, task), _model(tkeras, task)
    tm.set_weights(km.get_weights())
    for lib, m in ((keras, km), (tkeras, tm)):
        m.compile(
            optimizer=OPTIMIZERS[optimizer](lib),
            loss=_loss(lib, task),
            metrics=list(metrics) if task != "mse" else ["mae"],
            **compile_kwargs,
        )
    return km, tm


def _assert_same(km, tm, hk, ht):
    assert list(ht.history) == list(hk.history)
    for key in hk.history:
        np.testing.assert_allclose(
            ht.history[key], hk.history[key], rtol=RTOL, atol=ATOL, err_msg=key
        )
    for a, b in zip(km.get_weights(), tm.get_weights()):
        np.testing.assert_allclose(b, a, atol=WEIGHT_TOL)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("task", ["mse", "sparse", "binary"])
def test_fit_matches_keras(task, optimizer):
    x, y = _data(task)
    km, tm = _pair(task, optimizer)
    kwargs = {"batch_size": 16, "epochs": 3, "shuffle": False, "verbose": 0}
    hk, ht = km.fit(x, y, **kwargs), tm.fit(x, y, **kwargs)
    _assert_same(km, tm, hk, ht)


def test_class_and_sample_weights_match_keras():
    x, y = _data("sparse")
    kwargs = {"batch_size": 16, "epochs": 2, "shuffle": False, "verbose": 0}
    km, tm = _pair("sparse", "adam", weighted_metrics=["accuracy"])
    cw = {0: 0.3, 2: 2.5}
    _assert_same(
        km, tm, km.fit(x, y, class_weight=cw, **kwargs), tm.fit(x, y, class_weight=cw, **kwargs)
    )
    sw = np.random.default_rng(1).random(len(x)).astype("float32")
    km, tm = _pair("sparse", "sgd_momentum", weighted_metrics=["accuracy"])
    hk = km.fit(x, y, sample_weight=sw, **kwargs)
    ht = tm.fit(x, y, sample_weight=sw, **kwargs)
    _assert_same(km, tm, hk, ht)
    assert set(ht.history) == {"loss", "accuracy", "weighted_accuracy"}


def test_validation_split_and_validation_data_match_keras():
    x, y = _data("binary")
    kwargs = {"batch_size": 16, "epochs": 2, "shuffle": False, "verbose": 0}
    km, tm = _pair("binary", "rmsprop")
    hk = km.fit(x, y, validation_split=0.25, **kwargs)
    ht = tm.fit(x, y, validation_split=0.25, **kwargs)
    _assert_same(km, tm, hk, ht)
    assert set(ht.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    xv, yv = _data("binary", n=40, seed=3)
    hk = km.fit(x, y, validation_data=(xv, yv), validation_batch_size=7, **kwargs)
    ht = tm.fit(x, y, validation_data=(xv, yv), validation_batch_size=7, **kwargs)
    _assert_same(km, tm, hk, ht)


def test_evaluate_predict_and_on_batch_match_keras():
    x, y = _data("sparse")
    km, tm = _pair("sparse", "adam", metrics=("accuracy", "acc"))
    np.testing.assert_allclose(
        tm.evaluate(x, y, batch_size=20, verbose=0),
        km.evaluate(x, y, batch_size=20, verbose=0),
        rtol=RTOL,
    )
    assert (
        tm.evaluate(x, y, verbose=0, return_dict=True).keys()
        == km.evaluate(x, y, verbose=0, return_dict=True).keys()
    )
    np.testing.assert_allclose(
        tm.predict(x, batch_size=20, verbose=0),
        km.predict(x, batch_size=20, verbose=0),
        rtol=RTOL,
        atol=ATOL,
    )
    np.testing.assert_allclose(
        tm.train_on_batch(x[:32], y[:32]), km.train_on_batch(x[:32], y[:32]), rtol=RTOL
    )
    np.testing.assert_allclose(tm.test_on_batch(x, y), km.test_on_batch(x, y), rtol=RTOL)
    np.testing.assert_allclose(tm.predict_on_batch(x), km.predict_on_batch(x), rtol=RTOL, atol=ATOL)


def test_multi_output_loss_weights_match_keras():
    models = {}
    for lib in (keras, tkeras):
        inputs = lib.Input((5,))
        hidden = lib.layers.Dense(6, activation="relu", name="hidden")(inputs)
        a = lib.layers.Dense(3, name="a")(hidden)
        b = lib.layers.Dense(2, name="b")(hidden)
        model = lib.Model(inputs, [a, b])
        models[lib.__name__] = model
    km, tm = models["keras"], models["tkeras"]
    tm.set_weights(km.get_weights())
    for lib, m in ((keras, km), (tkeras, tm)):
        m.compile(
            optimizer=lib.optimizers.Adam(0.01),
            loss=[lib.losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
            loss_weights=[0.7, 0.3],
            metrics=[["accuracy"], ["mae"]],
        )
    x, y = _data("sparse")
    z = np.random.default_rng(2).standard_normal((len(x), 2)).astype("float32")
    kwargs = {"batch_size": 16, "epochs": 2, "shuffle": False, "verbose": 0}
    _assert_same(km, tm, km.fit(x, [y, z], **kwargs), tm.fit(x, [y, z], **kwargs))
