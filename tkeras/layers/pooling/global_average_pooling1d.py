"""GlobalAveragePooling1D: the mean over every spatial axis."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling for temporal data: the mean over steps, per feature.

    Input ``(batch, steps, features)`` (channels_last) or
    ``(batch, features, steps)`` (channels_first); the output is ``(batch, features)``,
    or with ``keepdims=True`` the input's rank with each spatial axis of length 1.
    Also exported as ``GlobalAvgPool1D``.

    Args:
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        keepdims: keep the spatial axes with length 1 (default False).

    Call arguments:
        inputs: the 3D input.
        mask: optional (batch, steps) tensor, true (or nonzero) where a step is kept:
            the mean is then over the kept steps only. Models pass it from a
            ``Masking`` or ``Embedding(mask_zero=True)`` layer upstream. A row whose
            steps are all masked out gives NaN (0 / 0), as in Keras.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.GlobalAveragePooling1D()(torch.ones(2, 8, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(
            rank=1, mode="average", data_format=data_format, keepdims=keepdims, **kwargs
        )
        # The (batch, steps) mask gets a features axis beside its steps axis.
        self._mask_axis = 2 if self._channels_last else 1

    def call(self, inputs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            return inputs.mean(dim=self._axes, keepdim=self._keepdim)
        # where(), not a product: a NaN or inf in a masked step must not leak in.
        keep = mask.to(torch.bool).unsqueeze(self._mask_axis)
        total = torch.where(keep, inputs, 0.0).sum(dim=self._axes, keepdim=self._keepdim)
        count = keep.sum(dim=self._axes, keepdim=self._keepdim, dtype=inputs.dtype)
        return total / count

    def compute_mask(self, inputs: torch.Tensor, mask: Any = None) -> None:
        # The steps axis is reduced away, so no mask goes downstream.
        return None
