"""The transform matrices of RandomRotation, RandomZoom and RandomTranslation, in Keras's
6-vector form ``[a0, a1, a2, b0, b1, b2]``; the sampling is ``ops.image_sampling``'s.
"""

from __future__ import annotations

import math

import torch

from tkeras.ops.image_sampling import (  # noqa: F401  (the layers' sampling)
    FILL_MODES,
    INTERPOLATIONS,
    affine_transform,
)


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
