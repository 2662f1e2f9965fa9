"""``model.export()``: the forward pass as an ONNX file or a torch ``ExportedProgram`` (``.pt2``).

Both formats start from one ``torch.export.export`` of the model in inference mode, with every
``None`` axis of the input signature (the batch axis at least) exported as a dynamic dimension.
The ONNX file is then translated from that program by torch's exporter (``torch.onnx.export``
with ``dynamo=True``), so it holds the same graph. Where that trace fixes a ``None`` axis (the
time axis of a fused RNN on CPU), ONNX falls back to a checked TorchScript trace.

The program's weights are plain ``nn.Parameter`` views (same storage and strides) of the
model's ``tkeras.Variable`` objects, so torch's exporters see the parameter class they expect;
each holds Keras's shape, and the graph takes the same views of it as the layers' torch ops.
The tracing lives in ``export_trace.py``, the input signature in ``export_signature.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import torch

from tkeras.saving.atomic import _fsync_dir, _fsync_file, atomic_path
from tkeras.saving.export_signature import (
    _leaves,
    _normalize_dynamic_shapes,
    _resolve_signature,
    get_input_signature,
)
from tkeras.saving.export_trace import _export_program, _torchscript_onnx, _warn_fixed

__all__ = ["FORMATS", "export_model", "export_onnx", "export_torch", "get_input_signature"]

# Keras's formats, in Keras's order.
FORMATS = ("tf_saved_model", "onnx", "openvino", "litert", "torch")
_UNSUPPORTED = {
    "tf_saved_model": "a TensorFlow SavedModel needs TensorFlow",
    "openvino": "OpenVINO export is not implemented (convert the ONNX file with OpenVINO's "
    "`ovc` instead)",
    "litert": "LiteRT (TFLite) export is not implemented (it needs litert_torch)",
}


def export_model(
    model: Any,
    filepath: Any,
    format: str = "tf_saved_model",
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Export a model's inference forward pass to ONNX or a torch ``.pt2`` (``Model.export``).

    Args:
        model: a built tkeras model.
        filepath: where to write the artifact (a ``.pt2`` path for ``format='torch'``).
        format: ``'onnx'`` or ``'torch'``; Keras's ``'tf_saved_model'`` (its default),
            ``'openvino'`` and ``'litert'`` raise NotImplementedError.
        verbose: print a message once saved (None means True, as in Keras).
        input_signature: the model's positional arguments as specs: a list of
            ``tkeras.layers.InputSpec``/``KerasTensor``/tensors, or structures of them (see
            ``export_onnx``). None reads it from the model.
        **kwargs: ``opset_version`` for ONNX; for ``'torch'``, ``torch.export.export``'s
            ``strict``, ``dynamic_shapes``, ``preserve_module_call_signature`` and
            ``prefer_deferred_runtime_asserts_over_guards``.

    Example:
        >>> import os, tempfile, tkeras
        >>> from tkeras.saving.export import export_model
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.pt2")
        >>> export_model(model, path, format="torch", verbose=False)
    """
    if format not in FORMATS:
        raise ValueError(f"Unrecognized format={format!r}. Supported formats are: {list(FORMATS)}.")
    if format in _UNSUPPORTED:
        raise NotImplementedError(
            f"model.export(format={format!r}) is not supported by tkeras: "
            f"{_UNSUPPORTED[format]}. Use format='onnx' or format='torch' (a torch.export "
            "ExportedProgram, .pt2)."
        )
    exporter = export_onnx if format == "onnx" else export_torch
    exporter(model, filepath, verbose=verbose, input_signature=input_signature, **kwargs)


def export_onnx(
    model: Any,
    filepath: Any,
    verbose: bool | None = None,
    input_signature: Any = None,
    opset_version: int | None = None,
    **kwargs: Any,
) -> None:
    """Write the model's inference forward pass to an ONNX file with a dynamic batch axis.

    The graph comes from ``torch.export.export`` (every ``None`` axis of the signature is
    dynamic) translated by ``torch.onnx.export(..., dynamo=True)``. If that trace fixes a
    ``None`` axis (torch's CPU kernels of LSTM, GRU and SimpleRNN loop over the time steps
    while tracing, so a ``None`` time axis comes out fixed), the model is traced again with
    TorchScript, checked at other sizes of those axes, and written by torch's TorchScript ONNX
    exporter, as Keras's torch backend does for every ``None`` axis; if that check fails too,
    the ``torch.export`` graph is written at the traced size, with a warning naming the axis.
    The ONNX inputs are named after the model's inputs (``input_layer``, ...), or
    ``input_{i}``, in the order of the flattened signature. The write is atomic.

    Args:
        model: a built tkeras model.
        filepath: the ``.onnx`` path. A model over 2 GB also writes ``<name>.data`` beside it.
        verbose: print torch's export steps and "Saved artifact at ..." (None means True).
        input_signature: the positional arguments of the model call, each a
            ``tkeras.layers.InputSpec(shape=..., dtype=...)``, a ``KerasTensor``, a tensor or
            array (its batch axis becomes dynamic, the other axes stay fixed), or a list/dict
            of them for a multi-input model, e.g. ``[[spec_a, spec_b]]``. None: the model's
            ``inputs`` (functional, Sequential) or the shape it was first called with.
        opset_version: the ONNX opset (None: torch's default).
        **kwargs: none are accepted.

    Differences from Keras: Keras's torch backend uses TorchScript whenever the signature has
    a ``None`` axis (unchecked: a traced Python loop silently fixes its length) and
    ``torch.export`` otherwise; tkeras prefers ``torch.export`` and checks the TorchScript
    fallback.

    Example:
        >>> import os, tempfile, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.onnx")
        >>> model.export(path, format="onnx", verbose=False)
    """
    if kwargs:
        raise ValueError(
            f"model.export(format='onnx') got unsupported keyword argument(s) {sorted(kwargs)}; "
            "the only ONNX option is `opset_version`."
        )
    if opset_version is not None and (
        isinstance(opset_version, bool) or not isinstance(opset_version, int)
    ):
        raise ValueError(
            f"`opset_version` must be an int or None. Received: opset_version={opset_version!r}"
        )
    verbose = True if verbose is None else bool(verbose)
    signature = _resolve_signature(model, input_signature)
    program, fixed = _export_program(model, signature, {"strict": False})
    names = [getattr(s, "name", None) or f"input_{i}" for i, s in enumerate(_leaves(signature))]
    write = _torchscript_onnx(model, signature, names, opset_version) if fixed else None
    if write is None:
        _warn_fixed(fixed)
        with warnings.catch_warnings():
            # torch's translator warns about constants it folds; nothing a user can act on.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx.*")
            warnings.filterwarnings("ignore", category=UserWarning, module=r"onnxscript.*")
            onnx_program = torch.onnx.export(
                program,
                (),
                verbose=verbose,
                input_names=names,
                opset_version=opset_version,
                dynamo=True,
            )
        write = onnx_program.save
    _write_files(filepath, write)
    if verbose:
        _print(f"Saved artifact at '{os.fspath(filepath)}'.")


def export_torch(
    model: Any,
    filepath: Any,
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Save the model's inference forward pass as a ``torch.export`` ExportedProgram (``.pt2``).

    ``torch.export.load(filepath).module()(x)`` runs it without tkeras. Every ``None`` axis of
    the signature (the batch axis at least) is a dynamic dimension. The write is atomic.

    Args:
        model: a built tkeras model.
        filepath: a path ending in ``.pt2``.
        verbose: print "Saved PyTorch ExportedProgram at ..." (None means True).
        input_signature: as for ``export_onnx``.
        **kwargs: passed to ``torch.export.export``: ``strict`` (default False),
            ``dynamic_shapes`` (for a single-input model ``{0: torch.export.Dim("batch")}``
            is enough; given, it replaces the dynamic ``None`` axes),
            ``preserve_module_call_signature`` and
            ``prefer_deferred_runtime_asserts_over_guards``.

    Differences from Keras: Keras exports every ``None`` axis at size 1 (a static program)
    unless ``dynamic_shapes`` is given; tkeras makes them dynamic. A ``None`` axis that the
    model's code fixes is exported at its traced size with a warning naming the axis.

    Example:
        >>> import os, tempfile, torch, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "model.pt2")
        >>> model.export(path, format="torch", verbose=False)
        >>> torch.export.load(path).module()(torch.ones(5, 3)).shape
        torch.Size([5, 2])
    """
    path = os.fspath(filepath)
    if not path.endswith(".pt2"):
        raise ValueError(
            f"The PyTorch export requires the filepath to end with '.pt2'. Got: {path}"
        )
    supported = {"strict", "dynamic_shapes", "preserve_module_call_signature"}
    supported.add("prefer_deferred_runtime_asserts_over_guards")
    unknown = sorted(set(kwargs) - supported)
    if unknown:
        raise ValueError(
            f'Unsupported arguments for `format="torch"`: {", ".join(unknown)}. Supported '
            f"arguments are: {', '.join(sorted(supported))}."
        )
    verbose = True if verbose is None else bool(verbose)
    signature = _resolve_signature(model, input_signature)
    options = {"strict": False, **kwargs}
    user_dynamic = options.pop("dynamic_shapes", None)
    if user_dynamic is not None:
        options["dynamic_shapes"] = _normalize_dynamic_shapes(user_dynamic, signature)
    program, fixed = _export_program(model, signature, options)
    if user_dynamic is None:
        _warn_fixed(fixed)
    with atomic_path(path, make_dirs=True) as tmp, open(tmp, "wb") as f, warnings.catch_warnings():
        # A channels_last conv kernel is not contiguous, so torch finds no "complete" tensor
        # for its storage and (correctly) saves the whole storage, with this warning.
        warnings.filterwarnings("ignore", message="No complete tensor found in the group")
        torch.export.save(program, f)
    if verbose:
        _print(f"Saved PyTorch ExportedProgram at '{path}'.")


def _write_files(filepath: Any, write: Callable[[str], Any]) -> None:
    """Run ``write(path)`` in a fresh folder beside ``filepath``, then move every file it made
    into place, the named file last: readers never see a partial model, and an external-data
    file keeps the name the model refers to."""
    path = os.path.abspath(os.fspath(filepath))
    folder, name = os.path.split(path)
    os.makedirs(folder, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        write(os.path.join(staging, name))
        for made in sorted(os.listdir(staging), key=lambda n: n == name):
            source = os.path.join(staging, made)
            _fsync_file(source)
            os.replace(source, os.path.join(folder, made))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _fsync_dir(folder)


def _print(message: str) -> None:
    from tkeras.utils.progbar import print_msg

    print_msg(message)
