"""Conversions between numpy arrays, Python values and torch tensors."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tkeras import config

_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "bool": torch.bool,
}


def standardize_dtype(dtype: Any) -> torch.dtype:
    """A torch dtype for a Keras dtype name, numpy dtype or torch dtype (None -> floatx)."""
    if dtype is None:
        return config.floatx_torch()
    if isinstance(dtype, torch.dtype):
        return dtype
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in _DTYPES:
        raise ValueError(f"Unsupported dtype: {dtype!r}. Expected one of {sorted(_DTYPES)}.")
    return _DTYPES[name]


def input_torch_dtype(dtype: Any) -> torch.dtype | None:
    """The torch dtype an ``Input`` converts its data to; None for ``"string"``: torch has no
    string dtype, so text travels as a numpy array of ``str`` (see ``docs/data.md``)."""
    return None if dtype == "string" else standardize_dtype(dtype)


def is_string_data(x: Any) -> bool:
    """Whether ``x`` is text: a numpy array of str/bytes (dtype ``U``, ``S``, or object holding
    strings), or a non-empty (nested) list/tuple whose first leaf is a str or bytes."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "US":
            return True
        return x.dtype == object and x.size > 0 and isinstance(x.flat[0], (str, bytes))
    if isinstance(x, (list, tuple)):
        while isinstance(x, (list, tuple)) and x:
            x = x[0]
        return isinstance(x, (str, bytes))
    return False


def to_string_array(x: Any) -> np.ndarray:
    """Text as a numpy array of Python ``str``/``bytes`` objects (dtype object)."""
    if isinstance(x, np.ndarray) and x.dtype == object:
        return x
    return np.asarray(x, dtype=object)


def convert_to_tensor(x: Any, dtype: Any = None, device: Any = None) -> torch.Tensor:
    """A torch tensor from an array-like; float64 numpy data becomes floatx, as in Keras."""
    if isinstance(x, torch.Tensor):
        t = x
    else:
        arr = np.asarray(x)
        if dtype is None and arr.dtype == np.float64:
            arr = arr.astype(config.floatx())
        if arr.dtype == object:
            t = torch.tensor(arr.tolist())
        else:
            # ascontiguousarray would turn a 0-d array into shape (1,); copy only when needed.
            if not arr.flags.c_contiguous or not arr.flags.writeable:
                arr = arr.copy()
            t = torch.from_numpy(arr)
    if dtype is not None:
        t = t.to(standardize_dtype(dtype))
    if device is not None:
        t = t.to(device)
    return t


def convert_to_numpy(x: Any) -> np.ndarray:
    """A numpy array from a tensor (detached, on the host) or an array-like."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)
