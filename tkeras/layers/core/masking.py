"""Masking: marks timesteps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer


class Masking(Layer):
    """Masks timesteps where every feature equals ``mask_value``; later layers skip them.

    The output is the input with masked timesteps set to zero; ``compute_mask`` returns a
    (batch, time) bool mask, True meaning keep, that Sequential and functional models pass to
    the layers that take one (RNNs).

    Args:
        mask_value: the padding value (default 0.0).

    Example:
        >>> import torch, tkeras
        >>> x = torch.tensor([[[1.0], [0.0]]])
        >>> tkeras.layers.Masking()(x).shape
        torch.Size([1, 2, 1])
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self._creates_mask = True
        self.input_spec = InputSpec(min_ndim=2)
        self.built = True

    def compute_mask(self, inputs: torch.Tensor, mask: Any = None) -> torch.Tensor:
        return (inputs != self.mask_value).any(dim=-1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        keep = (inputs != self.mask_value).any(dim=-1, keepdim=True)
        return inputs * keep.to(inputs.dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
