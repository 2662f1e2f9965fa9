"""Callbacks: Keras's hook order, and each built-in callback against Keras or by hand."""

import csv
import os

import keras
import numpy as np
import pytest
import torch
from torch import nn

import tkeras
from tkeras import callbacks as cbs

HOOKS = [
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_batch_begin",
    "on_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
]


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def recorder(lib):
    """A callback of ``lib`` that records every hook, its index and its log keys."""
    calls = []

    class Recorder(lib.callbacks.Callback):
        def set_params(self, params):
            calls.append(("set_params", dict(params)))
            super().set_params(params)

        def set_model(self, model):
            calls.append(("set_model",))
            super().set_model(model)

    def make(hook):
        base = getattr(lib.callbacks.Callback, hook)

        def method(self, *args, logs=None):
            logs = args[-1] if args and isinstance(args[-1], dict) else logs
            index = tuple(a for a in args if isinstance(a, int))
            calls.append((hook, *index, sorted(logs or {})))
            if hook in ("on_train_batch_begin", "on_train_batch_end"):
                base(self, *index, logs=logs)  # the default calls the on_batch_* alias

        return method

    for hook in HOOKS:
        setattr(Recorder, hook, make(hook))
    return Recorder(), calls


def test_hook_order_matches_keras():
    x = np.random.default_rng(0).random((8, 3)).astype("float32")
    y = np.random.default_rng(1).random((8, 1)).astype("float32")
    runs = {}
    for lib in (keras, tkeras):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.compile("sgd", "mse", metrics=["mae"])
        cb, calls = recorder(lib)
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, validation_data=(x, y), callbacks=[cb])
        model.evaluate(x, y, batch_size=4, verbose=0, callbacks=[cb])
        model.predict(x, batch_size=4, verbose=0, callbacks=[cb])
        runs[lib.__name__] = calls
    assert runs["tkeras"] == runs["keras"]
    assert len(runs["keras"]) > 50


def test_callback_list_defaults_and_errors():
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
    history = cbs.History()
    cl = cbs.CallbackList(
        [history], add_history=True, add_progbar=True, model=model, verbose=1, epochs=1, steps=2
    )
    assert [type(c).__name__ for c in cl.callbacks] == ["History", "ProgbarLogger"]
    assert model.history is history and history.params == {"verbose": 1, "epochs": 1, "steps": 2}
    with pytest.raises(
        ValueError,
        match=r"Every entry of `callbacks` must be a "
        r"tkeras.callbacks.Callback\. Received: 3",
    ):
        cbs.CallbackList([3])
    assert cbs.callback.overrides(cbs.ModelCheckpoint("a.pt"), "on_train_batch_end")
    assert not cbs.callback.overrides(cbs.History(), "on_train_batch_end")
    assert cbs.callback.overrides(cbs.TerminateOnNaN(), "on_train_batch_end")  # on_batch_end


def _fit(callbacks, epochs=3, model=None, x=None, y=None, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype("float32") if x is None else x
    y = rng.standard_normal((32, 1)).astype("float32") if y is None else y
    if model is None:
        model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
        model.compile(tkeras.optimizers.SGD(0.05), "mse")
    return model, model.fit(
        x, y, batch_size=8, epochs=epochs, verbose=0, callbacks=callbacks, **kwargs
    )


# ------------------------------------------------------------ monitor callbacks, against Keras


class StubModel:
    """What the monitor callbacks touch: stop_training, weights, optimizer, metrics."""

    def __init__(self, lib):
        self.stop_training = False
        self.metrics = []
        self.weights = [np.zeros(1)]
        self.optimizer = lib.optimizers.SGD(1.0)

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = weights


def drive(lib, callback, values, monitor="val_loss"):
    """Run epoch ends with ``values``; record stop, lr and weights as Keras callbacks see them."""
    model = StubModel(lib)
    callback.set_model(model)
    callback.on_train_begin()
    trace = []
    for epoch, value in enumerate(values):
        model.weights = [np.full(1, float(epoch))]
        callback.on_epoch_begin(epoch)
        logs = {monitor: value}
        callback.on_epoch_end(epoch, logs)
        lr = model.optimizer.learning_rate
        # Keras's rate is a float32 variable, tkeras's a Python float: compare as float32.
        trace.append(
            (model.stop_training, float(np.float32(np.asarray(lr))), logs.get("learning_rate"))
        )
        if model.stop_training:
            break
    callback.on_train_end()
    return trace, float(model.weights[0][0])


SEQUENCE = [1.0, 0.8, 0.79995, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77, 0.78]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 2},
        {"patience": 2, "min_delta": 0.01},
        {"patience": 1, "restore_best_weights": True},
        {"patience": 3, "baseline": 0.75},
        {"patience": 1, "start_from_epoch": 4, "restore_best_weights": True},
        {"patience": 2, "mode": "max"},
    ],
)
def test_early_stopping_matches_keras(kwargs):
    ours = drive(tkeras, cbs.EarlyStopping(**kwargs), SEQUENCE)
    theirs = drive(keras, keras.callbacks.EarlyStopping(**kwargs), SEQUENCE)
    assert ours == theirs


@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 1},
        {"patience": 2, "factor": 0.5, "cooldown": 1},
        {"patience": 1, "factor": 0.5, "min_lr": 0.3, "min_delta": 0.02},
    ],
)
def test_reduce_lr_on_plateau_matches_keras(kwargs):
    ours = drive(tkeras, cbs.ReduceLROnPlateau(**kwargs), SEQUENCE)
    theirs = drive(keras, keras.callbacks.ReduceLROnPlateau(**kwargs), SEQUENCE)
    assert ours == theirs


def test_reduce_lr_on_plateau_errors_and_torch_optimizer():
    with pytest.raises(
        ValueError,
        match=r"does not support a factor >= 1\.0\. Received "
        r"factor=1\.5",
    ):
        cbs.ReduceLROnPlateau(factor=1.5)
    with pytest.raises(
        ValueError,
        match=r"Unrecognized keyword arguments passed to "
        r"ReduceLROnPlateau: \{'epsilon': 0\.1\}",
    ):
        cbs.ReduceLROnPlateau(epsilon=0.1)
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
    model.compile(torch.optim.SGD(model.parameters(), lr=0.0), nn.MSELoss())
    _, history = _fit(
        [cbs.ReduceLROnPlateau("loss", factor=0.5, patience=1, min_delta=0)], epochs=3, model=model
    )
    assert history.history["learning_rate"] == [0.0, 0.0, 0.0]  # no improvement, lr 0 stays
    model.compile(torch.optim.SGD(model.parameters(), lr=0.5), nn.MSELoss())
    _, history = _fit(
        [cbs.ReduceLROnPlateau("loss", factor=0.5, patience=1, min_delta=100.0)],
        epochs=3,
        model=model,
    )
    # Logged before each epoch's reduction; epoch 1 is the first best, so no reduction.
    assert history.history["learning_rate"] == [0.5, 0.5, 0.25]
    assert model.optimizer.param_groups[0]["lr"] == 0.125


def test_early_stopping_in_fit_stops_and_restores(capsys):
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
    model.compile(tkeras.optimizers.SGD(0.0), "mse")  # no learning: the loss never improves
    stop = cbs.EarlyStopping(monitor="loss", patience=2, verbose=1, restore_best_weights=True)
    # shuffle=False: the same batch order gives bit-equal epoch losses.
    _, history = _fit([stop], epochs=10, model=model, shuffle=False)
    assert len(history.history["loss"]) == 3 and stop.stopped_epoch == 2
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 1." in out
    with pytest.warns(
        UserWarning,
        match=r"Early stopping conditioned on metric `val_acc` "
        r"which is not available",
    ):
        _fit([cbs.EarlyStopping(monitor="val_acc", mode="max")], epochs=1)


def test_mode_auto_reads_the_metric_direction():
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(2)])
    model.compile(
        "sgd", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    stop = cbs.EarlyStopping(monitor="val_accuracy")
    y = np.zeros(32, "int64")
    _fit([stop], epochs=1, model=model, y=y, validation_split=0.25)
    assert stop.monitor_op(2, 1)  # higher accuracy is better
    unknown = cbs.EarlyStopping(monitor="val_custom")
    unknown.set_model(model)
    with pytest.raises(
        ValueError,
        match=r"EarlyStopping callback received "
        r"monitor=val_custom, but tkeras isn't able",
    ):
        unknown._set_monitor_op()


# ------------------------------------------------------------ ModelCheckpoint


def test_model_checkpoint_templates_and_state_dicts(tmp_path):
    path = str(tmp_path / "ckpt-{epoch:02d}-{loss:.2f}.pt")
    model, history = _fit(
        [cbs.ModelCheckpoint(path, monitor="loss", save_weights_only=True)], epochs=2
    )
    files = sorted(os.listdir(tmp_path))
    loss = history.history["loss"]
    assert files == [f"ckpt-01-{loss[0]:.2f}.pt", f"ckpt-02-{loss[1]:.2f}.pt"]
    state = torch.load(tmp_path / files[-1])
    assert state.keys() == model.state_dict().keys()
    for key, value in model.state_dict().items():
        torch.testing.assert_close(state[key], value)
    full = tmp_path / "full.pt"
    _fit([cbs.ModelCheckpoint(str(full), monitor="loss")], epochs=1, model=model)
    checkpoint = torch.load(full)
    assert set(checkpoint) == {"epoch", "model_state_dict", "optimizer_state_dict"}
    optimizer_state = checkpoint["optimizer_state_dict"]
    assert checkpoint["epoch"] == 1 and int(optimizer_state["0"]) == model.optimizer.iterations
    model.optimizer.load_own_variables({k: v.numpy() for k, v in optimizer_state.items()})


def test_model_checkpoint_save_best_only_and_threshold(tmp_path, capsys):
    path = tmp_path / "best.pt"
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
    model.compile(tkeras.optimizers.SGD(0.05), "mse")
    ckpt = cbs.ModelCheckpoint(
        str(path),
        monitor="loss",
        save_best_only=True,
        verbose=1,
        save_weights_only=True,
        initial_value_threshold=1e-9,
    )
    _fit([ckpt], epochs=2, model=model)
    assert not path.exists()  # never beat the threshold
    assert "loss did not improve from 0.00000" in capsys.readouterr().out
    ckpt = cbs.ModelCheckpoint(
        str(path), monitor="loss", save_best_only=True, verbose=1, save_weights_only=True
    )
    _fit([ckpt], epochs=2, model=model)
    out = capsys.readouterr().out
    assert "Epoch 1: loss improved from None to" in out and path.exists()
    assert f"finished saving model to {path}" in out


def test_model_checkpoint_save_freq_in_batches(tmp_path):
    path = str(tmp_path / "b-{epoch}-{batch}.pt")
    _fit([cbs.ModelCheckpoint(path, save_freq=3, save_weights_only=True)], epochs=2)
    # 4 batches per epoch: saves after batches 3 and 6 (epoch 2, batch 2).
    assert sorted(os.listdir(tmp_path)) == ["b-1-3.pt", "b-2-2.pt"]


def test_model_checkpoint_writes_atomically(tmp_path, monkeypatch):
    path = tmp_path / "w.pt"
    model, _ = _fit([cbs.ModelCheckpoint(str(path), save_weights_only=True)], epochs=1)
    before = path.read_bytes()

    def broken(obj, f):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        _fit([cbs.ModelCheckpoint(str(path), save_weights_only=True)], epochs=1, model=model)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["w.pt"]


def test_model_checkpoint_argument_errors(tmp_path):
    with pytest.raises(
        ValueError, match=r"filepath provided must end in `\.keras`.*Received: filepath=m\.bin"
    ):
        cbs.ModelCheckpoint("m.bin")
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`.*filepath=m\.keras"):
        cbs.ModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"Unrecognized save_freq: week"):
        cbs.ModelCheckpoint("m.pt", save_freq="week")
    with pytest.raises(KeyError, match=r"Failed to format this callback filepath"):
        _fit([cbs.ModelCheckpoint(str(tmp_path / "{nope}.pt"))], epochs=1)


# ------------------------------------------------------------ the rest


def test_learning_rate_scheduler(capsys):
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 0.1 / (epoch + 1)

    model, history = _fit([cbs.LearningRateScheduler(schedule, verbose=1)], epochs=3)
    assert seen == pytest.approx([0.05, 0.1, 0.05])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert (
        "Epoch 2: LearningRateScheduler setting learning rate to 0.05." in capsys.readouterr().out
    )
    model.compile(torch.optim.SGD(model.parameters(), lr=1.0), nn.MSELoss())
    _fit([cbs.LearningRateScheduler(lambda epoch: 0.25)], epochs=1, model=model)
    assert model.optimizer.param_groups[0]["lr"] == 0.25
    with pytest.raises(
        ValueError,
        match=r"The output of the `schedule` function should be a "
        r"float\. Got: 1",
    ):
        _fit([cbs.LearningRateScheduler(lambda epoch, lr: 1)], epochs=1)


def test_csv_logger_writes_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    _fit([cbs.CSVLogger(str(path))], epochs=2)
    _fit([cbs.CSVLogger(str(path), separator=";", append=True)], epochs=1)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,loss,val_loss"
    assert len(lines) == 4 and lines[3].startswith("0;") and lines[3].endswith(";NA")
    rows = list(csv.reader(lines[1:3]))
    assert [r[0] for r in rows] == ["0", "1"] and all(r[2] == "NA" for r in rows)


def test_lambda_callback_hooks():
    events = []
    cb = cbs.LambdaCallback(
        on_epoch_end=lambda epoch, logs: events.append(("end", epoch)),
        on_train_batch_end=lambda batch, logs: events.append(batch),
        on_test_end=lambda logs: events.append("test"),
    )
    _fit([cb], epochs=1, validation_split=0.5)
    assert events == [0, 1, "test", ("end", 0)]


def test_terminate_on_nan_stops_training(capsys):
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(1)])
    model.compile(tkeras.optimizers.SGD(0.05), "mse")
    y = np.full((32, 1), np.nan, "float32")
    _, history = _fit([cbs.TerminateOnNaN()], epochs=5, model=model, y=y)
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch 0"):
        _fit([cbs.TerminateOnNaN(raise_error=True)], epochs=1, model=model, y=y)


def test_history_is_returned_and_set_on_the_model():
    model, history = _fit(None, epochs=2)
    assert model.history is history and history.epoch == [0, 1]
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 4}


MODULES_WITH_EXAMPLES = [
    "tkeras.trainers.trainer",
    "tkeras.utils.progbar",
    "tkeras.utils.py_dataset",
    *(
        f"tkeras.callbacks.{name}"
        for name in (
            "callback",
            "callback_list",
            "history",
            "progbar_logger",
            "early_stopping",
            "model_checkpoint",
            "reduce_lr_on_plateau",
            "learning_rate_scheduler",
            "csv_logger",
            "lambda_callback",
            "terminate_on_nan",
        )
    ),
]


@pytest.mark.parametrize("module_name", MODULES_WITH_EXAMPLES)
def test_docstring_examples_run(module_name, tmp_path, monkeypatch):
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)  # examples may name files
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_model_checkpoint_writes_keras_formats_that_keras_loads(tmp_path):
    import keras as real_keras

    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(2, name="d")])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 2), "float32")
    full = tmp_path / "ckpt-{epoch:02d}.keras"
    weights = tmp_path / "w-{epoch:02d}.weights.h5"
    model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[
            cbs.ModelCheckpoint(str(full)),
            cbs.ModelCheckpoint(str(weights), save_weights_only=True),
        ],
    )
    loaded = real_keras.models.load_model(tmp_path / "ckpt-02.keras")
    np.testing.assert_allclose(
        real_keras.ops.convert_to_numpy(loaded(x)),
        model.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )
    twin = real_keras.Sequential([real_keras.Input((4,)), real_keras.layers.Dense(2)])
    twin.load_weights(tmp_path / "w-02.weights.h5")
    np.testing.assert_allclose(twin.get_weights()[0], model.get_weights()[0], rtol=1e-6)


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_matches_keras(swap_on_epoch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3)).astype("float32")
    y = rng.standard_normal((16, 2)).astype("float32")
    results = []
    weights = None
    for lib in (keras, tkeras):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        model.compile(lib.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5), "mse")
        callback = lib.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)
        history = model.fit(
            x, y, batch_size=4, epochs=2, shuffle=False, verbose=0,
            validation_data=(x, y), callbacks=[callback],
        )  # fmt: skip
        results.append((history.history["val_loss"], model.get_weights()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5, atol=1e-6)
    for a, b in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_swap_ema_weights_needs_use_ema():
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"use_ema=True.*Received: use_ema=False"):
        model.evaluate(
            np.ones((4, 3)), np.ones((4, 2)), verbose=0,
            callbacks=[tkeras.callbacks.SwapEMAWeights()],
        )  # fmt: skip
