"""Cropping3D: drops cells at the edges of each spatial axis of a volume."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Cropping for 3D volumes: removes cells before and after each of the 3 spatial axes.

    Input ``(batch, dim1, dim2, dim3, channels)`` (channels_last) or
    ``(batch, channels, dim1, dim2, dim3)`` (channels_first); the output is a view of the
    input, in the same layout.

    Args:
        cropping: non-negative int (the same everywhere), a tuple of 3 ints (symmetric per
            axis), or a tuple of 3 ``(before, after)`` pairs. Default ((1, 1), (1, 1), (1, 1)).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Cropping3D(1)(torch.ones(2, 4, 5, 6, 3)).shape
        torch.Size([2, 2, 3, 4, 3])
    """

    def __init__(
        self,
        cropping: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(cropping, rank=3, data_format=data_format, **kwargs)
