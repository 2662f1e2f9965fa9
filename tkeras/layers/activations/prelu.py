"""PReLU: the parametric ReLU layer: a learned slope per input element."""

from __future__ import annotations

import numbers
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import constraints, initializers, regularizers
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU layer: ``x`` for ``x >= 0``, ``alpha * x`` otherwise, ``alpha`` learned.

    As in Keras (and unlike ``torch.nn.PReLU``, one slope per channel, initialized to 0.25)
    ``alpha`` has the input's full non-batch shape, one slope per element, initialized to
    zeros; ``shared_axes`` gives the axes along which one slope is shared (size 1 in
    ``alpha``), e.g. ``shared_axes=[1, 2]`` for one slope per channel of an NHWC image.

    Differences from Keras: a ``shared_axes`` entry that is not an axis of the input (0, the
    batch axis, or a negative or too-large index, which Keras turns into a wrong weight shape)
    raises ValueError.

    Args:
        alpha_initializer: initializer for ``alpha`` (default ``'Zeros'``).
        alpha_regularizer: regularizer of ``alpha``, added to ``losses``.
        alpha_constraint: constraint applied to ``alpha`` after each optimizer update.
        shared_axes: None, an int or a list of ints in ``[1, rank)``: the axes sharing a slope.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.PReLU(alpha_initializer="ones", shared_axes=[1])
        >>> layer(torch.tensor([[[-2.0, 3.0], [-1.0, -4.0]]]))
        tensor([[[-2.,  3.],
                 [-1., -4.]]], grad_fn=<SubBackward0>)
        >>> tuple(layer.alpha.shape)
        (1, 2)
    """

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.shared_axes = self._validate_shared_axes(shared_axes)
        self.supports_masking = True

    def _validate_shared_axes(self, shared_axes: Any) -> list[int] | None:
        if shared_axes is None:
            return None
        axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
        for axis in axes:
            if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or axis < 1:
                raise ValueError(
                    f"PReLU {self.name!r}: invalid value received for argument `shared_axes`. "
                    "Expected None, an int or a list of ints >= 1 (input axes, 0 being the "
                    f"batch axis). Received: shared_axes={shared_axes!r}"
                )
        return [int(axis) for axis in axes]

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        shared = set(self.shared_axes or ())
        if shared and max(shared) >= rank:
            raise ValueError(
                f"PReLU {self.name!r}: shared_axes={self.shared_axes} names an axis beyond the "
                f"input's rank {rank} (input shape {tuple(input_shape)}); expected axes in "
                f"[1, {rank - 1}]."
            )
        param_shape = [1 if axis in shared else input_shape[axis] for axis in range(1, rank)]
        if any(size is None for size in param_shape):
            raise ValueError(
                f"PReLU {self.name!r}: alpha needs a fixed size on every non-shared axis, but "
                f"the input shape is {tuple(input_shape)} with shared_axes={self.shared_axes}. "
                "Give the axis a size or add it to shared_axes."
            )
        self.alpha = self.add_weight(
            shape=param_shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
            name="alpha",
        )
        axes = {axis: input_shape[axis] for axis in range(1, rank) if axis not in shared}
        self.input_spec = InputSpec(ndim=rank, axes=axes)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        # Keras's form, relu(x) - alpha * relu(-x): the same values and gradients, at 0 too.
        return F.relu(inputs) - self.alpha * F.relu(-inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
