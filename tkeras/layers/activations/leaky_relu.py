"""LeakyReLU: the leaky rectified linear unit layer (default slope 0.3)."""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers.activations.checks import non_negative
from tkeras.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky ReLU layer: ``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Note the layer's default slope is 0.3, while ``tkeras.activations.leaky_relu`` (and
    ``activation='leaky_relu'``) uses 0.2, as in Keras. Keras 2's ``alpha=`` is accepted with
    Keras 3's deprecation warning and sets ``negative_slope``.

    Differences from Keras: a NaN or non-numeric argument raises ValueError (Keras accepts
    NaN and raises TypeError for a non-number).

    Args:
        negative_slope: float >= 0, the slope for negative inputs.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.LeakyReLU()(torch.tensor([-10.0, 0.0, 5.0]))
        tensor([-3.,  0.,  5.])
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=3
            )
        super().__init__(**kwargs)
        self.negative_slope = non_negative(self, "negative_slope", negative_slope)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(inputs, self.negative_slope)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("alpha", None)  # a Keras 2 `alpha=` is saved as the negative_slope it set
        config["negative_slope"] = self.negative_slope
        return config
