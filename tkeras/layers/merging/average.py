"""Average: the elementwise mean of a list of tensors."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.merging.base_merge import _Merge


class Average(_Merge):
    """Elementwise average layer: the mean of a list of tensors of the same (broadcastable) shape.

    The inputs are summed in order and the sum divided by their count, as in Keras. Size-1 axes
    broadcast and a lower-rank input gets size-1 axes inserted after the batch axis. The output
    mask is the OR of the input masks.

    Differences from Keras: a list of one input raises a ValueError (Keras returns it as is).

    Args:
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Average()([torch.ones(1, 3), torch.full((1, 3), 3.0)])
        tensor([[2., 2., 2.]])
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = torch.add(output, x)
        return output / len(inputs)


def average(inputs: Any, **kwargs: Any) -> Any:
    """Functional interface to the Average layer: ``Average(**kwargs)(inputs)``.

    Args:
        inputs: a list of at least 2 tensors (or KerasTensors) of broadcastable shapes.
        **kwargs: standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.average([torch.zeros(1, 2), torch.ones(1, 2)])
        tensor([[0.5000, 0.5000]])
    """
    return Average(**kwargs)(inputs)
