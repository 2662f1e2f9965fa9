"""Activation: applies an activation function by name or callable."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import activations
from tkeras.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: a name from ``tkeras.activations`` (e.g. ``'relu'``) or a callable.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Activation("relu")(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
