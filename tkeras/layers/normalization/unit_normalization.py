"""UnitNormalization: scale each example to unit L2 norm along ``axis``."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import Layer
from tkeras.layers.normalization import _axes

# Keras's floor on the norm: the inverse norm is capped at 1 / 1e-12.
_MAX_INV_NORM = 1e12


class UnitNormalization(Layer):
    """Unit normalization layer: L2-normalize each example along ``axis``.

    ``x * min(1 / sqrt(sum(x ** 2, axis)), 1e12)``, i.e. ``x / max(||x||, 1e-12)`` as Keras
    computes it; a zero vector stays zero. The layer has no weights.

    Args:
        axis: int or list/tuple of ints, the axes to normalize along (default ``-1``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.UnitNormalization()(torch.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = _axes.axis_list(type(self).__name__, axis)
        self._dims = tuple(self.axis) if isinstance(self.axis, list) else (self.axis,)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        _axes.positive_axes(self, self._dims, input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        square_sum = inputs.square().sum(self._dims, keepdim=True)
        return inputs * torch.rsqrt(square_sum).clamp_max(_MAX_INV_NORM)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        _axes.positive_axes(self, self._dims, input_shape)
        return tuple(input_shape)
