"""Minimum: the elementwise minimum of a list of tensors, with Keras's masked variant."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.merging.base_merge import _Merge


class Minimum(_Merge):
    """Elementwise minimum layer: the smallest value at each position of a list of tensors.

    Size-1 axes broadcast and a lower-rank input gets size-1 axes inserted after the batch
    axis, as in Keras. Given ``mask`` (one ``(batch, ..., steps)`` mask or None per input, as
    Keras reads from masked inputs), a masked-out step of one input takes the other inputs'
    value there instead of competing; the output mask is the OR of the input masks.

    Differences from Keras: a list of one input raises a ValueError (Keras returns it as is).

    Args:
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Minimum()([torch.tensor([[1.0, 5.0]]), torch.tensor([[3.0, 2.0]])])
        tensor([[1., 2.]])
    """

    def call(self, inputs: list[torch.Tensor], mask: Any = None) -> torch.Tensor:
        if mask is None:
            return _Merge.call(self, inputs)
        return self._masked_fold(torch.minimum, inputs, mask)

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = torch.minimum(output, x)
        return output


def minimum(inputs: Any, **kwargs: Any) -> Any:
    """Functional interface to the Minimum layer: ``Minimum(**kwargs)(inputs)``.

    Args:
        inputs: a list of at least 2 tensors (or KerasTensors) of broadcastable shapes.
        **kwargs: standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.minimum([torch.tensor([[1.0, 4.0]]), torch.tensor([[2.0, 3.0]])])
        tensor([[1., 3.]])
    """
    return Minimum(**kwargs)(inputs)
