"""Flatten: collapses every axis but the batch axis, in Keras's (channels_last) order."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.validation import data_format as check_data_format


class Flatten(Layer):
    """Flattens the input to (batch, features) without affecting the batch size.

    A channels_last tensor flattens in Keras's element order, so Dense weights that follow a
    Flatten port from Keras unchanged. With ``data_format='channels_first'`` the input is first
    moved to channels_last, as Keras does.

    Args:
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Flatten()(torch.ones(2, 3, 4)).shape
        torch.Size([2, 12])
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = check_data_format(self, data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True
        self._to_last = self.data_format == "channels_first"

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self._to_last and inputs.dim() > 2:
            inputs = inputs.movedim(1, -1)
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = tuple(input_shape)[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)
