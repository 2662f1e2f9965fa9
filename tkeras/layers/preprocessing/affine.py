"""Keras's affine image transforms on ``F.grid_sample``, with Keras's four fill modes.

A transform is Keras's 6-vector per image ``[a0, a1, a2, b0, b1, b2]``: output pixel (x, y)
reads input pixel ``(a0*x + a1*y + a2, b0*x + b1*y + b2)``, in pixel units with integers at pixel
centres (Keras's ``ops.image.affine_transform``). Keras interpolates per corner index and fixes
each out-of-range index by the fill mode; ``grid_sample`` (``align_corners=False``) matches it:

- ``'constant'``: out-of-range corners read ``fill_value``. ``padding_mode='zeros'`` drops them,
  and ``fill_value`` times their total weight (computed from the coordinates) is added back.
- ``'nearest'``: an index is clipped into the image, which is clipping the coordinate to
  ``[0, size - 1]``: ``padding_mode='border'``.
- ``'reflect'`` (``d c b a | a b c d | d c b a``): index ``-1 - i`` for ``i`` and period
  ``2 * size``. Reflecting the coordinate about -0.5 and size - 0.5 maps the pixel lattice onto
  itself, so interpolation commutes with it, and in the half pixel past each edge both
  corners land on the edge pixel, as after ``grid_sample``'s clip: ``padding_mode='reflection'``.
- ``'wrap'`` (``a b c d | a b c d``): the corners ``i`` and ``i + 1`` of the last pixel wrap to
  ``size - 1`` and ``0``. The coordinate is taken modulo the size and the image circularly padded
  by one pixel on the bottom and right, so both corners are in range.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

_PADDING = {"constant": "zeros", "nearest": "border", "reflect": "reflection", "wrap": "zeros"}
FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def rotation_matrix(angle: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Rotations by ``angle`` degrees (N,) about the image centre, as Keras's RandomRotation."""
    theta = angle * torch.tensor(math.pi / 180.0, dtype=angle.dtype, device=angle.device)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    cos, sin = torch.cos(theta), torch.sin(theta)
    a0, a1, b0, b1 = cos, -sin, sin, cos
    a2 = cx - cx * a0 - cy * a1
    b2 = cy - cx * b0 - cy * b1
    return torch.stack((a0, a1, a2, b0, b1, b2), dim=1)


def zoom_matrix(zoom_x: torch.Tensor, zoom_y: torch.Tensor, height: int, width: int):
    """Scalings by (zoom_x, zoom_y) (N,) about the image centre, as Keras's RandomZoom."""
    zeros = torch.zeros_like(zoom_x)
    x_offset = (width - 1.0) / 2.0 * (1.0 - zoom_x)
    y_offset = (height - 1.0) / 2.0 * (1.0 - zoom_y)
    return torch.stack((zoom_x, zeros, x_offset, zeros, zoom_y, y_offset), dim=1)


def translation_matrix(dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """Shifts of the content by (dx, dy) pixels (N,), as Keras's RandomTranslation."""
    ones, zeros = torch.ones_like(dx), torch.zeros_like(dx)
    return torch.stack((ones, zeros, -dx, zeros, ones, -dy), dim=1)


def _inside_weight(coord: torch.Tensor, size: int, interpolation: str) -> torch.Tensor:
    """Per axis, the interpolation weight that falls on in-range indices."""
    if interpolation == "nearest":
        index = torch.round(coord)
        return ((index >= 0) & (index <= size - 1)).to(coord.dtype)
    lower = torch.floor(coord)
    upper_weight = coord - lower
    lower_in = ((lower >= 0) & (lower <= size - 1)).to(coord.dtype)
    upper_in = ((lower >= -1) & (lower <= size - 2)).to(coord.dtype)
    return (1 - upper_weight) * lower_in + upper_weight * upper_in


def affine_transform(
    images: torch.Tensor,
    matrix: torch.Tensor,
    interpolation: str,
    fill_mode: str,
    fill_value: float,
) -> torch.Tensor:
    """Float (N, C, H, W) images transformed by Keras's (N, 6) matrices, as (N, C, H, W)."""
    height, width = images.shape[-2:]
    matrix = matrix.to(images.dtype)
    xs = torch.arange(width, dtype=images.dtype, device=images.device)
    ys = torch.arange(height, dtype=images.dtype, device=images.device)[:, None]
    a0, a1, a2, b0, b1, b2 = matrix[:, :, None, None].unbind(1)
    x_in = a0 * xs + a1 * ys + a2  # (N, H, W), pixel units
    y_in = b0 * xs + b1 * ys + b2
    grid_w, grid_h = width, height
    if fill_mode == "wrap":
        x_in, y_in = torch.remainder(x_in, width), torch.remainder(y_in, height)
        images = F.pad(images, (0, 1, 0, 1), mode="circular")
        grid_w, grid_h = width + 1, height + 1
    # Pixel centres to grid_sample's [-1, 1] with align_corners=False: (2p + 1) / size - 1.
    grid = torch.stack(((2 * x_in + 1) / grid_w - 1, (2 * y_in + 1) / grid_h - 1), dim=-1)
    out = F.grid_sample(
        images, grid, mode=interpolation, padding_mode=_PADDING[fill_mode], align_corners=False
    )
    if fill_mode == "constant" and fill_value != 0:
        inside = _inside_weight(x_in, width, interpolation) * _inside_weight(
            y_in, height, interpolation
        )
        out = out + (fill_value * (1 - inside)).unsqueeze(1)
    return out
