"""Shared by the upsampling, zero-padding and cropping families: axes, edge pairs, input hints."""

from __future__ import annotations

import numbers
from typing import Any

# How each family names the axes of its input, for the rank error's hint.
AXES = {
    ("channels_last", 1): "(batch, steps, features)",
    ("channels_first", 1): "(batch, features, steps)",
    ("channels_last", 2): "(batch, rows, cols, channels)",
    ("channels_first", 2): "(batch, channels, rows, cols)",
    ("channels_last", 3): "(batch, dim1, dim2, dim3, channels)",
    ("channels_first", 3): "(batch, channels, dim1, dim2, dim3)",
}


def spatial_axes(data_format: str, rank: int) -> tuple[int, ...]:
    """The positions of the ``rank`` spatial axes in a Keras tensor of that data format."""
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + rank))


def input_hint(layer: Any, rank: int, with_format: bool) -> str:
    fmt = layer.data_format
    text = f"{type(layer).__name__} expects a {rank + 2}D input {AXES[fmt, rank]}"
    return f"{text} with data_format={fmt!r}." if with_format else f"{text}."


def _count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0


def _pair(value: Any) -> tuple[int, int] | None:
    """A non-negative int (both ends) or a (before, after) pair of them; None if neither."""
    if _count(value):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_count, value)):
        return int(value[0]), int(value[1])
    return None


def edge_pairs(layer: Any, arg: str, value: Any, rank: int) -> tuple[tuple[int, int], ...]:
    """``(before, after)`` cell counts per spatial axis, from Keras's forms of ``padding`` and
    ``cropping``: an int for every edge; with rank 1 a ``(before, after)`` pair; with rank 2 or
    3 a tuple of ``rank`` entries, each an int (both ends of that axis) or a pair.
    """
    if rank == 1:
        pair = _pair(value)
        if pair is not None:
            return (pair,)
        expected = "a non-negative int or a tuple of 2 non-negative ints (before, after)"
    else:
        if _count(value):
            return ((int(value), int(value)),) * rank
        if isinstance(value, (tuple, list)) and len(value) == rank:
            pairs = tuple(_pair(entry) for entry in value)
            if None not in pairs:
                return pairs
        expected = (
            f"a non-negative int, a tuple of {rank} non-negative ints (one per spatial axis), or "
            f"a tuple of {rank} (before, after) pairs of non-negative ints"
        )
    raise ValueError(
        f"{type(layer).__name__} {layer.name!r}: the `{arg}` argument must be {expected}. "
        f"Received: {arg}={value!r}"
    )
