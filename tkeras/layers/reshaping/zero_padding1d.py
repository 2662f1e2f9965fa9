"""ZeroPadding1D: zeros before and after the steps of a sequence."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding1D(BaseZeroPadding):
    """Zero-padding for temporal data: adds zero steps at the start and end of the steps axis.

    Input ``(batch, steps, features)`` (channels_last) or ``(batch, features, steps)``
    (channels_first); the steps axis grows by ``before + after``.

    Args:
        padding: non-negative int (as many zero steps at each end, default 1) or a tuple of 2
            non-negative ints ``(before, after)``.
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.ZeroPadding1D((1, 2))(torch.ones(2, 4, 3)).shape
        torch.Size([2, 7, 3])
    """

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, rank=1, data_format=data_format, **kwargs)
