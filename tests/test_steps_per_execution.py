"""compile(steps_per_execution=N): Keras's execution indices for the batch callbacks, and
the same training as N=1."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tkeras


class Recorder(tkeras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list = []

    def _add(self, name: str, batch: int, logs: dict | None = None) -> None:
        self.calls.append((name, batch))

    def on_train_batch_begin(self, batch, logs=None):
        self._add("train_begin", batch)

    def on_train_batch_end(self, batch, logs=None):
        assert set(logs) == {"loss", "accuracy"}
        self._add("train_end", batch)

    def on_test_batch_begin(self, batch, logs=None):
        self._add("test_begin", batch)

    def on_test_batch_end(self, batch, logs=None):
        self._add("test_end", batch)

    def on_predict_batch_begin(self, batch, logs=None):
        self._add("predict_begin", batch)

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("predict_end", batch, logs["outputs"].shape[0]))


def keras_executions(rows: int, batch_size: int, n: int, epochs: int, steps=None) -> list:
    """The (begin, end, batch count) of each execution, from Keras's own EpochIterator."""
    from keras.src.trainers.epoch_iterator import EpochIterator

    x = np.zeros((rows, 2), "float32")
    iterator = EpochIterator(
        x, x[:, 0], batch_size=batch_size, steps_per_epoch=steps, steps_per_execution=n
    )
    with warnings.catch_warnings():  # Keras warns "ran out of data" at a short execution
        warnings.simplefilter("ignore")
        return [[(b, e, len(d)) for b, e, d in iterator] for _ in range(epochs)]


def make(n: int, jit_compile=False):
    tkeras.utils.set_random_seed(1)
    model = tkeras.Sequential(
        [tkeras.Input((4,)), tkeras.layers.Dense(6, activation="relu"), tkeras.layers.Dense(3)]
    )
    model.compile(
        tkeras.optimizers.Adam(0.01),
        tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=n,
        jit_compile=jit_compile,
    )
    return model


def data(rows: int = 100):
    rng = np.random.default_rng(0)
    return rng.standard_normal((rows, 4)).astype("float32"), rng.integers(0, 3, rows)


def test_callbacks_see_keras_execution_indices():
    x, y = data()
    model, rec = make(3), Recorder()
    model.fit(x, y, batch_size=10, epochs=2, validation_data=(x[:50], y[:50]), callbacks=[rec],
              verbose=0)  # fmt: skip
    train = keras_executions(100, 10, 3, 1)[0]
    val = keras_executions(50, 10, 3, 1)[0]
    expected = []
    for _ in range(2):
        for b, e, _count in train:
            expected += [("train_begin", b), ("train_end", e)]
        for b, e, _count in val:
            expected += [("test_begin", b), ("test_end", e)]
    assert train == [(0, 2, 3), (3, 5, 3), (6, 8, 3), (9, 11, 1)]
    assert rec.calls == expected
    rec.calls.clear()
    model.predict(x, batch_size=10, callbacks=[rec], verbose=0)
    assert rec.calls == [
        ("predict_begin", 0), ("predict_end", 2, 30), ("predict_begin", 3),
        ("predict_end", 5, 30), ("predict_begin", 6), ("predict_end", 8, 30),
        ("predict_begin", 9), ("predict_end", 11, 10),
    ]  # fmt: skip


def test_steps_per_epoch_runs_keras_executions():
    """steps_per_epoch=5 with N=3 runs two executions (6 batches) per epoch, continuing the
    pass across epochs, as Keras's EpochIterator does."""
    x, y = data()
    model, rec = make(3), Recorder()
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(x, y, batch_size=10, epochs=3, steps_per_epoch=5, callbacks=[rec], verbose=0)
    expected = []
    for epoch in keras_executions(100, 10, 3, 3, steps=5):
        for b, e, _count in epoch:
            expected += [("train_begin", b), ("train_end", e)]
    assert rec.calls == expected
    # 6 + 4 + 6 batches of 10 rows: the optimizer counted every step.
    assert int(model.optimizer.iterations.numpy()) == 16


def test_losses_and_weights_equal_one_step_per_execution():
    x, y = data()
    runs = []
    for n in (1, 3):
        model = make(n)
        history = model.fit(
            x, y, batch_size=10, epochs=2, validation_data=(x[:30], y[:30]), verbose=0
        )
        evaluated = model.evaluate(x, y, batch_size=10, verbose=0)
        runs.append((history.history, model.get_weights(), evaluated, model.predict(x, verbose=0)))
    (h1, w1, e1, p1), (h3, w3, e3, p3) = runs
    assert h1 == h3
    assert e1 == e3
    np.testing.assert_array_equal(p1, p3)
    for a, b in zip(w1, w3, strict=True):
        np.testing.assert_array_equal(a, b)


def test_jit_compile_with_steps_per_execution_equals_eager():
    x, y = data(60)
    eager = make(1)  # each fit right after its seeded make: the same shuffles
    h1 = eager.fit(x, y, batch_size=10, epochs=1, verbose=0).history
    compiled = make(3, jit_compile=True)
    h3 = compiled.fit(x, y, batch_size=10, epochs=1, verbose=0).history
    np.testing.assert_allclose(h3["loss"], h1["loss"], rtol=1e-5, atol=1e-6)
    assert h3["accuracy"] == h1["accuracy"]
    for a, b in zip(eager.get_weights(), compiled.get_weights(), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_progress_bar_and_logs_follow_executions(capsys):
    x, y = data()
    make(3).fit(x, y, batch_size=10, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "10/10" in out
    assert "accuracy:" in out and "loss:" in out


@pytest.mark.gpu
def test_steps_per_execution_on_the_device_equals_one_step():
    import torch

    device = "cuda" if torch.cuda.is_available() else "mps"
    tkeras.config.set_device(device)
    try:
        x, y = data()
        histories = []
        for n in (1, 4):
            model = make(n)  # seeded right before its fit: the same shuffles
            histories.append(model.fit(x, y, batch_size=10, epochs=2, verbose=0).history)
            assert next(model.parameters()).device.type == device
        for key in histories[0]:
            np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-6)
    finally:
        tkeras.config.set_device(None)
