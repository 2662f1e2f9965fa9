"""Reductions, scans, sorting and statistics of ``keras.ops`` (the numpy family).

``axis`` is None (all axes), an int or a tuple of ints; ``keepdims=True`` keeps reduced axes as
size 1. Result dtypes follow Keras: sums of bool/int8/int16/uint8 are int32, means and
variances of ints are floats, arg-reductions are int32.

Differences from Keras: ``keepdims=True`` with ``axis=None`` keeps every axis (shape
``(1, ..., 1)``) in sum, prod, max, min, amax and amin, as numpy and Keras's other backends do;
Keras's torch backend returns a scalar there.
"""

from __future__ import annotations

import torch

from tkeras import config
from tkeras.ops._common import Tensor, axes, cast, result_type, to_tensor, torch_dtype

_SMALL_INTS = (torch.bool, torch.uint8, torch.int8, torch.int16)


def _all_axes(x: Tensor, axis):
    """torch's ``dim`` for ``axis``: None means every axis (an explicit tuple keeps keepdim)."""
    return tuple(range(x.dim())) if axis is None else axes(axis)


def _empty(axis) -> bool:
    return isinstance(axis, (tuple, list)) and len(axis) == 0


def sum(x, axis=None, keepdims=False):
    """The sum over ``axis`` (bool and small ints sum to int32).

    Differences from Keras: ``keepdims=True`` with ``axis=None`` gives shape ``(1, ..., 1)``
    (Keras's torch backend returns a scalar there).
    """
    x = torch.stack([to_tensor(e) for e in x]) if isinstance(x, (list, tuple)) else to_tensor(x)
    if _empty(axis):
        return x
    dt = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
    return torch.sum(x, dim=_all_axes(x, axis), keepdim=keepdims, dtype=dt)


def mean(x, axis=None, keepdims=False):
    """The mean over ``axis`` (ints give floats)."""
    x = torch.stack([to_tensor(e) for e in x]) if isinstance(x, (list, tuple)) else to_tensor(x)
    if _empty(axis):
        return x
    compute = result_type(x.dtype, "float32")
    out = torch.mean(cast(x, compute), dim=_all_axes(x, axis), keepdim=keepdims)
    return cast(out, x.dtype) if x.is_floating_point() or x.is_complex() else out


def _extreme(fn, name, x, axis, keepdims, initial):
    x = to_tensor(x)
    if x.numel() == 0:
        if initial is None:
            raise ValueError(f"{name}: cannot compute the {name} of an empty tensor.")
        shape = (1,) * x.dim() if keepdims else ()
        return torch.full(shape, initial, device=x.device)
    out = fn(x, dim=_all_axes(x, axis), keepdim=keepdims)
    if initial is not None:
        bound = torch.full((), initial, dtype=out.dtype, device=out.device)
        out = (torch.maximum if name == "max" else torch.minimum)(out, bound)
    return out


def max(x, axis=None, keepdims=False, initial=None):
    """The maximum over ``axis``; ``initial`` is a lower bound (and the result if empty).

    Differences from Keras: ``keepdims=True`` with ``axis=None`` gives shape ``(1, ..., 1)``
    (Keras's torch backend returns a scalar there).
    """
    return _extreme(torch.amax, "max", x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    """The minimum over ``axis``; ``initial`` is an upper bound (and the result if empty).

    Differences from Keras: ``keepdims=True`` with ``axis=None`` gives shape ``(1, ..., 1)``
    (Keras's torch backend returns a scalar there).
    """
    return _extreme(torch.amin, "min", x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    """The maximum over ``axis``.

    Differences from Keras: ``keepdims=True`` with ``axis=None`` gives shape ``(1, ..., 1)``
    (Keras's torch backend returns a scalar there).
    """
    x = to_tensor(x)
    return x if _empty(axis) else torch.amax(x, dim=_all_axes(x, axis), keepdim=keepdims)


def amin(x, axis=None, keepdims=False):
    """The minimum over ``axis``.

    Differences from Keras: ``keepdims=True`` with ``axis=None`` gives shape ``(1, ..., 1)``
    (Keras's torch backend returns a scalar there).
    """
    x = to_tensor(x)
    return x if _empty(axis) else torch.amin(x, dim=_all_axes(x, axis), keepdim=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    """The product over ``axis`` (bool and small ints multiply in int32).

    Differences from Keras: ``keepdims=True`` with ``axis=None`` gives shape ``(1, ..., 1)``
    (Keras's torch backend returns a scalar there).
    """
    x = to_tensor(x)
    if dtype is None:
        dtype = result_type(x.dtype)
        if dtype in ("bool", "int8", "int16", "uint8"):
            dtype = "int32"
    dt = torch_dtype(dtype)
    compute = torch.float32 if dt == torch.float16 and x.device.type == "cpu" else dt
    dims = range(x.dim()) if axis is None else (axis,) if isinstance(axis, int) else axis
    dims = sorted((a % x.dim() for a in dims), reverse=True)
    if not dims:
        return x.to(dt)
    for a in dims:  # torch.prod reduces one axis at a time
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=compute)
    return x.to(dt)


def std(x, axis=None, keepdims=False):
    """The population standard deviation over ``axis`` (ints give float32)."""
    x = to_tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(torch.float32)
    return torch.std(x, dim=axes(axis), keepdim=keepdims, correction=0)


def var(x, axis=None, keepdims=False):
    """The population variance over ``axis`` (ints give floats)."""
    x = to_tensor(x)
    out = result_type(x.dtype, float)
    if _empty(axis):
        return torch.zeros_like(x, dtype=torch_dtype(out))
    x = cast(x, result_type(x.dtype, "float32"))
    return cast(torch.var(x, dim=axes(axis), keepdim=keepdims, correction=0), out)


def _arg(fn, x, axis, keepdims):
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x, axis=None, keepdims=False):
    """The index of the maximum over ``axis`` (flattened if None), as int32."""
    return _arg(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """The index of the minimum over ``axis`` (flattened if None), as int32."""
    return _arg(torch.argmin, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    """Whether every element over ``axis`` is true."""
    x = to_tensor(x)
    if _empty(axis):
        return x.to(torch.bool)
    return torch.all(x, dim=axes(axis), keepdim=keepdims).to(torch.bool)


def any(x, axis=None, keepdims=False):
    """Whether any element over ``axis`` is true."""
    x = to_tensor(x)
    if _empty(axis):
        return x.to(torch.bool)
    return torch.any(x, dim=axes(axis), keepdim=keepdims).to(torch.bool)


def _scan(fn, x, axis, dtype):
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    name = result_type(x.dtype if dtype is None else dtype)
    if name == "bool":
        name = "int32"
    dt = torch_dtype(name)
    if dt == torch.float16 and x.device.type == "cpu":
        return fn(x, dim=axis, dtype=torch.float32).to(dt)
    return fn(x, dim=axis, dtype=dt)


def cumsum(x, axis=None, dtype=None):
    """The cumulative sum along ``axis`` (of the flattened tensor if None)."""
    return _scan(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    """The cumulative product along ``axis`` (of the flattened tensor if None)."""
    return _scan(torch.cumprod, x, axis, dtype)


def count_nonzero(x, axis=None):
    """The number of non-zero elements over ``axis``, as int32.

    Differences from Keras: the result keeps the order of the remaining axes (Keras's torch
    backend transposes a result of rank >= 2).
    """
    x = to_tensor(x)
    if _empty(axis):
        return (x != 0).to(torch.int32)
    return torch.count_nonzero(x, dim=axes(axis)).to(torch.int32)


def average(x, axis=None, weights=None):
    """The (weighted) mean over ``axis``; 1-D ``weights`` apply along ``axis``.

    Differences from Keras: weights follow numpy's rules (with ``axis=None`` the weighted mean
    of everything; 1-D weights along ``axis``); Keras's torch backend divides by the weight sum
    over the last axis.
    """
    x = to_tensor(x)
    if weights is None:
        dt = result_type(x.dtype, float)
        x = cast(x, dt)
        return x if _empty(axis) else torch.mean(x, dim=axes(axis))
    w = to_tensor(weights, device=x.device)
    dt = result_type(x.dtype, float, w.dtype)
    x, w = cast(x, dt), cast(w, dt)
    if _empty(axis):
        return x
    if axis is None:
        return torch.sum(x * w) / torch.sum(w)
    # A 1-D weight vector applies along ``axis``.
    if w.dim() == 1 and x.dim() > 1:
        shape = [1] * x.dim()
        shape[axis] = -1
        w = w.reshape(shape)
        w = torch.broadcast_to(w, x.shape)
    return torch.sum(x * w, dim=axis) / torch.sum(w, dim=axis)


def _quantile(fn, x, q, axis, method, keepdims):
    x = to_tensor(x)
    q = to_tensor(q, device=x.device)
    out_dt = result_type(x.dtype, float)
    x = cast(x, result_type(x.dtype, "float32"))
    q = q.to(x.dtype)
    ndim = x.dim()
    if axis is None:
        y = x.reshape(-1)
        dims = list(range(ndim))
    else:
        dims = sorted(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))
        rest = [d for d in range(ndim) if d not in dims]
        y = x.permute(rest + dims).reshape([x.shape[d] for d in rest] + [-1])
    y = fn(y, q, dim=-1, interpolation=method)
    if keepdims:
        offset = 1 if q.dim() > 0 else 0
        for d in dims:
            y = y.unsqueeze(d + offset)
    return cast(y, out_dt)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1]) over ``axis``."""
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``."""
    x = to_tensor(x)
    q = to_tensor(q, dtype=config.floatx(), device=x.device) / 100.0
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    """The median over ``axis`` (the mean of the two middle values for even counts)."""
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    """``max - min`` over ``axis``."""
    x = to_tensor(x)
    if _empty(axis):
        return torch.zeros_like(x)
    dim = _all_axes(x, axis)
    return torch.amax(x, dim=dim, keepdim=keepdims) - torch.amin(x, dim=dim, keepdim=keepdims)


def nansum(x, axis=None, keepdims=False):
    """The sum over ``axis``, treating NaN as 0."""
    x = to_tensor(x)
    dt = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
    if _empty(axis):
        return torch.nan_to_num(x, nan=0).to(dt)
    if not x.is_floating_point():
        return torch.sum(x, dim=_all_axes(x, axis), keepdim=keepdims, dtype=dt)
    return torch.nansum(x, dim=_all_axes(x, axis), keepdim=keepdims).to(dt)


def nanmean(x, axis=None, keepdims=False):
    """The mean over ``axis``, ignoring NaNs."""
    x = to_tensor(x)
    if _empty(axis):
        return x
    x = cast(x, result_type(x.dtype, float))
    return torch.nanmean(x, dim=axes(axis), keepdim=keepdims)


def sort(x, axis=-1):
    """``x`` sorted along ``axis`` (flattened if None)."""
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis).values


def argsort(x, axis=-1):
    """The indices that sort ``x`` along ``axis`` (stable), as int32."""
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None:
        x, axis = x.reshape(-1), -1
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)
