"""NaN-ignoring reductions and scans of ``keras.ops`` (``nanmax``, ``nanvar``, ...).

A NaN is skipped; a slice of NaNs only gives NaN (the arg-reductions: index 0... as Keras's
torch backend: see each function). Integer inputs have no NaNs and reduce as usual.
"""

from __future__ import annotations

import torch

from tkeras.ops._common import Tensor, axes, cast, result_type, to_tensor
from tkeras.ops.numpy_math import nan_to_num
from tkeras.ops.numpy_reduce import _quantile, cumprod, cumsum, prod


def _dims(x: Tensor, axis):
    return tuple(range(x.dim())) if axis is None else axes(axis)


def _fill(x: Tensor, value: float) -> Tensor:
    return torch.where(torch.isnan(x), torch.full((), value, dtype=x.dtype, device=x.device), x)


def _extreme(x, axis, keepdims, reduce, fill):
    x = to_tensor(x)
    if not x.is_floating_point():
        return reduce(x, dim=_dims(x, axis), keepdim=keepdims)
    nan = torch.isnan(x)
    out = reduce(_fill(x, fill), dim=_dims(x, axis), keepdim=keepdims)
    all_nan = torch.all(nan, dim=_dims(x, axis), keepdim=keepdims)
    return torch.where(all_nan, torch.full((), float("nan"), dtype=x.dtype, device=x.device), out)


def nanmax(x, axis=None, keepdims=False):
    """The maximum over ``axis``, ignoring NaNs (NaN where a slice is all NaN)."""
    return _extreme(x, axis, keepdims, torch.amax, float("-inf"))


def nanmin(x, axis=None, keepdims=False):
    """The minimum over ``axis``, ignoring NaNs (NaN where a slice is all NaN)."""
    return _extreme(x, axis, keepdims, torch.amin, float("inf"))


def nanprod(x, axis=None, keepdims=False):
    """The product over ``axis``, treating NaN as 1."""
    x = to_tensor(x)
    if x.is_floating_point():
        x = _fill(x, 1.0)
    return prod(x, axis=axis, keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    """The variance over ``axis``, ignoring NaNs."""
    x = to_tensor(x)
    x = cast(x, result_type(x.dtype, float))
    dims = _dims(x, axis)
    valid = ~torch.isnan(x)
    mean = torch.nanmean(x, dim=dims, keepdim=True)
    # NaN entries contribute zero (and get zero gradient), as in Keras.
    centered = torch.where(valid, x - mean, torch.zeros_like(x)).square()
    count = valid.sum(dim=dims, keepdim=keepdims)
    return centered.sum(dim=dims, keepdim=keepdims) / count


def nanstd(x, axis=None, keepdims=False):
    """The standard deviation over ``axis``, ignoring NaNs."""
    return torch.sqrt(nanvar(x, axis, keepdims))


def _nan_arg(x, axis, keepdims, fn, fill):
    x = to_tensor(x)
    if x.is_floating_point():
        x = _fill(x, fill)
    if axis is None:
        out = fn(x.reshape(-1))
        if keepdims:
            out = out.reshape([1] * x.dim())
        return out.to(torch.int32)
    return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def nanargmax(x, axis=None, keepdims=False):
    """The index of the maximum over ``axis``, ignoring NaNs (int32)."""
    return _nan_arg(x, axis, keepdims, torch.argmax, float("-inf"))


def nanargmin(x, axis=None, keepdims=False):
    """The index of the minimum over ``axis``, ignoring NaNs (int32)."""
    return _nan_arg(x, axis, keepdims, torch.argmin, float("inf"))


def nancumsum(x, axis=None, dtype=None):
    """The cumulative sum along ``axis`` (flattened if None), treating NaN as 0."""
    return cumsum(nan_to_num(x), axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    """The cumulative product along ``axis`` (flattened if None), treating NaN as 1."""
    x = to_tensor(x)
    if x.is_floating_point():
        x = _fill(x, 1.0)
    return cumprod(x, axis=axis, dtype=dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles over ``axis``, ignoring NaNs."""
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100]) over ``axis``, ignoring NaNs."""
    x = to_tensor(x)
    q = to_tensor(q, device=x.device)
    return _quantile(torch.nanquantile, x, q.to(torch.float32) / 100.0, axis, method, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """The median over ``axis``, ignoring NaNs (the mean of the middle two for even counts)."""
    return _quantile(torch.nanquantile, x, 0.5, axis, "linear", keepdims)
