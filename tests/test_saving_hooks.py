"""Custom layers' ``save_own_variables`` / ``load_own_variables`` in weight files, vs Keras 3.

A layer overriding the hooks decides what its h5 group holds; here it stores an extra
non-weight array beside its weight. Files move between Keras and tkeras both ways.
"""

from __future__ import annotations

import h5py
import keras
import numpy as np
import pytest

import tkeras

X = np.linspace(-1.0, 1.0, 12, dtype="float32").reshape(4, 3)


def _scaler_class(lib):
    class Scaler(lib.layers.Layer):
        """``x * w + table``: ``table`` is a plain array, saved through the hooks."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.table = np.zeros((3,), "float32")

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w + lib.ops.convert_to_tensor(self.table)

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["table"] = self.table

        def load_own_variables(self, store):
            self.table = np.array(store["table"])
            self.w.assign(store["0"])

    return Scaler


def _model(lib, table=None, w=None):
    scaler = _scaler_class(lib)(name="scaler")
    model = lib.Sequential([lib.Input((3,)), scaler, lib.layers.Dense(2, name="dense")])
    if table is not None:
        scaler.table = np.asarray(table, "float32")
        scaler.w.assign(np.asarray(w, "float32"))
    return model


def _out(lib, model):
    return lib.ops.convert_to_numpy(model(X))


LIBS = {"keras": keras, "tkeras": tkeras}


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
@pytest.mark.parametrize(("src", "dst"), [("keras", "tkeras"), ("tkeras", "keras")])
def test_hooks_move_extra_state_between_libraries(tmp_path, suffix, src, dst):
    writer, reader = LIBS[src], LIBS[dst]
    saved = _model(writer, table=[1.0, 2.0, 3.0], w=[0.5, -1.0, 2.0])
    path = str(tmp_path / f"m{suffix}")
    if suffix == ".keras":
        saved.save(path)
        loaded = reader.saving.load_model(path, custom_objects={"Scaler": _scaler_class(reader)})
    else:
        saved.save_weights(path)
        loaded = _model(reader)
        loaded.load_weights(path)
    np.testing.assert_array_equal(loaded.layers[0].table, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(_out(reader, loaded), _out(writer, saved), rtol=1e-6, atol=1e-6)


def test_hooked_group_holds_what_the_layer_stored(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    _model(tkeras, table=[1.0, 2.0, 3.0], w=[1.0, 1.0, 1.0]).save_weights(path)
    with h5py.File(path) as f:
        assert sorted(f["layers/scaler/vars"]) == ["0", "table"]
        assert sorted(f["layers/dense/vars"]) == ["0", "1"]
        np.testing.assert_array_equal(f["layers/scaler/vars/table"][()], [1.0, 2.0, 3.0])


def test_base_hooks_store_own_variables_and_check_counts():
    layer = tkeras.layers.Dense(2, name="d")
    layer.build((None, 3))
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "1"] and store["0"].shape == (3, 2)
    store["1"] = np.full((2,), 7.0, "float32")
    layer.load_own_variables(store)
    np.testing.assert_array_equal(layer.bias.numpy(), [7.0, 7.0])
    with pytest.raises(ValueError, match=r"Layer 'd' expected 2 variables, but received 1 "):
        layer.load_own_variables({"0": store["0"]})
    with pytest.raises(ValueError, match=r"Layer 'e' was never built .* lists 1 variables"):
        tkeras.layers.Dense(2, name="e").load_own_variables({"0": store["0"]})


def test_failing_save_hook_leaves_the_previous_file(tmp_path):
    model = _model(tkeras, table=[1.0, 2.0, 3.0], w=[1.0, 1.0, 1.0])
    path = tmp_path / "m.keras"
    model.save(str(path))
    before = path.read_bytes()

    def broken(store):
        raise RuntimeError("cannot serialize the table")

    model.layers[0].save_own_variables = broken
    with pytest.raises(RuntimeError, match="cannot serialize the table"):
        model.save(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]


def test_failing_load_hook_changes_nothing(tmp_path):
    path = str(tmp_path / "m.weights.h5")
    _model(tkeras, table=[1.0, 2.0, 3.0], w=[2.0, 2.0, 2.0]).save_weights(path)
    model = _model(tkeras)
    before = [w.copy() for w in model.get_weights()]
    scaler = model.layers[0]
    original = scaler.load_own_variables

    def half_then_fail(store):
        scaler.w.assign(store["0"])
        raise KeyError("missing 'vocabulary'")

    scaler.load_own_variables = half_then_fail
    with pytest.raises(KeyError, match="vocabulary"):
        model.load_weights(path)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    scaler.load_own_variables = original
    model.load_weights(path)
    np.testing.assert_array_equal(scaler.w.numpy(), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("name", ["m.keras", "m.weights.h5"])
def test_saving_into_a_missing_folder_raises_as_keras_and_creates_nothing(tmp_path, name):
    path = str(tmp_path / "missing" / "sub" / name)
    for lib in (keras, tkeras):
        model = lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)])
        save = model.save_weights if name.endswith(".weights.h5") else model.save
        with pytest.raises(FileNotFoundError) as info:
            save(path)
        assert list(tmp_path.iterdir()) == []
    assert info.value.filename == path
    assert f"Cannot save to {path!r}: the folder " in str(info.value)
    assert "missing/sub' does not exist. Create it first (os.makedirs(" in str(info.value)


def test_legacy_h5_creates_missing_folders_as_keras(tmp_path):
    for lib in (keras, tkeras):
        path = tmp_path / lib.__name__ / "m.h5"
        lib.Sequential([lib.Input((2,)), lib.layers.Dense(1)]).save(str(path))
        assert path.is_file()
