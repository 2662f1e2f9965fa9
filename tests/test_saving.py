"""Saving: ``.weights.h5``, ``.keras``, legacy ``.h5``, configs and JSON, against real Keras 3.

Every file format is exercised in both directions: written by Keras and read by tkeras, and
written by tkeras and read by Keras, with predictions compared to 1e-5.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile

import h5py
import keras
import numpy as np
import pytest
import torch

import tkeras
from tests._subprocess import HANG_GUARD_S
from tkeras.saving import weights_h5

TOL = {"rtol": 1e-5, "atol": 1e-5}
RNG = np.random.default_rng(0)


# --------------------------------------------------------------------------- helpers


def _seq(K):
    return K.Sequential(
        [
            K.Input((6, 6, 3)),
            K.layers.Conv2D(4, 3, activation="relu"),
            K.layers.BatchNormalization(),
            K.layers.Flatten(),
            K.layers.Dense(5, activation="tanh"),
            K.layers.Dense(2),
        ]
    )


def _fun(K):
    i = K.Input((5,), dtype="int32")
    e = K.layers.Embedding(10, 4)(i)
    a = K.layers.LSTM(3, return_sequences=True)(e)
    b = K.layers.GRU(2)(a)
    c = K.layers.Concatenate()([b, K.layers.GlobalAveragePooling1D()(a)])
    return K.Model(i, K.layers.Dense(1)(c))


def _conv_lstm(K):
    # ConvLSTM keeps its weights on its cell (conv_lstm2d/conv_lstm_cell/kernel), as LSTM does.
    return K.Sequential(
        [
            K.Input((3, 5, 5, 2)),
            K.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True),
            K.layers.ConvLSTM2D(2, 2, data_format="channels_first"),
            K.layers.Flatten(),
            K.layers.Dense(1),
        ]
    )


BUILDERS = {
    "sequential": (_seq, lambda: RNG.standard_normal((3, 6, 6, 3)).astype("float32")),
    "functional": (_fun, lambda: RNG.integers(0, 10, (3, 5))),
    "conv_lstm": (_conv_lstm, lambda: RNG.standard_normal((2, 3, 5, 5, 2)).astype("float32")),
}


def _randomize(model):
    """Non-default weights; positive values where they are variances."""
    values = []
    for w in model.weights:
        shape = tuple(w.shape) if not hasattr(w, "keras_shape") else w.keras_shape
        value = RNG.standard_normal(shape).astype("float32") * 0.3
        if "variance" in w.path:
            value = np.abs(value) + 0.5
        values.append(value)
    model.set_weights(values)


def _k(y):
    return keras.ops.convert_to_numpy(y)


def _t(model, x):
    with torch.no_grad():
        return model(torch.as_tensor(x)).numpy()


def _paths(filename):
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            found[name] = obj.shape

    with h5py.File(filename, "r") as f:
        f.visititems(visit)
    return found


def _snapshot(model):
    return [w.copy() for w in model.get_weights()]


# --------------------------------------------------------------------------- .weights.h5


@pytest.mark.parametrize("arch", list(BUILDERS))
def test_weights_h5_keras_to_tkeras_and_back(tmp_path, arch):
    build, data = BUILDERS[arch]
    x = data()
    km = build(keras)
    _randomize(km)
    km.save_weights(tmp_path / "k.weights.h5")
    tm = build(tkeras)
    tm.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(_t(tm, x), _k(km(x)), **TOL)

    tm2 = build(tkeras)
    _randomize(tm2)
    tm2.save_weights(tmp_path / "t.weights.h5")
    km2 = build(keras)
    km2.load_weights(tmp_path / "t.weights.h5")
    np.testing.assert_allclose(_k(km2(x)), _t(tm2, x), **TOL)
    # The same datasets at the same paths, shapes included.
    assert _paths(tmp_path / "t.weights.h5") == _paths(tmp_path / "k.weights.h5")


def test_weights_h5_groups_carry_names_as_keras_writes_them(tmp_path):
    model = tkeras.Sequential(
        [tkeras.Input((4, 3)), tkeras.layers.LSTM(2, name="rec"), tkeras.layers.Dense(1)],
        name="seq",
    )
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        assert f["vars"].attrs["name"] == "seq"
        assert f["layers/lstm/vars"].attrs["name"] == "rec"
        assert f["layers/lstm/cell/vars"].attrs["name"] == "lstm_cell"
        assert sorted(f["layers/lstm/cell/vars"]) == ["0", "1", "2"]
        assert f["layers/lstm/cell/vars/0"].shape == (3, 8)


def test_subclassed_model_weights_follow_kerass_attribute_walk(tmp_path):
    def make(K, list_type):
        class Net(K.Model):
            def __init__(self):
                super().__init__()
                self.dense1 = K.layers.Dense(3)
                self.blocks = list_type([K.layers.Dense(3), K.layers.Dense(2)])
                self.zout = K.layers.Dense(1)  # sorts after "layers": saved as layers/dense_3

            def call(self, x):
                x = self.dense1(x)
                for block in self.blocks:
                    x = block(x)
                return self.zout(x)

        return Net()

    x = RNG.standard_normal((2, 4)).astype("float32")
    km = make(keras, list)
    km(x)
    _randomize(km)
    km.save_weights(tmp_path / "k.weights.h5")
    tm = make(tkeras, torch.nn.ModuleList)
    tm(torch.as_tensor(x))
    tm.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(_t(tm, x), _k(km(x)), **TOL)
    tm.save_weights(tmp_path / "t.weights.h5")
    assert _paths(tmp_path / "t.weights.h5") == _paths(tmp_path / "k.weights.h5")
    assert "layers/dense_3/vars/0" in _paths(tmp_path / "t.weights.h5")


def _pair(units_last):
    a = tkeras.Sequential(
        [tkeras.Input((4,)), tkeras.layers.Dense(4, name="d1"), tkeras.layers.Dense(3, name="d2")]
    )
    b = tkeras.Sequential(
        [
            tkeras.Input((4,)),
            tkeras.layers.Dense(4, name="e1"),
            tkeras.layers.Dense(units_last, name="e2"),
        ]
    )
    return a, b


def test_load_weights_shape_mismatch_names_file_layer_and_shapes_and_changes_nothing(tmp_path):
    src, dst = _pair(units_last=5)
    path = tmp_path / "w.weights.h5"
    src.save_weights(path)
    before = _snapshot(dst)
    with pytest.raises(
        ValueError,
        match=r"w\.weights\.h5: layer 'e2' weight 0 \(kernel\) expects shape \(4, 5\), "
        r"but the file has shape \(4, 3\)",
    ):
        dst.load_weights(path)
    # The first layer matched, but a failed load assigns nothing at all.
    for old, new in zip(before, dst.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_load_weights_skip_mismatch_loads_the_rest_and_warns(tmp_path):
    src, dst = _pair(units_last=5)
    path = tmp_path / "w.weights.h5"
    src.save_weights(path)
    kept = _snapshot(dst)[2:]
    with pytest.warns(UserWarning, match=r"Skipping layer 'e2'.*expects shape \(4, 5\)"):
        dst.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(dst.get_weights()[0], src.get_weights()[0])
    for old, new in zip(kept, dst.get_weights()[2:]):
        np.testing.assert_array_equal(old, new)


def test_load_weights_count_mismatch_and_unbuilt_model_errors(tmp_path):
    src = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3, name="only")])
    path = tmp_path / "w.weights.h5"
    src.save_weights(path)
    no_bias = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3, use_bias=False)])
    with pytest.raises(
        ValueError,
        match=r"expects 1 weights \['kernel'\] at 'layers/dense/vars', "
        r"but the file has 2 there",
    ):
        no_bias.load_weights(path)
    unbuilt = tkeras.Sequential([tkeras.layers.Dense(3)])
    with pytest.raises(ValueError, match="was never built"):
        unbuilt.load_weights(path)


def test_weights_file_name_and_argument_checks(tmp_path):
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(NotImplementedError, match="max_shard_size"):
        model.save_weights(tmp_path / "w.weights.h5", max_shard_size=1)
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="`by_name` only supports loading legacy"):
        model.load_weights(tmp_path / "w.weights.h5", by_name=True)
    with pytest.raises(ValueError, match="File format not supported"):
        (tmp_path / "w.bin").write_bytes(b"x")
        model.load_weights(tmp_path / "w.bin")


def test_overwrite_false_asks_like_keras(tmp_path, monkeypatch):
    path = tmp_path / "w.weights.h5"
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
    model.save_weights(path)
    stamp = path.read_bytes()
    model.set_weights([w + 1 for w in model.get_weights()])
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    model.save_weights(path, overwrite=False)
    assert path.read_bytes() == stamp


# --------------------------------------------------------------------------- .keras


def _module_names(config):
    """(class_name, module, registered_name) of every serialized object in a config."""
    found = []
    if isinstance(config, dict):
        if "class_name" in config and "module" in config:
            found.append((config["class_name"], config["module"], config.get("registered_name")))
        for value in config.values():
            found.extend(_module_names(value))
    elif isinstance(config, list):
        for value in config:
            found.extend(_module_names(value))
    return found


@pytest.mark.parametrize("arch", list(BUILDERS))
def test_keras_file_both_directions(tmp_path, arch):
    build, data = BUILDERS[arch]
    x = data()
    km = build(keras)
    _randomize(km)
    km.compile(optimizer="adam", loss="mse")
    km.save(tmp_path / "k.keras")
    tm = tkeras.models.load_model(tmp_path / "k.keras")
    assert type(tm).__name__ == type(km).__name__ and tm.compiled
    np.testing.assert_allclose(_t(tm, x), _k(km(x)), **TOL)

    tm.save(tmp_path / "t.keras")
    with zipfile.ZipFile(tmp_path / "t.keras") as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        ours = json.loads(zf.read("config.json"))
    with zipfile.ZipFile(tmp_path / "k.keras") as zf:
        theirs = json.loads(zf.read("config.json"))
    # Keras's class names, modules and registered names, the optimizer's module aside.
    strip = [n for n in _module_names(theirs) if n[0] != "Adam"]
    assert [n for n in _module_names(ours) if n[0] != "Adam"] == strip
    km2 = keras.models.load_model(tmp_path / "t.keras")
    np.testing.assert_allclose(_k(km2(x)), _t(tm, x), **TOL)
    assert km2.optimizer.__class__.__name__ == "Adam"


def test_compiled_model_resumes_training_after_a_round_trip(tmp_path):
    x = RNG.standard_normal((16, 4)).astype("float32")
    y = RNG.standard_normal((16, 1)).astype("float32")

    def build(K):
        m = K.Sequential([K.Input((4,)), K.layers.Dense(3, activation="relu"), K.layers.Dense(1)])
        m.compile(
            optimizer=K.optimizers.Adam(0.01),
            loss=K.losses.MeanSquaredError(),
            metrics=["mae", K.metrics.RootMeanSquaredError()],
        )
        return m

    km = build(keras)
    km.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    km.save(tmp_path / "k.keras")
    tm = tkeras.models.load_model(tmp_path / "k.keras")
    assert tm.optimizer.iterations == 2
    assert isinstance(tm.loss, tkeras.losses.MeanSquaredError)
    km.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    tm.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(km.get_weights(), tm.get_weights()):
        np.testing.assert_allclose(b, a, **TOL)

    tm.save(tmp_path / "t.keras")
    km2 = keras.models.load_model(tmp_path / "t.keras")
    assert int(km2.optimizer.iterations) == 4
    assert isinstance(km2.loss, keras.losses.MeanSquaredError)
    history = km2.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False).history
    assert sorted(history) == ["loss", "mae", "root_mean_squared_error"]
    km2 = keras.models.load_model(tmp_path / "t.keras")
    km2.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    tm.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(km2.get_weights(), tm.get_weights()):
        np.testing.assert_allclose(b, a, **TOL)

    fresh = tkeras.models.load_model(tmp_path / "t.keras", compile=False)
    assert not fresh.compiled


def test_multi_input_output_functional_with_shared_and_nested_layers(tmp_path):
    def build(K):
        a = K.Input((3,), name="a")
        b = K.Input((3,), name="b")
        shared = K.layers.Dense(3, name="shared")
        c = K.layers.Add()([shared(a), shared(b)])
        inner = K.Sequential([K.Input((6,)), K.layers.Dense(2, activation="softmax")], name="inner")
        nested_in = K.Input((3,))
        nested = K.Model(nested_in, K.layers.Dense(2)(nested_in), name="nested")
        d = inner(K.layers.Concatenate()([c, a]))
        return K.Model({"a": a, "b": b}, {"o1": d, "o2": nested(c)})

    x = {k: RNG.standard_normal((2, 3)).astype("float32") for k in ("a", "b")}
    km = build(keras)
    _randomize(km)
    km.save(tmp_path / "k.keras")
    tm = tkeras.models.load_model(tmp_path / "k.keras")
    yk = km(x)
    yt = tm({k: torch.as_tensor(v) for k, v in x.items()})
    for key in ("o1", "o2"):
        np.testing.assert_allclose(yt[key].detach().numpy(), _k(yk[key]), **TOL)
    tm.save(tmp_path / "t.keras")
    yk2 = keras.models.load_model(tmp_path / "t.keras")(x)
    for key in ("o1", "o2"):
        np.testing.assert_allclose(_k(yk2[key]), yt[key].detach().numpy(), **TOL)


LAYER_CONFIGS = [
    ("Dense", {"units": 3, "activation": "relu", "kernel_initializer": "he_normal"}, (2, 4)),
    ("Conv2D", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 5, 5, 3)),
    (
        "LSTM",
        {"units": 2, "return_sequences": True, "dropout": 0.1, "go_backwards": True},
        (1, 3, 2),
    ),
    ("GRU", {"units": 2, "reset_after": False, "recurrent_activation": "hard_sigmoid"}, (1, 3, 2)),
    ("BatchNormalization", {"momentum": 0.9, "epsilon": 0.01, "center": False}, (2, 3)),
    ("Embedding", {"input_dim": 7, "output_dim": 3, "mask_zero": True}, None),
    ("Dropout", {"rate": 0.3, "seed": 2}, (2, 3)),
    ("MaxPooling2D", {"pool_size": (2, 3), "padding": "same"}, (1, 4, 6, 2)),
]


def _normalized(config):
    config = json.loads(json.dumps(config))
    config.pop("name", None)
    return config


@pytest.mark.parametrize("name,kwargs,shape", LAYER_CONFIGS, ids=[c[0] for c in LAYER_CONFIGS])
def test_layer_configs_round_trip_in_kerass_format(name, kwargs, shape):
    k_layer = getattr(keras.layers, name)(**kwargs)
    k_config = json.loads(json.dumps(keras.saving.serialize_keras_object(k_layer)))
    t_layer = tkeras.saving.deserialize_keras_object(k_config)
    assert type(t_layer) is getattr(tkeras.layers, name)
    t_config = json.loads(json.dumps(tkeras.saving.serialize_keras_object(t_layer)))
    assert (t_config["module"], t_config["class_name"]) == ("keras.layers", name)
    back = keras.saving.deserialize_keras_object(t_config)
    assert _normalized(back.get_config()) == _normalized(k_layer.get_config())
    # Initializers are written as Keras writes them (full dicts), and a fresh tkeras layer's
    # config reads back as the same layer.
    direct = tkeras.saving.serialize_keras_object(getattr(tkeras.layers, name)(**kwargs))
    for key, value in k_config["config"].items():
        if key.endswith("_initializer"):
            assert direct["config"][key]["class_name"] == value["class_name"]
    if shape is not None:
        built = getattr(tkeras.layers, name)(**kwargs)
        built(torch.zeros(shape))
        cfg = tkeras.saving.serialize_keras_object(built)
        if built.weights:  # weightless layers need no build config to load
            assert cfg["build_config"] == {"input_shape": list(shape)}


@tkeras.saving.register_keras_serializable(package="tk_test")
class Scale(tkeras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def _register_keras_twin():
    # Keras names a layer's h5 group after its class, so the twin is a class named Scale too.
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    keras.saving.register_keras_serializable(package="tk_test")(Scale)


_register_keras_twin()


def test_registered_custom_layer_round_trips_and_loads_in_keras(tmp_path):
    model = tkeras.Sequential([tkeras.Input((3,)), Scale(3.0), tkeras.layers.Dense(2)])
    _randomize(model)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        entry = json.loads(zf.read("config.json"))["config"]["layers"][1]
    assert (entry["class_name"], entry["registered_name"]) == ("Scale", "tk_test>Scale")
    x = RNG.standard_normal((2, 3)).astype("float32")
    loaded = tkeras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[0], Scale) and loaded.layers[0].factor == 3.0
    np.testing.assert_allclose(_t(loaded, x), _t(model, x), **TOL)
    # Keras finds its own class registered under the same name.
    np.testing.assert_allclose(
        _k(keras.models.load_model(tmp_path / "m.keras")(x)), _t(model, x), **TOL
    )


def test_unregistered_custom_layer_needs_custom_objects(tmp_path):
    class Plain(tkeras.layers.Layer):
        def call(self, x):
            return x + 1.0

    model = tkeras.Sequential([tkeras.Input((3,)), Plain()])
    model.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="Could not locate class 'Plain'"):
        tkeras.models.load_model(tmp_path / "m.keras")
    loaded = tkeras.models.load_model(tmp_path / "m.keras", custom_objects={"Plain": Plain})
    assert isinstance(loaded.layers[0], Plain)


def test_lambda_layers_load_only_with_safe_mode_off(tmp_path):
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Lambda(lambda t: t * 2.0 + 1.0)])
    model.save(tmp_path / "t.keras")
    with pytest.raises(ValueError, match="deserialization of a `Lambda` layer whose `function`"):
        tkeras.models.load_model(tmp_path / "t.keras")
    x = RNG.standard_normal((2, 3)).astype("float32")
    loaded = tkeras.models.load_model(tmp_path / "t.keras", safe_mode=False)
    np.testing.assert_allclose(_t(loaded, x), x * 2.0 + 1.0, **TOL)
    np.testing.assert_allclose(
        _k(keras.models.load_model(tmp_path / "t.keras", safe_mode=False)(x)), x * 2.0 + 1.0, **TOL
    )
    km = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t - 3.0)])
    km.save(tmp_path / "k.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        tkeras.models.load_model(tmp_path / "k.keras")
    loaded = tkeras.models.load_model(tmp_path / "k.keras", safe_mode=False)
    np.testing.assert_allclose(_t(loaded, x), x - 3.0, **TOL)


def test_truncated_or_foreign_keras_files_raise_clear_errors(tmp_path):
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(200)])
    model.save(tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.keras.*truncated or corrupt"):
        tkeras.models.load_model(tmp_path / "cut.keras")
    with zipfile.ZipFile(tmp_path / "noweights.keras", "w") as zf:
        zf.writestr("config.json", "{}")
    with pytest.raises(ValueError, match="has no model.weights.h5"):
        tkeras.models.load_model(tmp_path / "noweights.keras")
    with pytest.raises(ValueError, match="File not found"):
        tkeras.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save(tmp_path / "m.pt")


def test_torch_module_wrapper_weights_save_but_config_refuses_pickle(tmp_path):
    model = tkeras.Sequential(
        [tkeras.Input((3,)), tkeras.layers.TorchModuleWrapper(torch.nn.Linear(3, 2))]
    )
    model.save_weights(tmp_path / "w.weights.h5")
    assert set(_paths(tmp_path / "w.weights.h5")) == {
        "layers/torch_module_wrapper/vars/weight",
        "layers/torch_module_wrapper/vars/bias",
    }
    with pytest.raises(ValueError, match="tkeras never pickles"):
        model.save(tmp_path / "m.keras")


# --------------------------------------------------------------------------- legacy .h5


def _legacy_model(K, names=("l1", "l2", "norm", "out")):
    i = K.Input((4, 3))
    h = K.layers.LSTM(4, return_sequences=True, name=names[0])(i)
    h = K.layers.GRU(3, name=names[1])(h)
    o = K.layers.Dense(1, name=names[3])(K.layers.BatchNormalization(name=names[2])(h))
    return K.Model(i, o)


def test_legacy_whole_model_h5_from_keras_loads_with_optimizer(tmp_path):
    x = RNG.standard_normal((8, 4, 3)).astype("float32")
    y = RNG.standard_normal((8, 1)).astype("float32")
    km = _legacy_model(keras)
    km.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    km.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    km.save(tmp_path / "k.h5")
    tm = tkeras.models.load_model(tmp_path / "k.h5")
    np.testing.assert_allclose(_t(tm, x), _k(km(x)), **TOL)
    assert tm.optimizer.iterations == 2
    km.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    tm.fit(x, y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    for a, b in zip(km.get_weights(), tm.get_weights()):
        np.testing.assert_allclose(b, a, **TOL)
    tm.save(tmp_path / "t.h5")
    # Keras 3.15 cannot compile its own legacy files with loss="mse"; the weights must load.
    np.testing.assert_allclose(
        _k(keras.models.load_model(tmp_path / "t.h5", compile=False)(x)), _t(tm, x), **TOL
    )


def test_legacy_weights_only_h5_by_order_and_by_name(tmp_path):
    from keras.src.legacy.saving import legacy_h5_format

    km = _legacy_model(keras)
    _randomize(km)
    with h5py.File(tmp_path / "w.h5", "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, km)
    x = RNG.standard_normal((2, 4, 3)).astype("float32")

    by_order = _legacy_model(tkeras, names=("a", "b", "c", "d"))
    by_order.load_weights(tmp_path / "w.h5")
    np.testing.assert_allclose(_t(by_order, x), _k(km(x)), **TOL)

    by_name = _legacy_model(tkeras, names=("l1", "l2", "other_norm", "out"))
    norm = by_name.get_layer("other_norm")
    untouched = norm.get_weights()
    by_name.load_weights(tmp_path / "w.h5", by_name=True)
    np.testing.assert_array_equal(
        by_name.get_layer("out").get_weights()[0], km.get_layer("out").get_weights()[0]
    )
    for old, new in zip(untouched, norm.get_weights()):
        np.testing.assert_array_equal(old, new)  # no layer of that name in the file

    wrong = tkeras.Sequential([tkeras.Input((4, 3)), tkeras.layers.LSTM(4)])
    with pytest.raises(ValueError, match=r"w\.h5: layer count mismatch.*has 1 layers with weights"):
        wrong.load_weights(tmp_path / "w.h5")
    small = tkeras.Sequential([tkeras.Input((4, 3)), tkeras.layers.LSTM(5, name="l1")])
    before = _snapshot(small)
    with pytest.raises(
        ValueError,
        match=r"weight l1/lstm_cell/kernel: the weight expects shape "
        r"\(3, 20\), but the file has shape \(3, 16\)",
    ):
        small.load_weights(tmp_path / "w.h5", by_name=True)
    for old, new in zip(before, small.get_weights()):
        np.testing.assert_array_equal(old, new)


# --------------------------------------------------------------------------- atomic writes


_SLOW_SAVE = textwrap.dedent(
    """
    import os, sys, time, zipfile
    os.environ["TKERAS_DEVICE"] = "cpu"
    import h5py, tkeras
    path, kind = sys.argv[1], sys.argv[2]
    model = tkeras.Sequential([tkeras.Input((8,)), tkeras.layers.Dense(64),
                               tkeras.layers.Dense(64)])
    save = model.save if kind == "keras" else model.save_weights
    save(path)
    print("old", flush=True)
    model.set_weights([w + 1.0 for w in model.get_weights()])
    original = h5py.Group.create_dataset

    def slow(self, *args, **kwargs):
        out = original(self, *args, **kwargs)
        self.file.flush()
        print("writing", flush=True)
        time.sleep(60)
        return out

    h5py.Group.create_dataset = slow
    if kind == "keras":
        original_writestr = zipfile.ZipFile.writestr

        def slow_writestr(self, *args, **kwargs):
            out = original_writestr(self, *args, **kwargs)
            self.fp.flush()
            print("writing", flush=True)
            time.sleep(60)
            return out

        zipfile.ZipFile.writestr = slow_writestr
        h5py.Group.create_dataset = original
    save(path)
    """
)


@pytest.mark.parametrize("kind", ["keras", "weights"])
def test_a_killed_save_leaves_the_old_file_whole(tmp_path, kind):
    path = tmp_path / ("m.keras" if kind == "keras" else "w.weights.h5")
    script = tmp_path / "slow_save.py"
    script.write_text(_SLOW_SAVE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(path), kind], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout.readline().strip() == "old"
        old = path.read_bytes()
        deadline = time.time() + HANG_GUARD_S
        while proc.stdout.readline().strip() != "writing":
            assert time.time() < deadline
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=HANG_GUARD_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert path.read_bytes() == old
    # The kill hit the write: its temp file is left beside the intact target.
    assert any(name.startswith(f".{path.name}.") for name in os.listdir(tmp_path))
    model = tkeras.Sequential(
        [tkeras.Input((8,)), tkeras.layers.Dense(64), tkeras.layers.Dense(64)]
    )
    if kind == "keras":
        assert tkeras.models.load_model(path).count_params() == model.count_params()
    else:
        model.load_weights(path)


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    old = (tmp_path / "m.keras").read_bytes()
    calls = []
    original = zipfile.ZipFile.writestr

    def failing(self, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    with pytest.raises(OSError, match="disk full"):
        model.save(tmp_path / "m.keras")
    assert (tmp_path / "m.keras").read_bytes() == old
    assert os.listdir(tmp_path) == ["m.keras"]

    class Unsaveable(tkeras.layers.Layer):
        def __init__(self, thing=None, **kwargs):
            super().__init__(**kwargs)

        def call(self, x):
            return x

    bad = tkeras.Sequential([tkeras.Input((2,)), Unsaveable(thing=object())])
    with pytest.raises(TypeError, match="Layer 'unsaveable.*': its config cannot be serialized"):
        bad.save(tmp_path / "bad.keras")
    assert os.listdir(tmp_path) == ["m.keras"]


# --------------------------------------------------------------------------- JSON, clone


def test_to_json_and_model_from_json_both_directions():
    tm = _fun(tkeras)
    rebuilt = tkeras.models.model_from_json(tm.to_json())
    assert [type(l).__name__ for l in rebuilt.layers] == [type(l).__name__ for l in tm.layers]
    assert json.loads(rebuilt.to_json()) == json.loads(tm.to_json())
    km = keras.models.model_from_json(tm.to_json())
    assert [l.name for l in km.layers] == [l.name for l in tm.layers]
    from_keras = tkeras.models.model_from_json(_fun(keras).to_json())
    assert from_keras.count_params() == tm.count_params()


def test_clone_model_has_fresh_weights_and_the_same_config():
    x = RNG.integers(0, 10, (2, 5))
    for model in (_fun(tkeras), _seq(tkeras)):
        model.compile(optimizer="sgd", loss="mse")
        clone = tkeras.models.clone_model(model)
        assert clone is not model and clone.compiled
        assert all(a is not b for a, b in zip(clone.layers, model.layers))
        assert json.loads(clone.to_json()) == json.loads(model.to_json())
        assert len(clone.get_weights()) == len(model.get_weights())
        assert any(
            not np.array_equal(a, b) for a, b in zip(clone.get_weights(), model.get_weights())
        )
    clone = tkeras.models.clone_model(_fun(tkeras))
    assert _t(clone, x).shape == (2, 1)
    shared = tkeras.models.clone_model(model, clone_function=lambda layer: layer)
    assert all(a is b for a, b in zip(shared.layers, model.layers))
    with pytest.raises(ValueError, match="`call_function` is only supported for functional"):
        tkeras.models.clone_model(_seq(tkeras), call_function=lambda l, *a, **k: l(*a, **k))


def test_docstring_examples_run():
    import doctest

    from tkeras.saving import api, atomic, cloning, object_registry, serialization

    for module in (api, atomic, cloning, object_registry, serialization):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


def test_walk_lists_every_keras_variable_once():
    model = _fun(tkeras)
    model.compile(optimizer="adam", loss="mse")
    entries = weights_h5.walk(model)
    variables = [id(v) for e in entries for v in e.variables]
    assert sorted(variables) == sorted(id(v) for v in model.weights)
    assert entries[-1].kind == "optimizer" and entries[-1].path == "optimizer"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights_h5.walk(model)


@tkeras.saving.register_keras_serializable(package="tk_test")
class Tower(tkeras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = tkeras.layers.Dense(units, activation="relu")
        self.head = tkeras.layers.Dense(1)

    def call(self, x):
        return self.head(self.hidden(x))


def test_registered_subclassed_model_is_rebuilt_from_its_build_config(tmp_path):
    model = Tower(units=4)
    x = RNG.standard_normal((2, 5)).astype("float32")
    model(torch.as_tensor(x))
    _randomize(model)
    model.save(tmp_path / "m.keras")
    loaded = tkeras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded, Tower) and loaded.units == 4
    np.testing.assert_allclose(_t(loaded, x), _t(model, x), **TOL)


def test_unzipped_folder_format_and_legacy_options(tmp_path):
    x = RNG.standard_normal((2, 6, 6, 3)).astype("float32")
    tm = _seq(tkeras)
    _randomize(tm)
    with pytest.raises(ValueError, match="should not end in `.keras`"):
        tm.save(tmp_path / "d.keras", zipped=False)
    tm.save(tmp_path / "folder", zipped=False)
    assert sorted(os.listdir(tmp_path / "folder")) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    np.testing.assert_allclose(
        _t(tkeras.models.load_model(tmp_path / "folder"), x), _t(tm, x), **TOL
    )
    np.testing.assert_allclose(
        _k(keras.models.load_model(tmp_path / "folder")(x)), _t(tm, x), **TOL
    )
    tm.load_weights(tmp_path / "folder" / "model.weights.h5")
    tm.save(tmp_path / "m.keras")
    fresh = _seq(tkeras)
    fresh.load_weights(tmp_path / "m.keras")  # weights straight from a .keras file
    np.testing.assert_allclose(_t(fresh, x), _t(tm, x), **TOL)
    tm.compile(optimizer="sgd", loss="mse")
    tm.save(tmp_path / "m.h5", include_optimizer=False)
    with pytest.warns(UserWarning, match="No training configuration found"):
        assert not tkeras.models.load_model(tmp_path / "m.h5").compiled
    with pytest.warns(UserWarning, match="`save_format` argument is deprecated"):
        tm.save(tmp_path / "m.keras", save_format="keras")
    with pytest.raises(ValueError, match="`save_format` argument is deprecated"):
        tm.save(tmp_path / "m.tf", save_format="tf")
    with pytest.raises(NotImplementedError, match="objects_to_skip"):
        tm.load_weights(tmp_path / "m.keras", objects_to_skip=[])


KERAS2_CONFIG = {
    "class_name": "Functional",
    "config": {
        "name": "model",
        "layers": [
            {
                "class_name": "InputLayer",
                "config": {
                    "batch_input_shape": [None, 4],
                    "dtype": "float32",
                    "sparse": False,
                    "ragged": False,
                    "name": "input_1",
                },
                "name": "input_1",
                "inbound_nodes": [],
            },
            {
                "class_name": "Dense",
                "config": {
                    "name": "dense",
                    "trainable": True,
                    "dtype": "float32",
                    "units": 2,
                    "activation": "relu",
                    "use_bias": True,
                    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                    "bias_initializer": {"class_name": "Zeros", "config": {}},
                    "kernel_regularizer": None,
                    "bias_regularizer": None,
                    "activity_regularizer": None,
                    "kernel_constraint": None,
                    "bias_constraint": None,
                },
                "name": "dense",
                "inbound_nodes": [[["input_1", 0, 0, {}]]],
            },
        ],
        "input_layers": [["input_1", 0, 0]],
        "output_layers": [["dense", 0, 0]],
    },
    "keras_version": "2.12.0",
    "backend": "tensorflow",
}


def test_keras2_whole_model_h5_with_old_style_config_and_weight_names(tmp_path):
    kernel = RNG.standard_normal((4, 2)).astype("float32")
    bias = RNG.standard_normal(2).astype("float32")
    with h5py.File(tmp_path / "k2.h5", "w") as f:
        f.attrs["model_config"] = json.dumps(KERAS2_CONFIG)
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([b"input_1", b"dense"])
        weights.create_group("input_1").attrs["weight_names"] = np.array([], dtype="S1")
        dense = weights.create_group("dense")
        dense.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        dense["dense/kernel:0"] = kernel
        dense["dense/bias:0"] = bias
    with pytest.warns(UserWarning, match="No training configuration found"):
        model = tkeras.models.load_model(tmp_path / "k2.h5")
    x = RNG.standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(_t(model, x), np.maximum(x @ kernel + bias, 0), **TOL)
    assert tkeras.models.model_from_json(json.dumps(KERAS2_CONFIG)).output_shape == (None, 2)


def test_saving_an_unbuilt_model_warns_and_loads_unbuilt(tmp_path):
    model = tkeras.Sequential([tkeras.layers.Dense(2)])
    with pytest.warns(UserWarning, match="has not yet been built"):
        model.save(tmp_path / "m.keras")
    loaded = tkeras.models.load_model(tmp_path / "m.keras")
    assert not loaded.built and len(loaded.layers) == 1
