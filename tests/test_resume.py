"""Resuming training: a compiled model saved after epoch 2 and reloaded gives the same epoch-3
loss as uninterrupted training, through ``model.save``, ``ModelCheckpoint``'s ``.keras`` file
and a ``.weights.h5`` file (whose optimizer variables load into a built optimizer).

Data order is fixed (``shuffle=False``) and the models have no randomness at training time
(Dropout(0), BatchNormalization), so the only state that carries an epoch into the next is the
weights, the moving statistics and the optimizer's (Adam's moments and iteration count, which
its bias correction reads).
"""

from __future__ import annotations

import numpy as np
import pytest

import tkeras

L = tkeras.layers
RNG = np.random.default_rng(0)
X = RNG.standard_normal((96, 6)).astype("float32")
Y = RNG.integers(0, 3, 96)
FIT = {"batch_size": 16, "shuffle": False, "verbose": 0}
STEPS_PER_EPOCH = 96 // 16


def _dense_dropout():
    return tkeras.Sequential(
        [tkeras.Input((6,)), L.Dense(16, activation="relu"), L.Dropout(0.0), L.Dense(3)]
    )


def _functional_batchnorm():
    inputs = tkeras.Input((6,))
    x = L.Dense(16)(inputs)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    return tkeras.Model(inputs, L.Dense(3)(x))


ARCHS = {"dense_dropout": _dense_dropout, "functional_batchnorm": _functional_batchnorm}


def _build(arch):
    """The same initial weights every call: the seed fixes the initializers."""
    tkeras.utils.set_random_seed(7)
    model = ARCHS[arch]()
    model.compile(
        optimizer=tkeras.optimizers.Adam(learning_rate=1e-2),
        loss=tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def _assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("arch", list(ARCHS))
def test_save_after_epoch_2_load_and_fit_gives_the_uninterrupted_epoch_3(tmp_path, arch):
    whole = _build(arch)
    first = _build(arch)
    _assert_same_weights(whole, first)
    history = whole.fit(X, Y, epochs=3, **FIT).history

    first.fit(X, Y, epochs=2, **FIT)
    first.save(tmp_path / "epoch2.keras")
    resumed = tkeras.models.load_model(tmp_path / "epoch2.keras")
    assert resumed.optimizer.iterations == 2 * STEPS_PER_EPOCH
    more = resumed.fit(X, Y, epochs=3, initial_epoch=2, **FIT)
    assert more.epoch == [2]
    np.testing.assert_allclose(more.history["loss"], history["loss"][2:], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(more.history["accuracy"], history["accuracy"][2:], atol=1e-6)
    _assert_same_weights(resumed, whole)

    # The control: the same weights with a fresh Adam (moments and step count at zero) give a
    # different epoch 3, so the test above sees the optimizer state.
    fresh = tkeras.models.load_model(tmp_path / "epoch2.keras", compile=False)
    fresh.compile(
        optimizer=tkeras.optimizers.Adam(learning_rate=1e-2),
        loss=tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    restarted = fresh.fit(X, Y, epochs=1, **FIT).history["loss"][0]
    assert abs(restarted - history["loss"][2]) > 1e-3


def test_resume_from_model_checkpoint_files(tmp_path):
    model = _build("dense_dropout")
    callbacks = [
        tkeras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt-{epoch}.keras")),
        tkeras.callbacks.ModelCheckpoint(
            str(tmp_path / "ckpt-{epoch}.weights.h5"), save_weights_only=True
        ),
    ]
    history = model.fit(X, Y, epochs=3, callbacks=callbacks, **FIT).history

    # The whole-model checkpoint of epoch 2 carries the compile config and Adam's state.
    resumed = tkeras.models.load_model(tmp_path / "ckpt-2.keras")
    loss = resumed.fit(X, Y, epochs=1, **FIT).history["loss"]
    np.testing.assert_allclose(loss, history["loss"][2:], rtol=1e-6, atol=1e-6)
    _assert_same_weights(resumed, model)

    # A weights checkpoint holds Adam's variables too; as in Keras they load into an
    # optimizer that is built (an unbuilt one is skipped with a warning).
    again = _build("dense_dropout")
    with pytest.warns(UserWarning, match="skipping variable loading for optimizer"):
        again.load_weights(tmp_path / "ckpt-2.weights.h5")
    assert again.optimizer.iterations == 0
    again = _build("dense_dropout")
    again.optimizer.build(again.trainable_weights)
    again.load_weights(tmp_path / "ckpt-2.weights.h5")
    assert again.optimizer.iterations == 2 * STEPS_PER_EPOCH
    loss = again.fit(X, Y, epochs=1, **FIT).history["loss"]
    np.testing.assert_allclose(loss, history["loss"][2:], rtol=1e-6, atol=1e-6)
    _assert_same_weights(again, model)
