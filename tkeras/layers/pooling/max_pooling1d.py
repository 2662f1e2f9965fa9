"""MaxPooling1D: max pooling over 1 spatial axis."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max pooling for temporal data: the maximum over windows of ``pool_size`` steps.

    Input ``(batch, steps, features)`` (channels_last) or
    ``(batch, features, steps)`` (channels_first); the output has the same layout.
    ``'valid'`` keeps only the windows that fit inside the input; ``'same'`` pads TF-style (the
    odd cell at the end), and padded cells never win the maximum. Also exported as ``MaxPool1D``.

    Args:
        pool_size: int (or a 1-tuple), the window size in steps. Default 2.
        strides: int, or None for ``pool_size``: how far the window moves.
        padding: ``'valid'`` or ``'same'`` (case-insensitive).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        name: the layer name.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.MaxPooling1D()(torch.ones(2, 8, 3)).shape
        torch.Size([2, 4, 3])
    """

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            rank=1,
            mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
