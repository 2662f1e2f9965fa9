"""Tracing for ``model.export()``: the ``torch.export`` program and the TorchScript fallback.

``_export_program`` runs ``torch.export.export`` once, in inference mode, with every ``None``
axis of the input signature exported as a dynamic dimension, and reports the axes the trace
fixed anyway; ``_torchscript_onnx`` is the checked TorchScript trace ONNX falls back to there.
The program's weights become plain ``nn.Parameter`` views of the model's Variables.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import torch
from torch import nn

from tkeras.backend.convert import standardize_dtype
from tkeras.backend.variable import Variable
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer_call import settle_routing
from tkeras.saving.export_signature import _dynamic, _leaves, _map

# Sample sizes of a `None` axis while tracing: 2 on the batch axis (torch specializes sizes 0
# and 1 to constants), 8 elsewhere (a sequence length or an image side).
_SAMPLE_BATCH = 2
_SAMPLE_OTHER = 8


@contextlib.contextmanager
def _inference_mode_of(model: nn.Module) -> Iterator[None]:
    """The model in eval mode (Dropout off, BatchNormalization on its moving statistics) for
    the trace; every module's previous mode comes back after."""
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode


def _samples(signature: list, device: torch.device, batch: int, other: int) -> tuple:
    def sample(spec: InputSpec) -> torch.Tensor:
        sizes = enumerate(spec.shape)
        shape = [d if d is not None else (batch if i == 0 else other) for i, d in sizes]
        return torch.ones(shape, dtype=standardize_dtype(spec.dtype), device=device)

    return tuple(_map(sample, s) for s in signature)


def _device_of(model: nn.Module) -> torch.device:
    first = next(iter(model.parameters()), None)
    return first.device if first is not None else torch.device("cpu")


def _export_program(
    model: Any, signature: list, options: dict
) -> tuple[torch.export.ExportedProgram, list[tuple[int, InputSpec, int, int]]]:
    """The ``torch.export`` program of ``model`` in inference mode, with plain weights, and the
    ``(input index, spec, axis, size)`` of every ``None`` axis the trace fixed."""
    args = _samples(signature, _device_of(model), _SAMPLE_BATCH, _SAMPLE_OTHER)
    if "dynamic_shapes" not in options:
        options = {**options, "dynamic_shapes": tuple(_map(_dynamic, s) for s in signature)}
    settle_routing(model)
    try:
        with _inference_mode_of(model), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*not properly registered as a submodule")
            program = torch.export.export(model, args, **options)
    except Exception as error:
        shapes = [_map(lambda s: s.shape, s) for s in signature]
        raise RuntimeError(
            f"torch.export.export could not trace model {getattr(model, 'name', '')!r} on "
            f"inputs of shape {shapes} (None axes dynamic, traced at {_SAMPLE_BATCH} on the "
            f"batch axis and {_SAMPLE_OTHER} elsewhere). Common causes: an op torch.export "
            "does not support, Python control flow on tensor values, or a None axis too small "
            "to trace (pass input_signature with fixed sizes). Original error: "
            f"{type(error).__name__}: {error}"
        ) from error
    fixed = _fixed_axes(program, signature)
    _plain_weights(program)
    return program, fixed


def _fixed_axes(program: torch.export.ExportedProgram, signature: list) -> list:
    user_inputs = set(program.graph_signature.user_inputs)
    placeholders = [
        n for n in program.graph.nodes if n.op == "placeholder" and n.name in user_inputs
    ]
    fixed = []
    for index, (spec, node) in enumerate(zip(_leaves(signature), placeholders)):
        shape = node.meta["val"].shape
        for axis, size in enumerate(spec.shape):
            traced = _fixed_size(shape[axis], program.range_constraints)
            if size is None and traced is not None:
                fixed.append((index, spec, axis, traced))
    return fixed


def _warn_fixed(fixed: list) -> None:
    for index, spec, axis, size in fixed:
        name = getattr(spec, "name", None) or "unnamed"
        warnings.warn(
            f"model.export: axis {axis} of input {index} ({name}, shape {spec.shape}) is None "
            f"in the input signature, but the trace fixed it: the artifact only accepts size "
            f"{size} there. The model's code (a Python loop over time steps, e.g. unroll=True) "
            "or a torch kernel (the fused LSTM/GRU/SimpleRNN on CPU loops over the time axis "
            "while tracing) depends on that size. Pass input_signature with the size you need.",
            stacklevel=4,
        )


def _torchscript_onnx(
    model: Any, signature: list, names: list[str], opset_version: int | None
) -> Callable[[str], Any] | None:
    """A writer of the TorchScript-traced ONNX export with every ``None`` axis dynamic, or
    None if the trace does not hold at other sizes of those axes (``jit.trace``'s check) or
    torch's legacy exporter fails (or is gone: torch has deprecated it)."""
    device = _device_of(model)
    args = _samples(signature, device, _SAMPLE_BATCH, _SAMPLE_OTHER)
    check = _samples(signature, device, _SAMPLE_BATCH + 1, _SAMPLE_OTHER + 3)
    dynamic_axes = {
        name: {axis: "batch" if axis == 0 else f"{name}_{axis}" for axis in _dynamic(spec)}
        for name, spec in zip(names, _leaves(signature))
    }
    buffer = io.BytesIO()
    try:
        # no_grad: jit.trace re-traces the check inputs without grad, and the fused RNNs pass
        # torch.is_grad_enabled() to their kernel, so the two graphs would differ there.
        with _inference_mode_of(model), torch.no_grad(), warnings.catch_warnings():
            # TracerWarnings about shape checks and the legacy exporter's deprecation notice.
            warnings.simplefilter("ignore")
            traced = torch.jit.trace(model, args, check_inputs=[check], strict=False)
            torch.onnx.export(
                traced,
                args,
                buffer,
                input_names=names,
                dynamic_axes=dynamic_axes,
                opset_version=opset_version,
                dynamo=False,
            )
    except Exception:  # noqa: BLE001 - any failure means: use the torch.export graph instead
        return None
    data = buffer.getvalue()

    def write(path: str) -> None:
        with open(path, "wb") as f:
            f.write(data)

    return write


def _fixed_size(dim: Any, ranges: dict) -> int | None:
    """The size an exported axis is fixed to, or None if it is dynamic."""
    if isinstance(dim, int):
        return dim
    expr = dim.node.expr
    if not expr.free_symbols:  # a symbol the trace specialized to a number
        return int(expr)
    bounds = ranges.get(expr)
    if bounds is not None and bounds.lower == bounds.upper:
        return int(bounds.lower)
    return None


def _plain_weights(program: torch.export.ExportedProgram) -> None:
    """Swap each ``tkeras.Variable`` in the program for a plain Parameter on the same storage
    (Variable's Keras API, ``numpy()`` included, is not what torch's exporters expect)."""
    state = program.state_dict
    for key, value in list(state.items()):
        if isinstance(value, Variable):
            state[key] = nn.Parameter(value.detach(), requires_grad=value.requires_grad)
