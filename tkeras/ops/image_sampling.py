"""Resampling images at arbitrary coordinates, with Keras's fill modes, on ``F.grid_sample``.

``sample(images, x_in, y_in, ...)`` gives output pixel (i, j) of image n the value of the input
at ``(x_in[n, i, j], y_in[n, i, j])``, in pixel units with integers at pixel centres (Keras's
``map_coordinates`` convention). Keras interpolates per corner index and fixes each out-of-range
index by the fill mode; ``grid_sample`` gives the same numbers:

- ``'constant'``: out-of-range corners read ``fill_value``. ``padding_mode='zeros'`` drops them,
  and ``fill_value`` times their total weight (computed from the coordinates) is added back.
- ``'nearest'``: an index is clipped into the image, which is clipping the coordinate to
  ``[0, size - 1]``: ``padding_mode='border'``.
- ``'reflect'`` (``d c b a | a b c d | d c b a``): index ``-1 - i`` for ``i`` and period
  ``2 * size``. Reflecting the coordinate about -0.5 and size - 0.5 maps the pixel lattice onto
  itself, so interpolation commutes with it, and in the half pixel past each edge both
  corners land on the edge pixel, as after ``grid_sample``'s clip: ``padding_mode='reflection'``.
- ``'mirror'`` (``d c b | a b c d | c b a``): reflection about the edge pixels' centres, which is
  ``padding_mode='reflection'`` with ``align_corners=True``.
- ``'wrap'`` (``a b c d | a b c d``): the corners ``i`` and ``i + 1`` of the last pixel wrap to
  ``size - 1`` and ``0``. The coordinate is taken modulo the size and the image circularly padded
  by one pixel on the bottom and right, so both corners are in range.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_PADDING = {
    "constant": "zeros",
    "nearest": "border",
    "reflect": "reflection",
    "mirror": "reflection",
    "wrap": "zeros",
}
FILL_MODES = ("reflect", "wrap", "constant", "nearest")  # the layers' modes
OP_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")  # keras.ops.image's
INTERPOLATIONS = ("nearest", "bilinear")


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


def _grid_coord(coord: torch.Tensor, size: int, corners: bool) -> torch.Tensor:
    """Pixel coordinates to grid_sample's [-1, 1]."""
    if corners:
        return 2 * coord / (size - 1) - 1 if size > 1 else torch.zeros_like(coord)
    return (2 * coord + 1) / size - 1


def sample(
    images: torch.Tensor,
    x_in: torch.Tensor,
    y_in: torch.Tensor,
    interpolation: str,
    fill_mode: str,
    fill_value: float,
) -> torch.Tensor:
    """Float (N, C, H, W) images read at (N, H', W') coordinates, as (N, C, H', W')."""
    height, width = images.shape[-2:]
    x_in, y_in = (c.expand(images.shape[0], *c.shape[1:]) for c in (x_in, y_in))
    grid_w, grid_h = width, height
    if fill_mode == "wrap":
        x_in, y_in = torch.remainder(x_in, width), torch.remainder(y_in, height)
        images = F.pad(images, (0, 1, 0, 1), mode="circular")
        grid_w, grid_h = width + 1, height + 1
    corners = fill_mode == "mirror"
    padding = _PADDING[fill_mode] if not (corners and min(height, width) == 1) else "border"
    grid = torch.stack(
        (_grid_coord(x_in, grid_w, corners), _grid_coord(y_in, grid_h, corners)), dim=-1
    )
    out = F.grid_sample(
        images,
        grid.to(images.dtype),
        mode=interpolation,
        padding_mode=padding,
        align_corners=corners,
    )
    if fill_mode == "constant" and fill_value != 0:
        inside = _inside_weight(x_in, width, interpolation) * _inside_weight(
            y_in, height, interpolation
        )
        out = out + (fill_value * (1 - inside)).unsqueeze(1).to(out.dtype)
    return out


def affine_coordinates(matrix: torch.Tensor, height: int, width: int, dtype: torch.dtype):
    """The input coordinates (x_in, y_in), each (N, H, W), of Keras's (N, 6+) transforms."""
    matrix = matrix.to(dtype)
    xs = torch.arange(width, dtype=dtype, device=matrix.device)
    ys = torch.arange(height, dtype=dtype, device=matrix.device)[:, None]
    a0, a1, a2, b0, b1, b2 = matrix[:, :6, None, None].unbind(1)
    return a0 * xs + a1 * ys + a2, b0 * xs + b1 * ys + b2


def affine_transform(
    images: torch.Tensor,
    matrix: torch.Tensor,
    interpolation: str,
    fill_mode: str,
    fill_value: float,
) -> torch.Tensor:
    """Float (N, C, H, W) images transformed by Keras's (N, 6) matrices, as (N, C, H, W).

    Output pixel (x, y) reads input pixel ``(a0*x + a1*y + a2, b0*x + b1*y + b2)`` for the
    matrix ``[a0, a1, a2, b0, b1, b2]``."""
    x_in, y_in = affine_coordinates(matrix, *images.shape[-2:], images.dtype)
    return sample(images, x_in, y_in, interpolation, fill_mode, fill_value)
