"""ReLU: the rectified linear unit layer, with Keras's max_value, negative_slope and threshold."""

from __future__ import annotations

import functools
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations
from tkeras.layers.activations.checks import non_negative
from tkeras.layers.layer import Layer


class ReLU(Layer):
    """Rectified linear unit layer with an optional cap, leak and threshold.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value`` and
    ``negative_slope * (x - threshold)`` otherwise. With the defaults it is ``F.relu``.

    Differences from Keras: a NaN or non-numeric argument raises ValueError (Keras accepts
    NaN and raises TypeError for a non-number).

    Args:
        max_value: float >= 0, the cap on the output; None: no cap.
        negative_slope: float >= 0, the slope below the threshold.
        threshold: float >= 0, the input value below which the output is zero (or leaks).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.ReLU(max_value=1.0, negative_slope=0.5)(torch.tensor([-2.0, 0.5, 3.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = non_negative(self, "max_value", max_value, allow_none=True)
        self.negative_slope = non_negative(self, "negative_slope", negative_slope)
        self.threshold = non_negative(self, "threshold", threshold)
        self.supports_masking = True
        self.built = True
        if self.max_value is None and self.negative_slope == 0.0 and self.threshold == 0.0:
            self._relu = F.relu
        else:
            self._relu = functools.partial(
                activations.relu,
                negative_slope=self.negative_slope,
                max_value=self.max_value,
                threshold=self.threshold,
            )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._relu(inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
