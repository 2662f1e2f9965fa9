"""Axis checks and channel-axis views shared by the normalization layers."""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import torch

from tkeras.backend import layout

View = Callable[[torch.Tensor], torch.Tensor]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def int_axis(layer_name: str, value: Any) -> int:
    """An int axis, or TypeError (as Keras) naming the layer and the value."""
    if not _is_int(value):
        raise TypeError(
            f"{layer_name}: expected an int for the argument `axis`, but received: axis={value!r}"
        )
    return int(value)


def axis_list(layer_name: str, value: Any) -> int | list[int]:
    """An int, or a list of ints from a list/tuple; TypeError (as Keras) otherwise."""
    if isinstance(value, (list, tuple)):
        if not value or not all(_is_int(a) for a in value):
            raise TypeError(
                f"{layer_name}: expected an int or a non-empty list/tuple of ints for the "
                f"argument `axis`, but received: axis={value!r}"
            )
        return [int(a) for a in value]
    if not _is_int(value):
        raise TypeError(
            f"{layer_name}: expected an int or a list/tuple of ints for the argument `axis`, "
            f"but received: axis={value!r}"
        )
    return int(value)


def positive_axes(layer: Any, axes: Sequence[int], input_shape: Sequence[Any]) -> list[int]:
    """``axes`` as distinct non-negative ints for ``input_shape``, or ValueError."""
    rank = len(input_shape)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(
                f"{type(layer).__name__} {layer.name!r}: axis {a} is out of bounds for an input "
                f"of rank {rank}. Received: axis={layer.axis!r}, input_shape={tuple(input_shape)}"
            )
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `axis` argument names the same input "
            f"axis twice. Received: axis={layer.axis!r}, input_shape={tuple(input_shape)}"
        )
    return out


def known_size(layer: Any, axis: int, input_shape: Sequence[Any]) -> int:
    """The size of ``input_shape[axis]``, which must be known to create the weights."""
    size = input_shape[axis]
    if size is None:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: axis {axis} of the input must have a "
            f"known size to build the layer's weights. Received: input_shape="
            f"{tuple(input_shape)}"
        )
    return int(size)


def _move_to_1(x: torch.Tensor, axis: int) -> torch.Tensor:
    return x.movedim(axis, 1)


def _move_from_1(y: torch.Tensor, axis: int) -> torch.Tensor:
    return y.movedim(1, axis)


def _add_batch(x: torch.Tensor) -> torch.Tensor:
    return x.unsqueeze(0)


def _drop_batch(y: torch.Tensor) -> torch.Tensor:
    return y.squeeze(0)


def channels_first_views(axis: int, rank: int) -> tuple[View | None, View | None, int]:
    """Functions taking an input to an (N, C, *) view with C = ``axis`` and back, and its rank.

    ``(None, None, rank)`` when the input already has its channels at axis 1. A channels_last
    input of rank 3 to 5 becomes the NC(D)HW view the spatial layers use (no copy: torch's
    channels_last format; rank 3 gives (N, C, 1, L)), any other axis a ``movedim`` view; a
    rank-1 input becomes (1, C).
    """
    if rank == 1:
        return _add_batch, _drop_batch, 2
    if axis == 1:
        return None, None, rank
    if axis == rank - 1 and 3 <= rank <= 5:
        spatial = rank - 2
        return (
            functools.partial(layout.channels_first_view, rank=spatial),
            functools.partial(layout.channels_last_view, rank=spatial),
            max(rank, 4),
        )
    return (
        functools.partial(_move_to_1, axis=axis),
        functools.partial(_move_from_1, axis=axis),
        rank,
    )
