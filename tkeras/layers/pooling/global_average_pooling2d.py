"""GlobalAveragePooling2D: the mean over every spatial axis."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling for 2D spatial data: the mean over rows and cols, per channel.

    Input ``(batch, rows, cols, channels)`` (channels_last) or
    ``(batch, channels, rows, cols)`` (channels_first); the output is ``(batch, channels)``,
    or with ``keepdims=True`` the input's rank with each spatial axis of length 1.
    Also exported as ``GlobalAvgPool2D``.

    Args:
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        keepdims: keep the spatial axes with length 1 (default False).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.GlobalAveragePooling2D()(torch.ones(2, 8, 8, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(
            rank=2, mode="average", data_format=data_format, keepdims=keepdims, **kwargs
        )
