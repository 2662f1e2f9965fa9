"""Argument checks shared by layers, with errors that name the layer, the argument and the value."""

from __future__ import annotations

import numbers
from typing import Any

_PADDINGS = ("valid", "same", "causal")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(layer: Any, arg: str, value: Any) -> int:
    if not _is_int(value) or value <= 0:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: received an invalid value for argument "
            f"`{arg}`, expected a positive integer, got {arg}={value!r}."
        )
    return int(value)


def int_tuple(layer: Any, arg: str, value: Any, n: int, allow_zero: bool = False) -> tuple:
    """An int or a tuple of ``n`` ints, as a tuple of ``n`` positive (or non-negative) ints."""
    values = (value,) * n if _is_int(value) else value
    try:
        values = tuple(values)
    except TypeError:
        values = None
    low = 0 if allow_zero else 1
    if values is None or len(values) != n or any(not _is_int(v) or v < low for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `{arg}` argument must be a {kind} int "
            f"or a tuple of {n} {kind} ints. Received: {arg}={value!r}"
        )
    return tuple(int(v) for v in values)


def padding(layer: Any, value: Any, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    mode = value.lower() if isinstance(value, str) else value
    if mode not in allowed:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `padding` argument must be one of "
            f"{allowed}. Received: padding={value!r}"
        )
    return mode


def data_format(layer: Any, value: Any) -> str:
    from tkeras import config

    fmt = config.image_data_format() if value is None else value
    fmt = fmt.lower() if isinstance(fmt, str) else fmt
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `data_format` argument must be one of "
            f"'channels_last', 'channels_first'. Received: data_format={value!r}"
        )
    return fmt


def rate(layer: Any, value: Any, arg: str = "rate") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: invalid value received for argument "
            f"`{arg}`. Expected a float value in [0, 1). Received: {arg}={value!r}"
        )
    return float(value)
