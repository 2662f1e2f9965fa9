"""Multiply: the elementwise product of a list of tensors, with Keras's masked variant."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.merging.base_merge import _Merge


class Multiply(_Merge):
    """Elementwise multiplication layer: the product of a list of tensors of the same shape.

    Size-1 axes broadcast and a lower-rank input gets size-1 axes inserted after the batch
    axis, as in Keras. Given ``mask`` (one ``(batch, ..., steps)`` mask or None per input, as
    Keras reads from masked inputs), a masked-out step of an input counts as 1; when every input
    has a mask, steps masked out in all of them are 0. The output mask is the OR of the masks.

    Differences from Keras: a list of one input raises a ValueError (Keras returns it as is).

    Args:
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Multiply()([torch.full((1, 3), 2.0), torch.full((1, 3), 3.0)])
        tensor([[6., 6., 6.]])
    """

    def call(self, inputs: list[torch.Tensor], mask: Any = None) -> torch.Tensor:
        if mask is None:
            return _Merge.call(self, inputs)
        inputs, masks = self._step_masks(inputs, mask)
        every = all(m is not None for m in masks)
        output = output_mask = None
        for x, m in zip(inputs, masks):
            if m is not None:
                x = torch.where(m, x, 1)
                if every:
                    output_mask = m if output_mask is None else output_mask | m
            output = x if output is None else torch.mul(output, x)
        if every:
            output = torch.where(output_mask, output, 0)
        return output

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        output = inputs[0]
        for x in inputs[1:]:
            output = torch.mul(output, x)
        return output


def multiply(inputs: Any, **kwargs: Any) -> Any:
    """Functional interface to the Multiply layer: ``Multiply(**kwargs)(inputs)``.

    Args:
        inputs: a list of at least 2 tensors (or KerasTensors) of broadcastable shapes.
        **kwargs: standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.multiply([torch.full((1, 2), 2.0), torch.full((1, 2), 4.0)])
        tensor([[8., 8.]])
    """
    return Multiply(**kwargs)(inputs)
