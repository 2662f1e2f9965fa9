"""Normalization ops of ``keras.ops.nn``: normalize, moments, batch/layer/RMS normalization."""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.ops._common import cast, result_type, to_tensor


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (norms floored at ``epsilon``)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1. Received: order={order!r}")
    x = to_tensor(x)
    if x.dim() == 0:
        x = x.unsqueeze(0)
    eps = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
        cap = torch.full((), 1.0 / eps, dtype=inv.dtype, device=inv.device)
        return x * torch.minimum(inv, cap)
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.maximum(norm, torch.full((), eps, dtype=norm.dtype, device=norm.device))


def moments(x, axes, keepdims=False, synchronized=False):
    """The mean and (biased) variance of ``x`` over ``axes``, as ``E[x^2] - E[x]^2``."""
    if synchronized:
        raise NotImplementedError("moments: synchronized=True is not supported by tkeras (torch).")
    x = to_tensor(x)
    half = x.dtype == torch.float16
    if half:
        x = x.float()
    dims = (axes,) if isinstance(axes, int) else tuple(axes)
    mean = torch.mean(x, dim=dims, keepdim=True)
    variance = torch.mean(torch.square(x), dim=dims, keepdim=True) - torch.square(mean)
    if not keepdims:
        mean, variance = mean.squeeze(dims), variance.squeeze(dims)
    if half:
        big = torch.finfo(torch.float16).max
        mean = torch.clamp(mean, -big, big).half()
        variance = torch.clamp(variance, -big, big).half()
    return mean, variance


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, statistics along ``axis``."""
    x = to_tensor(x)
    shape = [1] * x.dim()
    shape[axis] = x.shape[axis]
    dev = x.device
    mean = to_tensor(mean, device=dev).reshape(shape)
    inv = torch.rsqrt(to_tensor(variance, device=dev).reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * to_tensor(scale, device=dev).reshape(shape)
    out = (x - mean) * inv
    return out if offset is None else out + to_tensor(offset, device=dev).reshape(shape)


def _trailing(axis, ndim: int) -> list[int] | None:
    """The sorted axes if they are the last ``len(axes)`` axes, else None."""
    dims = sorted(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))
    return dims if dims == list(range(ndim - len(dims), ndim)) else None


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """``x`` normalized to zero mean and unit variance over ``axis``, then scaled and shifted.

    Computes in at least float32 and returns ``x``'s dtype.

    Differences from Keras: ``axis`` may name leading axes (Keras's torch backend hands any
    contiguous axes to ``F.layer_norm``, which only normalizes trailing axes).
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected keyword arguments {sorted(kwargs)}.")
    if rms_scaling:
        warnings.warn(
            "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
            "scales the input by the variance, not the root mean square. To correctly use RMS "
            "Normalization, please use `keras.ops.rms_normalization` instead.",
            stacklevel=2,
        )
    eps = config.epsilon() if epsilon is None else epsilon
    x = to_tensor(x)
    original = x.dtype
    x = cast(x, result_type(x.dtype, "float32"))
    dims = sorted(a % x.dim() for a in ((axis,) if isinstance(axis, int) else axis))
    bshape = [x.shape[d] if d in dims else 1 for d in range(x.dim())]
    g = None if gamma is None else to_tensor(gamma, dtype=x.dtype, device=x.device)
    b = None if beta is None else to_tensor(beta, dtype=x.dtype, device=x.device)
    if rms_scaling:
        out = x * torch.rsqrt(torch.var(x, dim=dims, keepdim=True, correction=0) + eps)
        return (out if g is None else out * g.reshape(bshape)).to(original)
    if _trailing(dims, x.dim()) is not None:
        normalized = tuple(x.shape[d] for d in dims)
        g = None if g is None else g.reshape(normalized)
        b = None if b is None else b.reshape(normalized)
        return F.layer_norm(x, normalized, g, b, eps).to(original)
    mean, variance = moments(x, dims, keepdims=True)
    inv = torch.rsqrt(variance + eps)
    if g is not None:
        inv = inv * g.reshape(bshape)
    res = -mean * inv
    if b is not None:
        res = res + b.reshape(bshape)
    return (x * inv + res).to(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x`` divided by its root mean square over ``axis``, times ``scale``."""
    eps = config.epsilon() if epsilon is None else epsilon
    x = to_tensor(x)
    original = x.dtype
    x = cast(x, result_type(x.dtype, "float32"))
    s = None if scale is None else to_tensor(scale, dtype=x.dtype, device=x.device)
    dims = _trailing(axis, x.dim()) if x.dim() else None
    if dims is not None:
        normalized = tuple(x.shape[d] for d in dims)
        return F.rms_norm(x, normalized, None if s is None else s.reshape(normalized), eps).to(
            original
        )
    if x.dim() == 0:
        x = x.unsqueeze(0)
    dims = (axis,) if isinstance(axis, int) else tuple(axis)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=dims, keepdim=True) + eps)
    return (out if s is None else out * s).to(original)
