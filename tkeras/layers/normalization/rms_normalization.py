"""RMSNormalization: scale each example by the root mean square over ``axis``."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import Layer
from tkeras.layers.normalization import _axes
from tkeras.ops.nn_norm import rms_normalization


class RMSNormalization(Layer):
    """Root-mean-square normalization layer (Zhang & Sennrich, 2019), as in Gemma and Llama.

    ``x * rsqrt(mean(x ** 2, axis) + epsilon) * scale``; ``scale`` (initialized to ones) has the
    sizes of the ``axis`` dimensions in ``sorted(axis)`` order.

    Args:
        axis: int or list/tuple of ints, the axes to normalize over (default ``-1``).
        epsilon: float, added to the mean square before the root (default ``1e-6``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.RMSNormalization()(torch.ones(2, 4)).shape
        torch.Size([2, 4])
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = _axes.axis_list(type(self).__name__, axis)
        self.epsilon = epsilon
        self.scale = None

    def build(self, input_shape: tuple) -> None:
        given = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        axes = _axes.positive_axes(self, given, input_shape)
        shape = tuple(_axes.known_size(self, a, input_shape) for a in axes)
        self.scale = self.add_weight(shape=shape, initializer="ones", name="scale")
        self.axis = given  # as Keras's build stores it (sorted, always a list): its config shows it
        self._axes = axes
        rank = len(input_shape)
        # The op broadcasts the scale over the input: put its sizes on their axes.
        self._scale_shape = tuple(input_shape[d] if d in axes else 1 for d in range(rank))

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return rms_normalization(
            inputs, self.scale.reshape(self._scale_shape), self._axes, self.epsilon
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        given = self.axis if isinstance(self.axis, list) else [self.axis]
        _axes.positive_axes(self, given, input_shape)
        return tuple(input_shape)
