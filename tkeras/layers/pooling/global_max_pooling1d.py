"""GlobalMaxPooling1D: the maximum over every spatial axis."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling for temporal data: the maximum over steps, per feature.

    Input ``(batch, steps, features)`` (channels_last) or
    ``(batch, features, steps)`` (channels_first); the output is ``(batch, features)``,
    or with ``keepdims=True`` the input's rank with each spatial axis of length 1.
    Also exported as ``GlobalMaxPool1D``.

    Args:
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        keepdims: keep the spatial axes with length 1 (default False).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.GlobalMaxPooling1D()(torch.ones(2, 8, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(rank=1, mode="max", data_format=data_format, keepdims=keepdims, **kwargs)
