"""MaxPooling3D: max pooling over 3 spatial axes."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """Max pooling for 3D data (spatial or spatio-temporal): the maximum over each window.

    Input ``(batch, dim1, dim2, dim3, channels)`` (channels_last) or
    ``(batch, channels, dim1, dim2, dim3)`` (channels_first); the output has the same layout.
    ``'valid'`` keeps only the windows that fit inside the input; ``'same'`` pads TF-style (the
    odd cell at the end), and padded cells never win the maximum. Also exported as ``MaxPool3D``.

    Args:
        pool_size: int or tuple of 3 ints, the window size along (dim1, dim2, dim3).
            Default (2, 2, 2).
        strides: int or tuple of 3 ints, or None for ``pool_size``: how far the window moves.
        padding: ``'valid'`` or ``'same'`` (case-insensitive).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        name: the layer name.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.MaxPooling3D()(torch.ones(2, 4, 4, 4, 3)).shape
        torch.Size([2, 2, 2, 2, 3])
    """

    def __init__(
        self,
        pool_size: Any = (2, 2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            rank=3,
            mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
