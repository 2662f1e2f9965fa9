"""``model.export``: ONNX (run with onnxruntime) and torch.export ``.pt2`` artifacts, and
``torch.export.export`` / ``torch.func.functional_call`` on tkeras models directly.

Every artifact is compared with the eager model at two batch sizes (the batch axis is dynamic).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import onnxruntime as ort
import pytest
import torch

import tkeras
from tkeras.saving import export as export_lib

L = tkeras.layers
RNG = np.random.default_rng(0)


# --------------------------------------------------------------------------- helpers


def _randomize(model):
    """Non-default weights (positive where they are variances), so nothing is trivially 0/1."""
    values = []
    for w in model.weights:
        value = RNG.standard_normal(w.keras_shape).astype("float32") * 0.3
        if "variance" in w.path:
            value = np.abs(value) + 0.5
        values.append(value)
    model.set_weights(values)
    return model


def _eager(model, x):
    with torch.no_grad():
        return model(x)


def _convnet():
    return _randomize(
        tkeras.Sequential(
            [
                tkeras.Input((12, 12, 3)),
                L.Conv2D(6, 3, activation="relu"),
                L.BatchNormalization(),
                L.MaxPooling2D(),
                L.Conv2D(4, 3, padding="same", strides=2),
                L.Flatten(),
                L.Dense(5, activation="tanh"),
                L.Dense(3),
            ]
        )
    )


def _embedding_lstm(steps=None):
    tokens = tkeras.Input((steps,), dtype="int32", name="tokens")
    x = L.Embedding(50, 8)(tokens)
    x = L.LSTM(7, return_sequences=True)(x)
    x = L.LSTM(5)(x)
    return _randomize(tkeras.Model(tokens, L.Dense(2)(x)))


def _ort_run(path, feeds):
    session = ort.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    return session, session.run(None, feeds)


# --------------------------------------------------------------------------- ONNX


def test_onnx_convnet_matches_torch_at_two_batch_sizes(tmp_path, capsys):
    model = _convnet()
    path = tmp_path / "convnet.onnx"
    model.export(path, format="onnx")  # verbose=None prints, as in Keras
    assert f"Saved artifact at '{path}'." in capsys.readouterr().out
    name = model.inputs[0].name
    for batch in (1, 7):
        x = torch.randn(batch, 12, 12, 3)
        session, (y,) = _ort_run(path, {name: x.numpy()})
        np.testing.assert_allclose(y, _eager(model, x).numpy(), rtol=1e-5, atol=1e-5)
    (only,) = session.get_inputs()
    assert only.name.startswith("input_layer") and isinstance(only.shape[0], str)  # dynamic
    assert only.shape[1:] == [12, 12, 3]
    # The atomic write left no staging folder behind.
    assert sorted(os.listdir(tmp_path)) == ["convnet.onnx"]


@pytest.mark.parametrize("steps", [9, None], ids=["fixed_steps", "none_steps"])
def test_onnx_embedding_lstm_matches_torch_at_two_batch_sizes(tmp_path, steps):
    # Fixed steps: torch.export's graph (aten.lstm -> ONNX LSTM). Without the plain-Parameter
    # copy of the weights, torch's ONNX optimizer read tkeras.Variable.numpy() (Keras's
    # (in, 4u) layout) while folding the gate reordering, and onnxruntime rejected W's shape.
    # None steps: torch.export fixes the time axis (torch's CPU LSTM loops over the steps while
    # tracing), so the file comes from the checked TorchScript fallback, time axis dynamic.
    model = _embedding_lstm(steps)
    path = tmp_path / "lstm.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.export(path, format="onnx", verbose=False)
    for batch, length in ((1, steps or 5), (6, steps or 11)):
        x = torch.randint(0, 50, (batch, length), dtype=torch.int32)
        session, (y,) = _ort_run(path, {"tokens": x.numpy()})
        np.testing.assert_allclose(y, _eager(model, x).numpy(), rtol=1e-4, atol=1e-4)
    (only,) = session.get_inputs()
    assert only.type == "tensor(int32)" and isinstance(only.shape[0], str)
    assert isinstance(only.shape[1], str) == (steps is None)


def test_onnx_dict_inputs_are_named_after_the_inputs(tmp_path):
    a = tkeras.Input((4,), name="a")
    b = tkeras.Input((None, 3), name="b")
    h = L.Concatenate()([L.Dense(3)(a), L.GlobalAveragePooling1D()(L.Dense(3)(b))])
    model = _randomize(tkeras.Model({"a": a, "b": b}, {"out": L.Dense(2)(h)}))
    path = tmp_path / "two.onnx"
    model.export(path, format="onnx", verbose=False)
    for batch in (1, 4):
        xa, xb = torch.randn(batch, 4), torch.randn(batch, 6, 3)
        session, (y,) = _ort_run(path, {"b": xb.numpy(), "a": xa.numpy()})
        want = _eager(model, {"a": xa, "b": xb})["out"].numpy()
        np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-5)
    assert [i.name for i in session.get_inputs()] == ["a", "b"]


# --------------------------------------------------------------------------- torch.export


def _functional():
    inputs = tkeras.Input((6,))
    x = L.Dense(8, activation="relu")(inputs)
    x = L.BatchNormalization()(x)
    x = L.Dropout(0.5)(x)
    return _randomize(tkeras.Model(inputs, L.Dense(3)(x)))


def _sequential():
    return _randomize(
        tkeras.Sequential(
            [tkeras.Input((6,)), L.Dense(8, activation="relu"), L.Dropout(0.5), L.Dense(3)]
        )
    )


@pytest.mark.parametrize("build", [_sequential, _functional], ids=["sequential", "functional"])
def test_torch_export_export_on_a_built_model_matches_eager(build):
    model = build()
    x = torch.randn(4, 6)
    program = torch.export.export(model, (x,))
    np.testing.assert_allclose(program.module()(x).detach(), _eager(model, x), rtol=1e-6)
    batch = torch.export.Dim("batch")
    program = torch.export.export(model, (x,), dynamic_shapes=({0: batch},))
    x9 = torch.randn(9, 6)
    np.testing.assert_allclose(program.module()(x9).detach(), _eager(model, x9), rtol=1e-6)


@pytest.mark.parametrize("build", [_sequential, _functional], ids=["sequential", "functional"])
def test_torch_can_walk_the_registered_layers(build):
    # torch reaches "layers.0.kernel" by getattr; Keras's `layers` property must not block it.
    model = build()
    assert model.get_submodule("layers.1") is model.layers[1]
    zeros = {k: torch.zeros_like(v) for k, v in model.named_parameters()}
    out = torch.func.functional_call(model, zeros, (torch.randn(2, 6),))
    assert torch.count_nonzero(out) == 0 and torch.count_nonzero(_eager(model, torch.ones(2, 6)))
    # ... while `layers` stays a plain list copy, as in Keras.
    layers = model.layers
    assert isinstance(layers, list) and layers == list(model.layers) and layers + [] == layers
    layers.pop()
    assert len(model.layers) == len(layers) + 1


def test_export_torch_format_matches_eager_and_loads_without_tkeras(tmp_path, capsys):
    model = _convnet()
    path = tmp_path / "convnet.pt2"
    model.export(path, format="torch")
    assert f"Saved PyTorch ExportedProgram at '{path}'." in capsys.readouterr().out
    program = torch.export.load(path).module()
    for batch in (1, 5):
        x = torch.randn(batch, 12, 12, 3)
        np.testing.assert_allclose(program(x).detach(), _eager(model, x), rtol=1e-5, atol=1e-5)
    # A fresh interpreter loads and runs the .pt2 files without importing tkeras (or keras).
    lstm = _embedding_lstm(steps=9)
    lstm.export(tmp_path / "lstm.pt2", format="torch", verbose=False)
    tokens = torch.randint(0, 50, (3, 9), dtype=torch.int32)
    x = torch.randn(2, 12, 12, 3)
    np.save(tmp_path / "x.npy", x.numpy())
    np.save(tmp_path / "tokens.npy", tokens.numpy())
    script = textwrap.dedent(
        """
        import sys, numpy as np, torch
        conv = torch.export.load("convnet.pt2").module()
        lstm = torch.export.load("lstm.pt2").module()
        np.save("y_conv.npy", conv(torch.from_numpy(np.load("x.npy"))).detach().numpy())
        np.save("y_lstm.npy", lstm(torch.from_numpy(np.load("tokens.npy"))).detach().numpy())
        assert not any(m.split(".")[0] in ("tkeras", "keras") for m in sys.modules)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "y_conv.npy"), _eager(model, x), atol=1e-5)
    np.testing.assert_allclose(np.load(tmp_path / "y_lstm.npy"), _eager(lstm, tokens), atol=1e-5)


def test_export_traces_inference_mode_and_restores_the_training_mode(tmp_path):
    model = _functional()
    model.train()
    model.layers[2].eval()  # a mixed state comes back exactly
    before = [m.training for m in model.modules()]
    model.export(tmp_path / "f.pt2", format="torch", verbose=False)
    assert [m.training for m in model.modules()] == before
    program = torch.export.load(tmp_path / "f.pt2").module()
    x = torch.randn(8, 6)
    model.eval()
    # Dropout(0.5) off and BatchNormalization on its moving statistics, deterministically.
    np.testing.assert_allclose(program(x).detach(), _eager(model, x), rtol=1e-6)


def test_input_signature_forms(tmp_path):
    a, b = tkeras.Input((4,)), tkeras.Input((2,))
    model = _randomize(tkeras.Model([a, b], L.Dense(1)(L.Concatenate()([a, b]))))
    spec = tkeras.layers.InputSpec
    flat = [spec(shape=(None, 4), dtype="float32"), spec(shape=(None, 2), dtype="float32")]
    # A flat list of one spec per input, Keras's nested [[a, b]], and tensors (batch dynamic).
    for signature in (flat, [flat], [[torch.zeros(1, 4), np.zeros((1, 2), "float32")]]):
        model.export(tmp_path / "m.pt2", format="torch", verbose=False, input_signature=signature)
        program = torch.export.load(tmp_path / "m.pt2").module()
        xs = [torch.randn(3, 4), torch.randn(3, 2)]
        np.testing.assert_allclose(program(xs).detach(), _eager(model, xs), rtol=1e-6)

    class Sub(tkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = L.Dense(3)

        def call(self, x):
            return self.dense(x) * 2.0

    sub = Sub()
    sub(torch.randn(2, 5))  # a subclassed model's signature is its first call's shape
    assert [(s.shape, s.dtype) for s in export_lib.get_input_signature(sub)] == [
        ((None, 5), "float32")
    ]
    sub.export(tmp_path / "s.pt2", format="torch", verbose=False)
    x = torch.randn(6, 5)
    program = torch.export.load(tmp_path / "s.pt2").module()
    np.testing.assert_allclose(program(x).detach(), _eager(sub, x), rtol=1e-6)


def test_torch_format_passes_dynamic_shapes_and_strict(tmp_path):
    model = _sequential()
    path = tmp_path / "m.pt2"
    batch = torch.export.Dim("batch", min=2, max=16)
    model.export(path, format="torch", verbose=False, strict=True, dynamic_shapes={0: batch})
    program = torch.export.load(path)
    (bounds,) = program.range_constraints.values()
    assert (bounds.lower, bounds.upper) == (2, 16)
    with pytest.raises(Exception, match="16"):
        program.module()(torch.randn(17, 6))


def test_a_none_axis_the_trace_fixes_warns(tmp_path):
    # unroll=True loops over the time steps in Python, so every trace fixes the time axis:
    # the TorchScript fallback fails its check at another length and ONNX warns too.
    inputs = tkeras.Input((None, 3))
    model = _randomize(tkeras.Model(inputs, L.SimpleRNN(2, unroll=True)(inputs)))
    match = r"axis 1 of input 0 \(input_layer.*\) is None .* only accepts size 8 there"
    with pytest.warns(UserWarning, match=match):
        model.export(tmp_path / "rnn.pt2", format="torch", verbose=False)
    fixed = torch.export.load(tmp_path / "rnn.pt2").module()
    x = torch.randn(5, 8, 3)
    np.testing.assert_allclose(fixed(x).detach(), _eager(model, x), rtol=1e-6)
    with pytest.warns(UserWarning, match=match):
        model.export(tmp_path / "rnn.onnx", format="onnx", verbose=False)
    _, (y,) = _ort_run(tmp_path / "rnn.onnx", {inputs.name: x.numpy()})
    np.testing.assert_allclose(y, _eager(model, x), rtol=1e-5, atol=1e-6)
    # A .pt2 has no fallback: the fused LSTM fixes a None time axis.
    lstm = tkeras.Model(inputs, L.LSTM(2)(inputs))
    with pytest.warns(UserWarning, match=r"axis 1 of input 0 .* fused LSTM/GRU/SimpleRNN"):
        lstm.export(tmp_path / "lstm.pt2", format="torch", verbose=False)
    # With the size given, nothing warns.
    signature = [tkeras.layers.InputSpec(shape=(None, 4, 3), dtype="float32")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.export(tmp_path / "r4.pt2", format="torch", verbose=False, input_signature=signature)


def test_export_signature_follows_keras():
    theirs = inspect.signature(keras.Model.export).parameters
    ours = inspect.signature(tkeras.Model.export).parameters
    assert [(p.name, p.default) for p in ours.values()] == [
        (p.name, p.default) for p in theirs.values()
    ]


# --------------------------------------------------------------------------- errors


def test_format_errors(tmp_path):
    model = _sequential()
    with pytest.raises(ValueError, match=r"Unrecognized format='bogus'. Supported formats"):
        model.export(tmp_path / "m", format="bogus")
    for fmt in ("tf_saved_model", "openvino", "litert"):
        with pytest.raises(NotImplementedError, match=rf"export\(format='{fmt}'\) is not supp"):
            model.export(tmp_path / "m", format=fmt)
    with pytest.raises(NotImplementedError, match="'tf_saved_model'"):
        model.export(tmp_path / "m")  # Keras's default format
    with pytest.raises(ValueError, match=r"end with '.pt2'. Got: .*m\.onnx"):
        model.export(tmp_path / "m.onnx", format="torch")
    with pytest.raises(ValueError, match=r"format=\"torch\"`: jit_compile. Supported arguments"):
        model.export(tmp_path / "m.pt2", format="torch", jit_compile=True)
    with pytest.raises(ValueError, match=r"unsupported keyword argument\(s\) \['strict'\]"):
        model.export(tmp_path / "m.onnx", format="onnx", strict=True)
    with pytest.raises(ValueError, match=r"`opset_version` must be an int or None. Received: "):
        model.export(tmp_path / "m.onnx", format="onnx", opset_version="18")
    assert os.listdir(tmp_path) == []


def test_signature_errors(tmp_path):
    with pytest.raises(ValueError, match="has not yet been built. It must be built before export"):
        tkeras.Sequential([L.Dense(2)]).export(tmp_path / "m.pt2", format="torch")
    model = _sequential()
    no_dtype = [tkeras.layers.InputSpec(shape=(None, 6))]
    with pytest.raises(ValueError, match=r"`shape` and `dtype` .* Received: shape=\(None, 6\)"):
        model.export(tmp_path / "m.pt2", format="torch", input_signature=no_dtype)
    with pytest.raises(TypeError, match="Unsupported input_signature entry 'x' of type str"):
        model.export(tmp_path / "m.pt2", format="torch", input_signature=["x"])
    # A None axis too small to trace: a 9x9 kernel on the 8x8 sample.
    inputs = tkeras.Input((None, None, 3))
    conv = tkeras.Model(inputs, L.Conv2D(2, 9)(inputs))
    with pytest.raises(RuntimeError, match=r"could not trace model .* \(pass input_signature"):
        conv.export(tmp_path / "c.pt2", format="torch")
    assert os.listdir(tmp_path) == []


def test_failed_writes_leave_the_previous_file(tmp_path, monkeypatch):
    model = _sequential()
    path = tmp_path / "m.pt2"
    path.write_bytes(b"previous")

    def broken_save(program, f, **kwargs):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch.export, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        model.export(path, format="torch", verbose=False)
    assert path.read_bytes() == b"previous" and os.listdir(tmp_path) == ["m.pt2"]

    # The ONNX writer: every file the save makes moves into place, the named one last; a
    # failure leaves the folder as it was.
    target = tmp_path / "m.onnx"
    target.write_bytes(b"previous")

    def writes_then_fails(where):
        open(where, "wb").write(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        export_lib._write_files(target, writes_then_fails)
    assert target.read_bytes() == b"previous" and sorted(os.listdir(tmp_path)) == [
        "m.onnx",
        "m.pt2",
    ]

    def with_external_data(where):
        open(where + ".data", "wb").write(b"weights")
        open(where, "wb").write(b"graph")

    export_lib._write_files(target, with_external_data)
    assert target.read_bytes() == b"graph"
    assert (tmp_path / "m.onnx.data").read_bytes() == b"weights"
