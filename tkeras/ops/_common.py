"""Shared machinery of ``tkeras.ops``: Keras dtype names, Keras's type promotion, conversion.

Keras's torch backend converts every non-tensor argument with its own rules, and a few ops
promote dtypes through ``keras.backend.result_type`` (a JAX-style lattice) instead of torch's
rules. Both are reproduced here so that ``tkeras.ops.f(...)`` returns the dtype
``keras.ops.f(...)`` returns.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from tkeras import config

Tensor = torch.Tensor

# Keras's torch backend has no uint16/uint32 tensors: it stores them in the next wider int.
_TORCH_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.int32,
    "uint32": torch.int64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_PYTHON_TYPES = {bool: "bool", int: "int32", float: "float32", complex: "complex64"}


def dtype_name(dtype: Any) -> str:
    """Keras's name for a dtype given as a name, a torch/numpy dtype or a Python type."""
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, str):
        name = dtype
    elif isinstance(dtype, torch.dtype):
        name = str(dtype).rsplit(".", 1)[-1]
    elif isinstance(dtype, type) and dtype in _PYTHON_TYPES:
        name = _PYTHON_TYPES[dtype]
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = str(dtype)
    if name not in _TORCH_DTYPES and name not in ("uint64", "string"):
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {sorted(_TORCH_DTYPES)}.")
    return name


def torch_dtype(dtype: Any) -> torch.dtype:
    """The torch dtype for a Keras dtype spec (None: floatx)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    name = dtype_name(dtype)
    if name not in _TORCH_DTYPES:
        raise ValueError(f"Unsupported dtype for PyTorch: {dtype!r}.")
    return _TORCH_DTYPES[name]


def is_int_or_bool(t: Tensor) -> bool:
    """Whether ``t`` holds integers or bools."""
    return not (t.is_floating_point() or t.is_complex())


# ---------------------------------------------------------------------------------------------
# Type promotion: keras.backend.result_type. "int" and "float" are the weak types of Python
# scalars; each entry lists the types directly above it in the lattice.
_LATTICE = {
    "bool": ("int",),
    "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _above(node: str) -> frozenset:
    seen, todo = {node}, [node]
    while todo:
        for up in _LATTICE[todo.pop()]:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return frozenset(seen)


_UPPER = {node: _above(node) for node in _LATTICE}
# Keras (like JAX without x64) narrows 64-bit results on the torch backend.
_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


@functools.lru_cache(maxsize=512)
def _join(nodes: frozenset) -> str:
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    least = [c for c in common if common <= _UPPER[c]]
    if len(least) != 1:
        raise ValueError(f"Input dtypes {sorted(nodes)} have no implicit promotion path.")
    return least[0]


def _weak_kind(name: str) -> str:
    if name == "bool":
        return name
    return "float" if "float" in name else "int" if "int" in name else "complex"


def result_type(*dtypes: Any) -> str:
    """The dtype Keras's promotion rules give (``keras.backend.result_type``)."""
    return _result_type(dtypes, config.floatx())


@functools.lru_cache(maxsize=1024)
def _result_type(dtypes: tuple, floatx: str) -> str:
    if not dtypes:
        return floatx
    names, weak = [], []
    for d in dtypes:
        weak.append(d is int or d is float)
        names.append(dtype_name(d))
    if len(names) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _join(frozenset(names)), True
    else:
        out = _join(frozenset(_weak_kind(n) if w else n for n, w in zip(names, weak)))
        out_weak = out in ("int", "float")
    if out_weak and out != "bool":
        bits = floatx[-2:]
        out = {"i": f"int{bits}", "u": f"uint{bits}"}.get(out[0], f"float{bits}")
    return _NARROW.get(out, out)


def dtype_of(x: Any) -> Any:
    """A value's dtype for ``result_type``: the tensor dtype, or the Python type of a scalar."""
    return x.dtype if hasattr(x, "dtype") else type(x)


# ---------------------------------------------------------------------------------------------
# Conversion


def _leaves(x: Any) -> Iterator[Any]:
    if isinstance(x, (list, tuple)):
        for e in x:
            yield from _leaves(e)
    else:
        yield x


def _reject_symbolic(x: Any) -> None:
    if type(x).__name__ == "KerasTensor":
        raise TypeError(
            "tkeras.ops functions take concrete tensors, not a symbolic KerasTensor "
            f"({x!r}). Call the op inside a Layer's call() instead."
        )


def to_tensor(x: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """A tensor from ``x`` with Keras's conversion rules; tensors stay on their device.

    Python ints become int32 (int64 if out of range), floats floatx, bools bool; lists take the
    Keras ``result_type`` of their elements; numpy arrays keep their dtype (float64 stays
    float64, as in ``keras.ops``). New tensors go on ``device`` (default: ``config.device()``).
    """
    if isinstance(x, Tensor):
        return x if dtype is None else x.to(torch_dtype(dtype))
    _reject_symbolic(x)
    device = config.device() if device is None else device
    if isinstance(x, (bool, int, float, complex)):
        if dtype is not None:
            dt = torch_dtype(dtype)
        elif isinstance(x, bool):
            dt = torch.bool
        elif isinstance(x, int):
            dt = torch.int32 if -(2**31) <= x < 2**31 else torch.int64
        elif isinstance(x, float):
            dt = config.floatx_torch()
        else:
            dt = torch.complex64
        # full() fills on the device: no host-to-device copy, so no sync on CUDA.
        return torch.full((), x, dtype=dt, device=device)
    if isinstance(x, (list, tuple)):
        if any(isinstance(e, Tensor) for e in x):
            first = next(e for e in x if isinstance(e, Tensor))
            out = torch.stack([to_tensor(e, device=first.device) for e in x])
            return out if dtype is None else out.to(torch_dtype(dtype))
        if dtype is None:
            dtype = result_type(*(dtype_of(e) for e in _leaves(x)))
        return _on_device(torch.tensor(x, dtype=torch_dtype(dtype)), device)
    arr = np.asarray(x)
    if arr.dtype == object:
        raise TypeError(f"Cannot convert {type(x).__name__} {x!r} to a tensor.")
    if arr.dtype == np.uint32:
        arr = arr.astype(np.int64)
    elif arr.dtype == np.uint16:
        arr = arr.astype(np.int32)
    if not arr.flags.writeable or not arr.flags.c_contiguous:
        arr = arr.copy()
    t = torch.from_numpy(arr)
    if dtype is not None:
        t = t.to(torch_dtype(dtype))
    return _on_device(t, device)


def _on_device(t: Tensor, device: Any) -> Tensor:
    device = torch.device(device)
    # MPS has no float64: keep the data, in float32.
    if device.type == "mps" and t.dtype == torch.float64:
        t = t.to(torch.float32)
    return t.to(device) if t.device != device else t


def scalar_for(v: Any, t: Tensor) -> Any:
    """``v`` as the other operand of a binary torch op with tensor ``t``.

    A Python number stays a Python number where torch's weak-scalar promotion gives Keras's
    dtype (so no host-to-device copy is made); anything else is converted on ``t``'s device.
    """
    if isinstance(v, Tensor):
        return v
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and t.dtype != torch.bool:
        return v
    if isinstance(v, float) and (
        t.is_floating_point() or config.floatx_torch() == torch.get_default_dtype()
    ):
        return float(v)
    return to_tensor(v, device=t.device)


def binary(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Operands for a torch binary op, giving the dtypes Keras gives.

    The second may stay a Python number; the first is always a tensor (torch's comparison and
    remainder ops take no number there).
    """
    if isinstance(x1, Tensor):
        return x1, scalar_for(x2, x1)
    if isinstance(x2, Tensor):
        first = scalar_for(x1, x2)
        if not isinstance(first, Tensor):
            first = to_tensor(x1, device=x2.device)
        return first, x2
    a = to_tensor(x1)
    return a, to_tensor(x2, device=a.device)


def tensors(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors (Keras's conversion), the second on the first tensor's device."""
    if isinstance(x1, Tensor):
        return x1, to_tensor(x2, device=x1.device)
    b = to_tensor(x2)
    return to_tensor(x1, device=b.device), b


def cast(x: Tensor, dtype: Any) -> Tensor:
    dt = torch_dtype(dtype)
    return x if x.dtype == dt else x.to(dt)


def axes(axis: Any) -> Any:
    """An axis argument torch accepts: an int, a tuple of ints, or None."""
    if axis is None or isinstance(axis, int):
        return axis
    return tuple(int(a) for a in axis)


def floatx_if_int(x: Tensor) -> Tensor:
    """``x`` cast to floatx when it is an int or bool tensor (Keras's rule for exp, log, ...)."""
    return x if not is_int_or_bool(x) else x.to(config.floatx_torch())
