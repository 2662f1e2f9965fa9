"""Argument checks shared by the activation layers, naming the layer, argument and value."""

from __future__ import annotations

import numbers
from typing import Any


def non_negative(layer: Any, arg: str, value: Any, allow_none: bool = False) -> float | None:
    """``value`` as a float >= 0 (or None where allowed); NaN, bools and non-numbers raise."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        expected = "a float >= 0 or None" if allow_none else "a float >= 0"
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: invalid value received for argument "
            f"`{arg}`. Expected {expected}. Received: {arg}={value!r}"
        )
    return float(value)
