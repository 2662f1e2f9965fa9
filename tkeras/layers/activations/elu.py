"""ELU: the exponential linear unit layer, ``alpha * (exp(x) - 1)`` for negative inputs."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers.activations.checks import non_negative
from tkeras.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit layer: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Differences from Keras: a negative (or NaN) ``alpha``, which Keras accepts although the
    ELU is defined for ``alpha > 0``, raises ValueError.

    Args:
        alpha: float >= 0, the value the output saturates to (``-alpha``) for large negative
            inputs.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.ELU(alpha=0.5)(torch.tensor([-100.0, 2.0]))
        tensor([-0.5000,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = non_negative(self, "alpha", alpha)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.elu(inputs, self.alpha)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
