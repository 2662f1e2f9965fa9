"""compile / fit / evaluate / predict: inputs, modes, devices, errors, custom steps."""

import inspect
import math
import warnings

import keras
import numpy as np
import pytest
import torch
from torch import nn

import tkeras
from tkeras.trainers import data_adapters
from tkeras.trainers.logs import LazyLogs


@pytest.fixture(autouse=True)
def one_thread():
    # Tiny tensors: one thread avoids OpenMP spin-waits on a shared machine.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def data(n=64, features=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, features)).astype("float32"), rng.integers(0, classes, n))


def classifier(units=3, features=4, compile=True, **compile_kwargs):
    model = tkeras.Sequential(
        [
            tkeras.Input((features,)),
            tkeras.layers.Dense(8, activation="relu"),
            tkeras.layers.Dense(units),
        ]
    )
    if compile:
        kwargs = {
            "optimizer": tkeras.optimizers.SGD(0.1),
            "loss": tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
        }
        kwargs.update(compile_kwargs)
        model.compile(**kwargs)
    return model


# ---------------------------------------------------------------- signatures and compile


@pytest.mark.parametrize(
    "method",
    [
        "compile",
        "fit",
        "evaluate",
        "predict",
        "train_on_batch",
        "test_on_batch",
        "predict_on_batch",
        "train_step",
        "test_step",
        "predict_step",
        "compute_loss",
        "compute_metrics",
        "get_metrics_result",
        "reset_metrics",
    ],
)
def test_signatures_match_keras(method):
    ours = inspect.signature(getattr(tkeras.Model, method)).parameters
    theirs = inspect.signature(getattr(keras.Model, method)).parameters
    assert [(p.name, p.default, p.kind) for p in ours.values()] == [
        (p.name, p.default, p.kind) for p in theirs.values()
    ]


def test_compile_shadows_torch_compile_and_keeps_torch_objects_out_of_state_dict():
    model = classifier(compile=False)
    keys = set(model.state_dict())
    model.compile(torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    assert model.compiled and set(model.state_dict()) == keys
    assert "CrossEntropyLoss" not in repr(model)
    assert isinstance(model.loss, nn.CrossEntropyLoss)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (
            {"optimizer": "adamm"},
            ValueError,
            r"Unknown optimizer: 'adamm'\. Expected one of: .*adam",
        ),
        ({"loss": "msee"}, ValueError, r"Unknown loss: 'msee'\. Expected one of: .*MSE"),
        (
            {"loss": "mse", "metrics": ["acuracy"]},
            ValueError,
            r"Unknown metric: 'acuracy'\. Expected one of: .*Accuracy",
        ),
        (
            {"loss": "mse", "metrics": "accuracy"},
            ValueError,
            r"Expected `metrics` argument to be a list, tuple, or dict\. Received instead: "
            r"metrics='accuracy'",
        ),
        ({"loss": "mse", "loss_weights": "x"}, ValueError, r"Expected `loss_weights` argument"),
        ({"jit_compile": "yes"}, ValueError, r"`jit_compile` must be 'auto', True or False"),
        ({"steps_per_execution": 0}, ValueError, r"`steps_per_execution` must be a positive"),
    ],
)
def test_compile_errors(kwargs, error, match):
    model = classifier(compile=False)
    with pytest.raises(error, match=match):
        model.compile(**kwargs)


def test_compile_run_eagerly_turns_jit_off_with_a_warning():
    model = classifier(compile=False)
    with pytest.warns(UserWarning, match="Disabling `jit_compile`"):
        model.compile("sgd", "mse", run_eagerly=True, jit_compile=True)
    assert model.run_eagerly and model.jit_compile is False


def test_metrics_property_and_names_follow_keras():
    model = classifier(metrics=["accuracy"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    x, y = data()
    model.fit(x, y, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics"]
    assert set(model.get_metrics_result()) == {"loss", "accuracy"}
    model.reset_metrics()
    assert float(model.get_metrics_result()["loss"]) == 0.0


# ---------------------------------------------------------------- errors


def test_fit_before_compile_raises():
    x, y = data()
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before using the model"):
        classifier(compile=False).fit(x, y)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"y": np.zeros(10)}, r"Data cardinality is ambiguous.*'x' sizes: 64.*'y' sizes: 10"),
        ({"batch_size": 0}, r"`batch_size` must be a positive integer\. Received: batch_size=0"),
        ({"batch_size": -3}, r"batch_size=-3"),
        (
            {"validation_split": 1.0},
            r"`validation_split` must be a float in \[0, 1\)\. Received: "
            r"validation_split=1\.0",
        ),
        ({"validation_split": -0.1}, r"validation_split=-0\.1"),
        ({"validation_freq": "2"}, r"Expected `validation_freq` to be a list or int"),
        ({"verbose": 3}, r"`verbose` must be 'auto', 0, 1 or 2\. Received: verbose=3"),
        ({"epochs": -1}, r"`epochs` must be a non-negative integer"),
        ({"steps_per_epoch": 0}, r"`steps_per_epoch` must be a positive integer or None"),
    ],
)
def test_fit_argument_errors(kwargs, match):
    x, y = data()
    kwargs = {"x": x, "y": y, "verbose": 0, **kwargs}
    with pytest.raises(ValueError, match=match):
        classifier().fit(**kwargs)


def test_validation_split_needs_enough_samples_and_arrays():
    x, y = data(n=1)
    with pytest.raises(
        ValueError,
        match=r"Training data contains 1 samples, which is not "
        r"sufficient",
    ):
        classifier().fit(x, y, validation_split=0.1, verbose=0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4, 4)))
    with pytest.raises(ValueError, match=r"`validation_split` is only supported for tensors"):
        classifier().fit(loader, validation_split=0.5, verbose=0)


def test_targets_that_cannot_align_with_the_output_raise():
    x, _ = data()
    model = classifier(units=2, loss="mse")
    with pytest.raises(
        ValueError,
        match=r"The targets y \(shape \(32, 3\)\) cannot be aligned "
        r"with the output of model '.*' \(shape \(32, 2\)\)",
    ):
        model.fit(x, np.zeros((64, 3), "float32"), verbose=0)


def test_generator_with_the_wrong_structure_raises():
    x, y = data()
    with pytest.raises(
        ValueError,
        match=r"(?s)When passing a Python generator to a tkeras model, the "
        r"generator must yield a tuple.*Received: \[array",
    ):
        classifier().fit((list(b) for b in [(x, y)]), verbose=0)
    bad = ((x, y, y, y) for _ in range(2))
    with pytest.raises(ValueError, match=r"must yield a tuple"):
        classifier().fit(bad, verbose=0)
    with pytest.raises(ValueError, match=r"Received an empty generator"):
        classifier().fit((b for b in []), verbose=0)


def test_unrecognized_input_type_and_y_with_a_loader_raise():
    with pytest.raises(ValueError, match=r"Unrecognized data type: x=abc \(of type str\)"):
        classifier().fit("abc", verbose=0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4, 4)))
    with pytest.raises(ValueError, match=r"When providing `x` as a DataLoader, `y` should not"):
        classifier().fit(loader, np.zeros(4), verbose=0)


def test_fit_without_optimizer_or_loss_raises():
    x, y = data()
    model = classifier(compile=False)
    model.compile(optimizer=None, loss="mse")
    with pytest.raises(ValueError, match=r"fit\(\) needs an optimizer"):
        model.fit(x, y, verbose=0)
    model = classifier(compile=False)
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match=r"No loss to compute\. Provide a `loss` argument"):
        model.fit(x, y, verbose=0)


def test_torch_loss_module_rejects_sample_weights():
    x, y = data()
    model = classifier(compile=False)
    model.compile(torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    with pytest.raises(
        NotImplementedError,
        match=r"sample_weight and class_weight are not "
        r"supported with a torch loss module",
    ):
        model.fit(x, y, class_weight={0: 2.0}, verbose=0)


# ---------------------------------------------------------------- inputs


def _fit_losses(x, y=None, epochs=2, **kwargs):
    tkeras.utils.set_random_seed(1)
    model = classifier()
    return model.fit(x, y, epochs=epochs, verbose=0, **kwargs).history["loss"]


class Batches(tkeras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_begun = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_begin(self):
        self.epochs_begun += 1


def test_every_input_kind_gives_the_same_history():
    x, y = data()
    expected = _fit_losses(x, y, batch_size=16, shuffle=False)
    tensors = (torch.from_numpy(x), torch.from_numpy(y))
    ds = torch.utils.data.TensorDataset(*tensors)
    loader = torch.utils.data.DataLoader(ds, batch_size=16)
    batches = [(x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16)]
    runs = {
        "torch": _fit_losses(*tensors, batch_size=16, shuffle=False),
        "float64": _fit_losses(x.astype("float64"), y, batch_size=16, shuffle=False),
        "loader": _fit_losses(loader),
        "dataset": _fit_losses(ds, batch_size=16, shuffle=False),
        "generator": _fit_losses((b for b in batches * 2), steps_per_epoch=4),
        "pydataset": _fit_losses(Batches(x, y, 16), shuffle=False),
        "threads": _fit_losses(Batches(x, y, 16, workers=2, max_queue_size=2), shuffle=False),
    }
    for kind, losses in runs.items():
        np.testing.assert_allclose(losses, expected, rtol=1e-6, err_msg=kind)


def test_pydataset_hooks_shuffle_and_multiprocessing():
    x, y = data()
    ds = Batches(x, y, 16)
    classifier().fit(ds, epochs=3, verbose=0)
    assert ds.epochs_begun == 3
    with pytest.raises(NotImplementedError, match=r"use_multiprocessing=True"):
        Batches(x, y, 16, use_multiprocessing=True)
    seen = []

    class Recorder(Batches):
        def __getitem__(self, i):
            seen.append(i)
            return super().__getitem__(i)

    tkeras.utils.set_random_seed(0)
    classifier().fit(Recorder(x, y, 16), epochs=1, shuffle=True, verbose=0)
    assert sorted(seen) == [0, 1, 2, 3] and seen != [0, 1, 2, 3]
    assert tkeras.utils.Sequence is tkeras.utils.PyDataset


def test_generator_epochs_continue_with_steps_per_epoch():
    x, y = data()

    def endless():
        i = 0
        while True:
            yield x[i % 4 * 16 : (i % 4 + 1) * 16], y[i % 4 * 16 : (i % 4 + 1) * 16]
            i += 1

    history = classifier().fit(endless(), steps_per_epoch=3, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3


def test_finite_generator_runs_out_with_a_warning():
    x, y = data()
    gen = ((x[i : i + 16], y[i : i + 16]) for i in range(0, 64, 16))
    with pytest.warns(UserWarning, match=r"Your input ran out of data"):
        history = classifier().fit(gen, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 1 and history.epoch == [0, 1]  # as in Keras


def test_steps_per_epoch_on_arrays_continues_the_pass():
    x, y = data()
    seen = []

    class Count(tkeras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    # 4 batches of 16; 3 per epoch: epoch 2 gets the last batch only, then runs out.
    with pytest.warns(UserWarning, match=r"ran out of data"):
        classifier().fit(
            x, y, batch_size=16, steps_per_epoch=3, epochs=2, verbose=0, callbacks=[Count()]
        )
    assert seen == [0, 1, 2, 0]


def test_array_shuffle_permutes_each_epoch_and_batch_mode_keeps_batches():
    x = np.arange(12, dtype="float32")[:, None]
    adapter = data_adapters.ArrayAdapter(x, np.zeros(12), batch_size=4, shuffle=True)
    torch.manual_seed(0)
    first = torch.cat([b[0] for b in adapter.batches()]).flatten().tolist()
    second = torch.cat([b[0] for b in adapter.batches()]).flatten().tolist()
    assert sorted(first) == list(range(12)) and first != second != list(range(12))
    adapter = data_adapters.ArrayAdapter(x, None, batch_size=4, shuffle="batch")
    batches = [sorted(b[0].flatten().tolist()) for b in adapter.batches()]
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    plain = data_adapters.ArrayAdapter(x, None, batch_size=5)
    assert [b[0].shape[0] for b in plain.batches()] == [5, 5, 2]


def test_array_data_moves_to_the_device_once_and_float64_becomes_float32():
    x, y = data()
    adapter = data_adapters.get_data_adapter(x.astype("float64"), y, batch_size=16)
    assert adapter.data[0].dtype == torch.float32 and adapter.data[1].dtype == torch.int64
    adapter.to(torch.device("cpu"))
    views = [b[0] for b in adapter.batches()]
    # Unshuffled batches are views into the one device copy.
    assert all(
        v.untyped_storage().data_ptr() == adapter.data[0].untyped_storage().data_ptr()
        for v in views
    )


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = data(n=40)
    tkeras.utils.set_random_seed(0)
    model = classifier()
    history = model.fit(x, y, validation_split=0.25, epochs=1, verbose=0)
    expected = model.evaluate(x[30:], y[30:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)
    assert set(history.history) == {"loss", "val_loss"}


def test_validation_data_freq_and_initial_epoch():
    x, y = data()
    calls = []

    class Rec(tkeras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            calls.append("test")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(epoch)

    history = classifier().fit(
        x,
        y,
        epochs=4,
        initial_epoch=1,
        validation_data=(x, y, None),
        validation_freq=[2, 4],
        verbose=0,
        callbacks=[Rec()],
    )
    assert calls == [1, "test", 2, 3, "test"]  # 1-based epochs 2 and 4
    assert history.epoch == [1, 2, 3]
    assert len(history.history["loss"]) == 3 and len(history.history["val_loss"]) == 2
    history = classifier().fit(
        x,
        y,
        epochs=2,
        validation_data=(x, y),
        validation_freq=2,
        validation_batch_size=7,
        verbose=0,
    )
    assert len(history.history["val_loss"]) == 1


def test_class_weight_equals_the_matching_sample_weight():
    x, y = data()
    weights = {0: 0.5, 1: 2.0}  # class 2 is missing: weight 1
    expected = _fit_losses(
        x,
        y,
        shuffle=False,
        sample_weight=np.array([weights.get(int(c), 1.0) for c in y], "float32"),
    )
    got = _fit_losses(x, y, shuffle=False, class_weight=weights)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=32
    )
    np.testing.assert_allclose(_fit_losses(loader, class_weight=weights), expected, rtol=1e-6)
    with pytest.raises(
        ValueError,
        match=r"You cannot specify `class_weight` and "
        r"`sample_weight` at the same time",
    ):
        classifier().fit(x, y, class_weight=weights, sample_weight=np.ones(64), verbose=0)


# ---------------------------------------------------------------- modes, devices, seeds


class ModeProbe(tkeras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.modes = []

    def call(self, x):
        self.modes.append(self.training)
        return x


def test_fit_trains_in_train_mode_and_restores_every_module_mode():
    probe = ModeProbe()
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3), probe])
    model.compile("sgd", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = data()
    probe.modes.clear()  # shape inference at build called it too
    model.layers[0].train()  # a user-set mode on one layer survives fit
    model.fit(x, y, batch_size=32, validation_data=(x, y), verbose=0)
    assert probe.modes == [True, True, False, False]
    assert model.training is False and model.layers[0].training is True and not probe.training
    probe.modes.clear()
    model.predict(x, batch_size=64, verbose=0)
    model.evaluate(x, y, batch_size=64, verbose=0)
    model.train_on_batch(x, y)
    assert probe.modes == [False, False, True]
    assert model.training is False


def test_dropout_is_active_in_fit_only():
    model = tkeras.Sequential(
        [
            tkeras.Input((4,)),
            tkeras.layers.Dropout(0.99999),
            tkeras.layers.Dense(1, kernel_initializer="ones"),
        ]
    )
    model.compile("sgd", "mse")
    x = np.ones((8, 4), "float32")
    before = model.predict(x, verbose=0)
    np.testing.assert_allclose(before, 4.0)
    loss = model.test_on_batch(x, np.zeros((8, 1)))
    assert loss == pytest.approx(16.0)
    tkeras.utils.set_random_seed(0)
    history = model.fit(x, np.zeros((8, 1)), epochs=1, verbose=0)
    assert history.history["loss"][0] < 1.0  # (almost) everything dropped in training


def test_unbuilt_models_build_from_the_first_batch():
    x, y = data()
    seq = tkeras.Sequential([tkeras.layers.Dense(8), tkeras.layers.Dense(3)])
    seq.compile("sgd", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    seq.fit(x, y, verbose=0)
    assert seq.built and seq.count_params() == 4 * 8 + 8 + 8 * 3 + 3

    class Sub(tkeras.Model):
        def __init__(self):
            super().__init__()
            self.d = tkeras.layers.Dense(3)

        def call(self, x):
            return self.d(x)

    sub = Sub()
    sub.compile("sgd", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert len(sub.fit(x, y, verbose=0).history["loss"]) == 1
    assert sub.predict(x, verbose=0).shape == (64, 3)
    # build() on a subclassed model leaves its sublayers unbuilt: fit still builds them
    # before the optimizer is built, so their weights train.
    sub = Sub()
    sub.build((None, 4))
    sub.compile(tkeras.optimizers.SGD(0.1, momentum=0.5), "sparse_categorical_crossentropy")
    assert not sub.d.built
    sub.fit(x, y, verbose=0)
    assert len(sub.optimizer.variables) == 4 and sub.d.built  # two momentum slots


def test_set_random_seed_makes_fit_reproducible():
    x, y = data()
    runs = []
    for _ in range(2):
        tkeras.utils.set_random_seed(7)
        model = tkeras.Sequential(
            [
                tkeras.Input((4,)),
                tkeras.layers.Dense(8),
                tkeras.layers.Dropout(0.5),
                tkeras.layers.Dense(3),
            ]
        )
        model.compile(
            "adam",
            tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
        runs.append((history.history, model.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_training_happens_on_config_device(monkeypatch):
    from tkeras.trainers import step

    model = classifier()
    monkeypatch.setattr(tkeras.backend.global_state.PROCESS, "device", torch.device("cpu"))
    assert step.resolve_device(model) == torch.device("cpu")
    meta = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(2)]).to("meta")
    assert step.resolve_device(meta) == torch.device("meta")  # a model moved by hand stays


@pytest.mark.gpu
def test_fit_on_the_accelerator_matches_cpu_and_never_syncs_mid_epoch():
    x, y = data(n=256)
    results = {}
    accelerator = "cuda" if torch.cuda.is_available() else "mps"
    for device in ("cpu", accelerator):
        tkeras.config.set_device(device)
        try:
            tkeras.utils.set_random_seed(0)
            model = classifier(compile=False)
            model.compile(torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())

            class NoSync(tkeras.callbacks.Callback):
                cuda = device == "cuda"

                def on_train_batch_begin(self, batch, logs=None):
                    if self.cuda and batch > 0:  # step 0 builds the metrics and may sync
                        torch.cuda.set_sync_debug_mode("error")

                def on_train_batch_end(self, batch, logs=None):
                    if self.cuda:
                        torch.cuda.set_sync_debug_mode("default")

            history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[NoSync()])
            assert next(model.parameters()).device.type == device
            results[device] = history.history["loss"]
        finally:
            tkeras.config.set_device(None)
    np.testing.assert_allclose(results["cpu"], results[accelerator], rtol=1e-4)


# ---------------------------------------------------------------- evaluate / predict / on_batch


def test_evaluate_returns_scalar_list_or_dict_in_keras_order():
    x, y = data()
    model = classifier(metrics=["accuracy"], weighted_metrics=["acc"])
    result = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["acc", "accuracy", "loss"]
    assert result == [logs["loss"], logs["accuracy"], logs["acc"]]
    assert isinstance(classifier().evaluate(x, y, verbose=0), float)
    with pytest.raises(ValueError, match=r"Arguments not recognized: \{'foo': 1\}"):
        model.evaluate(x, y, foo=1)


def test_predict_numpy_steps_and_multi_output():
    x, _ = data()
    model = classifier()
    out = model.predict(x, batch_size=10, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (64, 3)
    np.testing.assert_allclose(model.predict_on_batch(x), out, rtol=1e-5, atol=1e-6)
    assert model.predict(x, batch_size=10, steps=2, verbose=0).shape == (20, 3)
    inputs = tkeras.Input((4,))
    two = tkeras.Model(inputs, [tkeras.layers.Dense(2)(inputs), tkeras.layers.Dense(1)(inputs)])
    a, b = two.predict(x, verbose=0)
    assert a.shape == (64, 2) and b.shape == (64, 1)


def test_train_and_test_on_batch():
    x, y = data()
    model = classifier(metrics=["accuracy"])
    first = model.train_on_batch(x, y)
    assert isinstance(first, list) and len(first) == 2
    logs = model.test_on_batch(x, y, return_dict=True)
    assert logs["loss"] < first[0]
    assert model.train_on_batch(x, y, class_weight={0: 1.0}, return_dict=True).keys() == {
        "loss",
        "accuracy",
    }
    with pytest.raises(
        ValueError,
        match=r"`sample_weight` and `class_weight` cannot be "
        r"specified at the same time",
    ):
        model.train_on_batch(x, y, sample_weight=np.ones(64), class_weight={0: 1.0})
    with pytest.raises(ValueError, match=r"You must call `compile\(\)`"):
        classifier(compile=False).test_on_batch(x, y)


# ---------------------------------------------------------------- custom steps and losses


def test_custom_train_step_keras_torch_style():
    class Custom(tkeras.Sequential):
        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            self.zero_grad()
            loss.backward()
            weights = self.trainable_weights
            with torch.no_grad():
                self.optimizer.apply([v.grad for v in weights], weights)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {"custom": loss.detach(), **self.get_metrics_result()}

    model = Custom([tkeras.Input((4,)), tkeras.layers.Dense(3)])
    model.compile(
        tkeras.optimizers.SGD(0.1),
        tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    x, y = data()
    history = model.fit(x, y, epochs=2, verbose=0)
    assert set(history.history) == {"custom", "loss", "accuracy"}
    assert history.history["loss"][1] < history.history["loss"][0]


def test_compute_loss_override_and_add_loss():
    class Penalized(tkeras.Sequential):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return super().compute_loss(x, y, y_pred, sample_weight, training) * 0.0 + 5.0

    model = Penalized([tkeras.Input((4,)), tkeras.layers.Dense(3)])
    model.compile("sgd", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = data()
    assert model.fit(x, y, verbose=0).history["loss"] == [5.0]

    class Activity(tkeras.layers.Layer):
        def call(self, x):
            self.add_loss(torch.ones(()) * 3.0)
            return x

    model = tkeras.Sequential(
        [tkeras.Input((4,)), tkeras.layers.Dense(1, kernel_initializer="zeros"), Activity()]
    )
    model.compile(tkeras.optimizers.SGD(0.0), "mse")
    assert model.fit(x, np.zeros((64, 1)), verbose=0).history["loss"] == [3.0]
    assert model.evaluate(x, np.zeros((64, 1)), verbose=0) == 3.0


def test_torch_optimizer_and_loss_module_train():
    x, y = data()
    model = classifier(compile=False)
    model.compile(
        torch.optim.Adam(model.parameters(), lr=0.05), nn.CrossEntropyLoss(), metrics=["accuracy"]
    )
    history = model.fit(x, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert set(history.history) == {"loss", "accuracy"}


def test_multi_output_functional_model_losses_and_metrics():
    inputs = tkeras.Input((4,))
    a = tkeras.layers.Dense(3, name="a")(inputs)
    b = tkeras.layers.Dense(1, name="b")(inputs)
    model = tkeras.Model(inputs, [a, b])
    model.compile(
        "sgd",
        [tkeras.losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
        loss_weights=[1.0, 0.5],
        metrics={"a": ["accuracy"]},
    )
    x, y = data()
    z = np.zeros((64, 1), "float32")
    history = model.fit(x, [y, z], epochs=1, verbose=0)
    assert set(history.history) == {"loss", "a_loss", "b_loss", "a_accuracy"}
    h = history.history
    assert h["loss"][0] == pytest.approx(h["a_loss"][0] + 0.5 * h["b_loss"][0], rel=1e-5)
    with pytest.raises(ValueError, match=r"`loss` must have one entry per model output \(2\)"):
        model.compile("sgd", ["mse"])
        model.fit(x, [y, z], verbose=0)


# ---------------------------------------------------------------- host syncs


def test_batch_logs_are_read_only_when_a_callback_looks(monkeypatch):
    x, y = data()
    model = classifier(metrics=["accuracy"])
    reads = []
    original = model.get_metrics_result

    def counting():
        reads.append(1)
        return original()

    monkeypatch.setattr(model, "get_metrics_result", counting)

    class Blind(tkeras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            assert isinstance(logs, LazyLogs)

    model.fit(x, y, batch_size=8, epochs=1, verbose=2, callbacks=[Blind()])
    epoch_reads = len(reads)
    assert epoch_reads == 1  # the epoch end only, not 8 batches

    class Looks(tkeras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            assert set(logs) == {"loss", "accuracy"}

    reads.clear()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[Looks()])
    assert len(reads) == 9


def test_lazy_logs_behave_like_a_dict():
    logs = LazyLogs(lambda: {"b": torch.tensor(2.0), "a": torch.tensor(1.5)})
    assert dict(logs) == {"a": 1.5, "b": 2.0} and list(logs) == ["a", "b"]
    logs["c"] = 3
    assert {**logs} == {"a": 1.5, "b": 2.0, "c": 3} and logs.copy()["c"] == 3
    assert "a" in logs and logs.get("z", 0) == 0 and len(logs) == 3


# ---------------------------------------------------------------- benchmark smoke run


def test_benchmark_script_quick_run():
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "benchmark.py"
    spec = importlib.util.spec_from_file_location("tkeras_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = module.main(["--quick", "--no-keras", "--models", "mlp,convnet,lstm"])
    assert [r["model"] for r in rows] == ["mlp", "convnet", "lstm"]
    assert all(r["torch"] > 0 and r["tkeras"] > 0 for r in rows)


def test_predict_on_an_empty_dataloader_says_no_batch_ran():
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.zeros(0, 3)), batch_size=2
    )
    with pytest.warns(UserWarning, match="ran out of data"):
        with pytest.raises(ValueError, match=r"predict\(\) ran no batch: the input yielded no"):
            model.predict(loader, verbose=0)
