"""Add: the elementwise sum of a list of tensors."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.merging.base_merge import _Merge


class Add(_Merge):
    """Elementwise addition layer: sums a list of tensors of the same (broadcastable) shape.

    Size-1 axes broadcast and a lower-rank input gets size-1 axes inserted after the batch
    axis, as in Keras. The output mask is the OR of the input masks.

    Differences from Keras: a list of one input raises a ValueError (Keras returns it as is).

    Args:
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Add()([torch.ones(2, 3), torch.full((2, 3), 2.0)])
        tensor([[3., 3., 3.],
                [3., 3., 3.]])
    """

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = torch.add(output, x)
        return output


def add(inputs: Any, **kwargs: Any) -> Any:
    """Functional interface to the Add layer: ``Add(**kwargs)(inputs)``.

    Args:
        inputs: a list of at least 2 tensors (or KerasTensors) of broadcastable shapes.
        **kwargs: standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.add([torch.ones(1, 2), torch.ones(1, 2)])
        tensor([[2., 2.]])
    """
    return Add(**kwargs)(inputs)
