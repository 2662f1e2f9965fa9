"""MaxPooling2D: max pooling over 2 spatial axes."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Max pooling for 2D spatial data: the maximum over ``pool_size`` windows of rows and cols.

    Input ``(batch, rows, cols, channels)`` (channels_last) or
    ``(batch, channels, rows, cols)`` (channels_first); the output has the same layout.
    ``'valid'`` keeps only the windows that fit inside the input; ``'same'`` pads TF-style (the
    odd cell at the end), and padded cells never win the maximum. Also exported as ``MaxPool2D``.

    Args:
        pool_size: int or tuple of 2 ints, the window size along (rows, cols). Default (2, 2).
        strides: int or tuple of 2 ints, or None for ``pool_size``: how far the window moves.
        padding: ``'valid'`` or ``'same'`` (case-insensitive).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        name: the layer name.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.MaxPooling2D()(torch.ones(2, 8, 8, 3)).shape
        torch.Size([2, 4, 4, 3])
    """

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            rank=2,
            mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
