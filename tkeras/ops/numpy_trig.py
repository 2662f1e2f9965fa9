"""Trigonometric and hyperbolic functions of ``keras.ops`` (the numpy family).

Thin torch calls; ``deg2rad``/``rad2deg`` give float64 for int64 inputs, as Keras does.
"""

from __future__ import annotations

import torch

from tkeras.ops._common import to_tensor


def sin(x):
    """Sine."""
    return torch.sin(to_tensor(x))


def cos(x):
    """Cosine."""
    return torch.cos(to_tensor(x))


def tan(x):
    """Tangent."""
    return torch.tan(to_tensor(x))


def arcsin(x):
    """Inverse sine."""
    return torch.arcsin(to_tensor(x))


def arccos(x):
    """Inverse cosine."""
    return torch.arccos(to_tensor(x))


def arctan(x):
    """Inverse tangent."""
    return torch.arctan(to_tensor(x))


def sinh(x):
    """Hyperbolic sine."""
    return torch.sinh(to_tensor(x))


def cosh(x):
    """Hyperbolic cosine."""
    return torch.cosh(to_tensor(x))


def tanh(x):
    """Hyperbolic tangent."""
    return torch.tanh(to_tensor(x))


def arcsinh(x):
    """Inverse hyperbolic sine."""
    return torch.arcsinh(to_tensor(x))


def arccosh(x):
    """Inverse hyperbolic cosine."""
    return torch.arccosh(to_tensor(x))


def arctanh(x):
    """Inverse hyperbolic tangent."""
    return torch.arctanh(to_tensor(x))


def sinc(x):
    """``sin(pi x) / (pi x)``."""
    return torch.sinc(to_tensor(x))


def deg2rad(x):
    """Degrees to radians."""
    x = to_tensor(x)
    out = torch.deg2rad(x)
    return out.to(torch.float64) if x.dtype == torch.int64 else out


def rad2deg(x):
    """Radians to degrees."""
    x = to_tensor(x)
    out = torch.rad2deg(x)
    return out.to(torch.float64) if x.dtype == torch.int64 else out
