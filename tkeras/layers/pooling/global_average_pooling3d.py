"""GlobalAveragePooling3D: the mean over every spatial axis."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Global average pooling for 3D data: the mean over dim1, dim2 and dim3, per channel.

    Input ``(batch, dim1, dim2, dim3, channels)`` (channels_last) or
    ``(batch, channels, dim1, dim2, dim3)`` (channels_first); the output is ``(batch, channels)``,
    or with ``keepdims=True`` the input's rank with each spatial axis of length 1.
    Also exported as ``GlobalAvgPool3D``.

    Args:
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        keepdims: keep the spatial axes with length 1 (default False).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.GlobalAveragePooling3D()(torch.ones(2, 4, 4, 4, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(
            rank=3, mode="average", data_format=data_format, keepdims=keepdims, **kwargs
        )
