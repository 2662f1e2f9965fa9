"""Cropping2D: drops rows and columns at the edges of images."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Cropping for 2D images: removes rows at the top and bottom and columns at the sides.

    Input ``(batch, rows, cols, channels)`` (channels_last) or ``(batch, channels, rows, cols)``
    (channels_first); the output is a view of the input, in the same layout.

    Args:
        cropping: non-negative int (the same on every side), a tuple of 2 ints
            ``(rows, cols)`` (symmetric per axis), or a tuple of 2 pairs
            ``((top, bottom), (left, right))``. Default ((0, 0), (0, 0)).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Cropping2D(((1, 0), (2, 1)))(torch.ones(2, 5, 6, 3)).shape
        torch.Size([2, 4, 3, 3])
    """

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(cropping, rank=2, data_format=data_format, **kwargs)
