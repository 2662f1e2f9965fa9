"""GlobalMaxPooling2D: the maximum over every spatial axis."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling for 2D spatial data: the maximum over rows and cols, per channel.

    Input ``(batch, rows, cols, channels)`` (channels_last) or
    ``(batch, channels, rows, cols)`` (channels_first); the output is ``(batch, channels)``,
    or with ``keepdims=True`` the input's rank with each spatial axis of length 1.
    Also exported as ``GlobalMaxPool2D``.

    Args:
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        keepdims: keep the spatial axes with length 1 (default False).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.GlobalMaxPooling2D()(torch.ones(2, 8, 8, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(rank=2, mode="max", data_format=data_format, keepdims=keepdims, **kwargs)
