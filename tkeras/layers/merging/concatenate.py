"""Concatenate: joins a list of tensors along one axis, over ``torch.cat``."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.merging.base_merge import _Merge, format_shapes


class Concatenate(_Merge):
    """Concatenate layer: joins a list of tensors along ``axis`` (all other axes must match).

    The inputs must have the same rank and the same size on every axis but ``axis`` (the batch
    axis included; an unknown ``None`` size matches any). ``axis`` counts the batch axis as 0,
    so the default -1 is the feature axis. The output mask concatenates the input masks (an
    unmasked input counts as all True) along ``axis`` and reduces the last axis with ``any``,
    as Keras does.

    Differences from Keras: a list of one input raises a ValueError (Keras returns it as is).

    Args:
        axis: int, the axis to concatenate along (negative counts from the last).
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Concatenate(axis=1)([torch.zeros(2, 2, 5), torch.ones(2, 3, 5)]).shape
        torch.Size([2, 5, 5])
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"{self._who}: `axis` must be an int. Received: axis={axis!r}")
        self.axis = axis

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat(inputs, dim=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._shape_list(input_shape)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ValueError(
                f"{self._who} needs inputs of the same rank. Received shapes "
                f"{format_shapes(shapes)}."
            )
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"{self._who}: axis={self.axis} is out of range for inputs of rank {rank} "
                f"(expected an axis in [{-rank}, {rank - 1}]). Received shapes "
                f"{format_shapes(shapes)}."
            )
        axis = self.axis % rank
        for d in range(rank):
            sizes = {s[d] for s in shapes} - {None}
            if d != axis and len(sizes) > 1:
                raise ValueError(
                    f"{self._who} needs inputs with matching shapes except on the "
                    f"concatenation axis (axis={self.axis}). Received shapes "
                    f"{format_shapes(shapes)}, whose axis {d} differs: {sorted(sizes)}."
                )
        # As Keras: the first input's shape, with the concatenated axis summed.
        out = list(shapes[0])
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        """The input masks concatenated along ``axis``, then ``any`` over the last axis."""
        if mask is None:
            return None
        masks = self._mask_list(inputs, mask)
        if all(m is None for m in masks):
            return None
        full = []
        for k, (x, m) in enumerate(zip(inputs, masks)):
            if m is None:
                full.append(torch.ones(x.shape, dtype=torch.bool, device=x.device))
            elif m.ndim == x.ndim - 1 and tuple(m.shape) == tuple(x.shape[:-1]):
                full.append(m.unsqueeze(-1).expand(x.shape))
            elif tuple(m.shape) == tuple(x.shape):
                full.append(m)
            else:
                raise ValueError(
                    f"{self._who}: mask {k} must have the input's shape, or that shape without "
                    f"its last axis. Received a mask of shape {tuple(m.shape)} for an input of "
                    f"shape {tuple(x.shape)}."
                )
        return torch.cat(full, dim=self.axis).any(dim=-1)


def concatenate(inputs: Any, axis: int = -1, **kwargs: Any) -> Any:
    """Functional interface to the Concatenate layer: ``Concatenate(axis, **kwargs)(inputs)``.

    Args:
        inputs: a list of at least 2 tensors (or KerasTensors).
        axis: int, the axis to concatenate along.
        **kwargs: standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.concatenate([torch.zeros(2, 3), torch.ones(2, 4)]).shape
        torch.Size([2, 7])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
