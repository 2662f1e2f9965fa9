"""Ops on symbolic KerasTensors: graph nodes, shapes, summary rows, files both ways, clones."""

from __future__ import annotations

import io
import os

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras.models.operation import Operation


def _graph(K):
    x = K.Input((4,), name="x")
    y = K.Input((4,), name="y")
    z = K.ops.sum((x + y) * 2.0, axis=-1, keepdims=True)
    w = K.activations.softmax(x, axis=1)[:, 1:3]
    w = K.activations.relu(w - 0.1)
    d = K.layers.Dense(3, name="dense")(w)
    m = K.ops.expand_dims(K.ops.mean(x, axis=1), -1)
    o = K.ops.concatenate([d, z, m], axis=-1)
    o = K.ops.reshape(o, (-1, 5, 1)) ** 2
    return K.Model([x, y], o)


def _data():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(3, 4)).astype("float32") for _ in range(2)]


def test_python_operators_record_keras_ops():
    x = tkeras.Input((3,))
    cases = {
        "add": x + 1.0,
        "subtract": 1.0 - x,
        "multiply": x * x,
        "true_divide": x / 2.0,
        "floor_divide": x // 2.0,
        "mod": x % 2.0,
        "power": x**2,
        "negative": -x,
        "absolute": abs(x),
        "less": x < 0.5,
        "greater_equal": x >= 0.5,
        "not_equal": x != 0.5,
        "logical_and": (x > 0) & (x < 1),
        "logical_or": (x > 0) | (x < 1),
        "logical_not": ~(x > 0),
        "get_item": x[:, None, 1:],
    }
    for name, kt in cases.items():
        op = kt.node.layer
        assert isinstance(op, Operation) and op.name.startswith(name), (name, op)
    assert cases["less"].dtype == "bool"
    assert cases["get_item"].shape == (None, 1, 2)
    assert (x @ tkeras.Input((3, 5), batch_size=None)).shape == (None, None, 5)
    assert x == x and x in [x]  # == stays identity, as in Keras


def test_symbolic_ops_match_keras_shapes_and_values():
    tm, km = _graph(tkeras), _graph(keras)
    assert tm.output_shape == km.output_shape == (None, 5, 1)
    assert [l.name for l in tm.layers] == ["x", "y", "dense"]
    tm.set_weights(km.get_weights())
    a, b = _data()
    want = keras.ops.convert_to_numpy(km.predict([a, b], verbose=0))
    np.testing.assert_allclose(tm.predict([a, b], verbose=0), want, rtol=1e-5, atol=1e-5)


def test_summary_rows_match_keras(capsys):
    import re

    tm, km = _graph(tkeras), _graph(keras)
    tm.summary()
    got = capsys.readouterr().out
    chunks = []
    km.summary(print_fn=lambda s, line_break=True: chunks.append(s))
    # Keras's rich table is cut at the console width here: compare the "name (Type)" column
    # (names differ only by counters) and tkeras's shapes with Keras's own graph.
    kinds = lambda text: re.findall(r"│ \S+ \((\w+)\)", text)  # noqa: E731
    assert kinds(got) == kinds("".join(chunks)) and "Sum" in kinds(got)
    tm.summary(line_length=150)
    wide = capsys.readouterr().out
    assert len(kinds(wide)) == len(km.operations) == 15
    shapes = re.findall(r"│ \S+ \(\w+\)\s+│ (\([^)]*\))", wide)
    want = [str(op.output.shape).replace(",)", ")") for op in km.operations]
    assert shapes == want


def test_files_with_op_nodes_move_both_ways(tmp_path):
    a, b = _data()
    km = _graph(keras)
    km.save(tmp_path / "k.keras")
    loaded = tkeras.models.load_model(tmp_path / "k.keras")
    want = keras.ops.convert_to_numpy(km.predict([a, b], verbose=0))
    np.testing.assert_allclose(loaded.predict([a, b], verbose=0), want, rtol=1e-5, atol=1e-5)
    tm = _graph(tkeras)
    tm.save(tmp_path / "t.keras")
    back = keras.models.load_model(tmp_path / "t.keras")
    want = tm.predict([a, b], verbose=0)
    got = keras.ops.convert_to_numpy(back.predict([a, b], verbose=0))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    config = tkeras.saving.serialize_keras_object(tm)["config"]
    entry = next(e for e in config["layers"] if e["class_name"] == "Sum")
    assert entry["module"] == "keras.src.ops.numpy"
    assert entry["config"] == {"name": entry["name"], "axis": -1, "keepdims": True}


def test_clone_model_reapplies_ops():
    tm = _graph(tkeras)
    clone = tkeras.models.clone_model(tm)
    assert clone.output_shape == tm.output_shape
    ops = [o for o in clone.operations if isinstance(o, Operation)]
    assert ops and not set(map(id, ops)) & {id(o) for o in tm.operations}
    clone.set_weights(tm.get_weights())
    a, b = _data()
    np.testing.assert_allclose(clone.predict([a, b], verbose=0), tm.predict([a, b], verbose=0))


def test_op_on_symbolic_tensor_inside_model_trains():
    inputs = tkeras.Input((4,))
    x = tkeras.layers.Dense(4)(inputs)
    outputs = tkeras.layers.Dense(1)(tkeras.ops.tanh(x) + inputs)
    model = tkeras.Model(inputs, outputs)
    model.compile("sgd", "mse")
    data = np.ones((8, 4), "float32")
    history = model.fit(data, np.zeros((8, 1)), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_shape_mismatch_names_the_op_and_both_shapes():
    x, y = tkeras.Input((4,)), tkeras.Input((5,))
    with pytest.raises(
        ValueError,
        match=r"Operation 'add(_\d+)?' \(Add\) cannot be applied to symbolic "
        r"inputs of shapes \(None, 4\), \(None, 5\)",
    ):
        x + y
    with pytest.raises(ValueError, match=r"\(Matmul\).*\(None, 4\), \(None, 5\)"):
        tkeras.ops.matmul(x, y)


def test_keras_tensor_attributes_and_symbolic_errors():
    x = tkeras.Input((2, 3), name="img")
    assert (x.shape, x.dtype, x.ndim, x.sparse) == ((None, 2, 3), "float32", 3, False)
    assert x.name == "img"
    with pytest.raises(ValueError, match=r"KerasTensor is symbolic.*call this inside a layer"):
        x.numpy()
    with pytest.raises(ValueError, match=r"KerasTensor is symbolic"):
        np.asarray(x)
    with pytest.raises(TypeError, match=r"cannot be used as a Python bool"):
        bool(x)
    assert tkeras.ops.shape(x) == (None, 2, 3)


def test_every_public_op_and_activation_dispatches():
    # A function added to tkeras.ops later is wrapped too: the install walks the namespace.
    from tkeras.models.operation import _NOT_OPS

    for namespace in (tkeras.ops, tkeras.activations):
        for name in namespace.__all__:
            fn = getattr(namespace, name)
            if callable(fn) and not isinstance(fn, type) and name not in _NOT_OPS:
                if hasattr(fn, "__wrapped__") or name in ("ALL_OBJECTS_DICT",):
                    continue
                raise AssertionError(f"{namespace.__name__}.{name} does not dispatch")


def test_op_table_matches_installed_keras():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gen", os.path.join(os.path.dirname(__file__), "..", "scripts", "gen_keras_op_names.py")
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    from tkeras.ops import keras_names

    ops, activations = gen.build_table()
    assert ops == keras_names.OPS
    assert activations == keras_names.ACTIVATIONS


def test_ops_on_real_tensors_are_unchanged():
    t = torch.ones(2, 3)
    assert torch.equal(tkeras.ops.add(t, t), t + t)
    assert tkeras.activations.relu.__wrapped__ is not None
    buf = io.StringIO()
    print(tkeras.ops.sum(t, axis=1), file=buf)
    assert "3." in buf.getvalue()
