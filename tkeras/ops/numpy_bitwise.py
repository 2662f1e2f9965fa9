"""Bitwise functions and shifts of ``keras.ops`` (the numpy family)."""

from __future__ import annotations

import torch

from tkeras.ops._common import tensors, to_tensor


def bitwise_and(x, y):
    """Bitwise AND."""
    return torch.bitwise_and(*tensors(x, y))


def bitwise_or(x, y):
    """Bitwise OR."""
    return torch.bitwise_or(*tensors(x, y))


def bitwise_xor(x, y):
    """Bitwise XOR."""
    return torch.bitwise_xor(*tensors(x, y))


def bitwise_invert(x):
    """Bitwise NOT."""
    return torch.bitwise_not(to_tensor(x))


def bitwise_not(x):
    """Bitwise NOT."""
    return bitwise_invert(x)


def bitwise_left_shift(x, y):
    """``x << y``."""
    x = to_tensor(x)
    return torch.bitwise_left_shift(x, y if isinstance(y, int) else to_tensor(y, device=x.device))


def left_shift(x, y):
    """``x << y``."""
    return bitwise_left_shift(x, y)


def bitwise_right_shift(x, y):
    """``x >> y``."""
    x = to_tensor(x)
    return torch.bitwise_right_shift(x, y if isinstance(y, int) else to_tensor(y, device=x.device))


def right_shift(x, y):
    """``x >> y``."""
    return bitwise_right_shift(x, y)
