"""``keras.ops.image.scale_and_translate``: resampling by separable kernels (JAX's algorithm)."""

from __future__ import annotations

import math

import torch

from tkeras.ops._common import to_tensor

METHODS = (
    "linear",
    "bilinear",
    "trilinear",
    "cubic",
    "bicubic",
    "tricubic",
    "lanczos3",
    "lanczos5",
)


def _triangle(x):
    return torch.clamp(1 - torch.abs(x), min=0)


def _keys_cubic(x):
    out = ((1.5 * x - 2.5) * x) * x + 1.0
    out = torch.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
    return torch.where(x >= 2.0, 0.0, out)


def _lanczos(radius: float):
    def kernel(x):
        y = radius * torch.sin(math.pi * x) * torch.sin(math.pi * x / radius)
        out = torch.where(x > 1e-3, y / torch.where(x != 0, math.pi**2 * x**2, 1), 1)
        return torch.where(x > radius, 0.0, out)

    return kernel


_KERNELS = {
    "linear": _triangle,
    "cubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
}
_ALIASES = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic", "tricubic": "cubic"}


def _weights(in_size, out_size, scale, translation, kernel, antialias, dtype):
    """The (in_size, out_size) resampling matrix of one axis."""
    inv_scale = 1.0 / scale
    kernel_scale = torch.clamp(inv_scale, min=1.0) if antialias else 1.0
    device = scale.device
    sample = (
        (torch.arange(out_size, dtype=dtype, device=device) + 0.5) * inv_scale
        - translation * inv_scale
        - 0.5
    )
    grid = torch.arange(in_size, dtype=dtype, device=device)[:, None]
    weights = kernel(torch.abs(sample[None, :] - grid) / kernel_scale)
    total = weights.sum(dim=0, keepdim=True)
    eps = 1000.0 * float(torch.finfo(torch.float32).eps)
    weights = torch.where(total.abs() > eps, weights / torch.where(total != 0, total, 1), 0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return torch.where(inside[None, :], weights, 0)


def scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    """``images`` resampled along ``spatial_dims`` to ``output_shape``: output sample ``o`` of
    an axis reads the input at ``(o + 0.5 - translation) / scale - 0.5``, weighted by
    ``method``'s kernel (widened by ``1 / scale`` when downsampling with ``antialias``).

    ``method``: ``'linear'`` (``'bilinear'``, ``'trilinear'``), ``'cubic'`` (``'bicubic'``,
    ``'tricubic'``), ``'lanczos3'`` or ``'lanczos5'``. Integer images are rounded and clipped
    to their input's range.

    Example:
        >>> x = np.arange(4.0).reshape(1, 4, 1)
        >>> tkeras.ops.image.scale_and_translate(
        ...     x, (1, 2, 1), [0.5], [0.0], [1], "linear", antialias=False)[0, :, 0]
        tensor([0.5000, 2.5000])
    """
    if method not in METHODS:
        raise ValueError(
            f"scale_and_translate: invalid value for argument `method`. Expected one of "
            f"{METHODS}. Received: method={method!r}"
        )
    kernel = _KERNELS[_ALIASES.get(method, method)]
    x = to_tensor(images)
    scale = to_tensor(scale, device=x.device)
    translation = to_tensor(translation, device=x.device)
    dtype = torch.promote_types(scale.dtype, translation.dtype)
    if not dtype.is_floating_point:
        dtype = torch.float32
    scale, translation = scale.to(dtype), translation.to(dtype)
    if len(spatial_dims) == 0:
        return x
    integer = not x.dtype.is_floating_point
    out = x.to(torch.float32) if integer else x
    for i, d in enumerate(spatial_dims):
        d = d % x.dim()
        w = _weights(
            x.shape[d], output_shape[d], scale[i], translation[i], kernel, antialias, dtype
        )
        out = torch.moveaxis(torch.tensordot(out, w.to(out.dtype), dims=([d], [0])), -1, d)
    if integer:
        out = torch.clip(torch.round(out), x.min(), x.max()).to(x.dtype)
    return out
