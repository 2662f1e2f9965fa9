"""ZeroPadding3D: zeros before and after each spatial axis of a volume."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Zero-padding for 3D volumes: adds zero cells before and after each of the 3 spatial axes.

    Input ``(batch, dim1, dim2, dim3, channels)`` (channels_last) or
    ``(batch, channels, dim1, dim2, dim3)`` (channels_first); the output has the same layout.

    Args:
        padding: non-negative int (the same everywhere), a tuple of 3 ints (symmetric per
            axis), or a tuple of 3 ``(before, after)`` pairs. Default ((1, 1), (1, 1), (1, 1)).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Differences from Keras:
        A negative int ``padding`` raises ValueError; Keras accepts it and crops instead.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.ZeroPadding3D(1)(torch.ones(2, 2, 3, 4, 5)).shape
        torch.Size([2, 4, 5, 6, 5])
    """

    def __init__(
        self,
        padding: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(padding, rank=3, data_format=data_format, **kwargs)
