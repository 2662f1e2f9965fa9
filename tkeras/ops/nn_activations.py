"""Activation ops of ``keras.ops.nn``: relu, gelu, softmax and the rest. Each takes any float
tensor and keeps its dtype.

Differences from Keras: ``ops.gelu`` defaults to the tanh approximation, as in Keras
(``approximate=True``), while the ``gelu`` activation function defaults to the exact form.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F

from tkeras import activations as _act
from tkeras.ops._common import Tensor, to_tensor


def relu(x):
    """Rectified linear unit: ``max(x, 0)``."""
    return F.relu(to_tensor(x))


def relu6(x):
    """``min(max(x, 0), 6)``."""
    return F.relu6(to_tensor(x))


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return torch.sigmoid(to_tensor(x))


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, linear in between."""
    return _act.sparse_sigmoid(to_tensor(x))


def softplus(x):
    """``log(1 + exp(x))``."""
    return F.softplus(to_tensor(x))


def softsign(x):
    """``x / (1 + |x|)``."""
    return F.softsign(to_tensor(x))


def soft_shrink(x, threshold=0.5):
    """``x`` moved ``threshold`` towards 0, and 0 within ``threshold`` of 0."""
    return F.softshrink(to_tensor(x), threshold)


def sparse_plus(x):
    """0 below -1, ``x`` above 1, ``(x + 1)**2 / 4`` in between."""
    return _act.sparse_plus(to_tensor(x))


def silu(x):
    """``x * sigmoid(x)``."""
    return F.silu(to_tensor(x))


def swish(x):
    """``x * sigmoid(x)`` (silu)."""
    return silu(x)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    x = to_tensor(x)
    return (x + torch.sqrt(x**2 + to_tensor(b, device=x.device))) / 2


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return F.logsigmoid(to_tensor(x))


def leaky_relu(x, negative_slope=0.2):
    """``x`` for positive ``x``, ``negative_slope * x`` otherwise."""
    return F.leaky_relu(to_tensor(x), negative_slope)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    return F.hardsigmoid(to_tensor(x))


def hard_silu(x):
    """``x * relu6(x + 3) / 6``."""
    return F.hardswish(to_tensor(x))


def hard_swish(x):
    """``x * relu6(x + 3) / 6`` (hard_silu)."""
    return hard_silu(x)


def elu(x, alpha=1.0):
    """``x`` for positive ``x``, ``alpha * (exp(x) - 1)`` otherwise."""
    return F.elu(to_tensor(x), alpha)


def selu(x):
    """Scaled exponential linear unit."""
    return F.selu(to_tensor(x))


def gelu(x, approximate=True):
    """Gaussian error linear unit (the tanh approximation unless ``approximate=False``)."""
    return F.gelu(to_tensor(x), approximate="tanh" if approximate else "none")


def celu(x, alpha=1.0):
    """``max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)``."""
    return F.celu(to_tensor(x), alpha)


def glu(x, axis=-1):
    """Gated linear unit: the first half of ``axis`` times sigmoid of the second half."""
    return F.glu(to_tensor(x), dim=axis)


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    return F.hardtanh(to_tensor(x), -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    return F.hardshrink(to_tensor(x), threshold)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return F.tanhshrink(to_tensor(x))


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    return F.threshold(to_tensor(x), threshold, default_value)


def sparsemax(x, axis=-1):
    """Sparsemax along ``axis`` (Keras's formulation)."""
    return _act.sparsemax(to_tensor(x), axis=axis)


def _half_on_cpu(x: Tensor) -> bool:
    return x.dtype == torch.float16 and x.device.type == "cpu"


def _warn_unit_axis(x: Tensor, axis) -> None:
    if isinstance(axis, int) and -x.dim() <= axis < x.dim() and x.shape[axis] == 1:
        warnings.warn(
            f"You are using a softmax over axis {axis} of a tensor of shape "
            f"{tuple(x.shape)}. This axis has size 1. The softmax operation will always return "
            "the value 1, which is likely not what you intended. Did you mean to use a "
            "sigmoid instead?",
            stacklevel=3,
        )


def softmax(x, axis=-1):
    """Softmax along ``axis`` (None: over all elements; a tuple: over those axes jointly)."""
    x = to_tensor(x)
    _warn_unit_axis(x, axis)
    if _half_on_cpu(x):
        return _act.softmax(x.float(), axis=axis).half()
    return _act.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log-softmax along ``axis`` (None: over all elements; a tuple: over those axes jointly)."""
    x = to_tensor(x)
    if _half_on_cpu(x):
        return _act.log_softmax(x.float(), axis=axis).half()
    return _act.log_softmax(x, axis=axis)
