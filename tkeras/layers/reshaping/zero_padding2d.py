"""ZeroPadding2D: rows and columns of zeros around images."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding2D(BaseZeroPadding):
    """Zero-padding for 2D images: adds rows of zeros at the top and bottom, columns at the sides.

    Input ``(batch, rows, cols, channels)`` (channels_last) or ``(batch, channels, rows, cols)``
    (channels_first); the output has the same layout.

    Args:
        padding: non-negative int (the same on every side), a tuple of 2 ints
            ``(rows, cols)`` (symmetric per axis), or a tuple of 2 pairs
            ``((top, bottom), (left, right))``. Default (1, 1).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Differences from Keras:
        A negative int ``padding`` raises ValueError; Keras accepts it and crops instead.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.ZeroPadding2D(((1, 0), (2, 3)))(torch.ones(2, 4, 4, 3)).shape
        torch.Size([2, 5, 9, 3])
    """

    def __init__(
        self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, rank=2, data_format=data_format, **kwargs)
