"""Subtract: the elementwise difference ``inputs[0] - inputs[1]`` of exactly two tensors."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.merging.base_merge import _Merge


class Subtract(_Merge):
    """Elementwise subtraction layer: ``inputs[0] - inputs[1]`` for a list of exactly 2 tensors.

    Size-1 axes broadcast and a lower-rank input gets size-1 axes inserted after the batch
    axis, as in Keras. The output mask is the OR of the input masks.

    Args:
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Subtract()([torch.full((1, 3), 5.0), torch.ones(1, 3)])
        tensor([[4., 4., 4.]])
    """

    _exact_inputs = 2

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return torch.sub(inputs[0], inputs[1])


def subtract(inputs: Any, **kwargs: Any) -> Any:
    """Functional interface to the Subtract layer: ``Subtract(**kwargs)(inputs)``.

    Args:
        inputs: a list of exactly 2 tensors (or KerasTensors) of broadcastable shapes.
        **kwargs: standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.subtract([torch.ones(1, 2), torch.ones(1, 2)])
        tensor([[0., 0.]])
    """
    return Subtract(**kwargs)(inputs)
