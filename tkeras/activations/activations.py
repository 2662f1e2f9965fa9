"""Keras's activation functions as torch calls, with Keras's names, arguments and defaults."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras's optional slope, saturation and threshold.

    The non-default paths use Keras's ops in Keras's order (a clip with tensor bounds, whose
    gradient is halved at the bounds), so values and gradients match Keras's everywhere.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return F.relu(x)
    negative = None
    if negative_slope != 0.0:
        if max_value is None and threshold == 0.0:
            return F.leaky_relu(x, negative_slope)
        negative = F.relu(threshold - x) if threshold != 0.0 else F.relu(-x)
    clip = max_value is not None
    if threshold != 0.0:
        x = torch.where(x > threshold, x, torch.zeros((), dtype=x.dtype, device=x.device))
    elif max_value == 6:
        x = F.relu6(x)
        clip = False
    else:
        x = F.relu(x)
    if clip:
        x = torch.clip(
            x,
            min=torch.zeros((), dtype=x.dtype, device=x.device),
            max=torch.full((), max_value, dtype=x.dtype, device=x.device),
        )
    if negative is not None:
        x = x - negative_slope * negative
    return x


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU; note the activation's default slope is 0.2 (the LeakyReLU layer's is 0.3)."""
    return F.leaky_relu(x, negative_slope)


def relu6(x):
    return F.relu6(x)


def softmax(x, axis=-1):
    """Softmax along ``axis`` (None: over all elements; a tuple: over those axes jointly)."""
    if axis is None:
        return F.softmax(x.reshape(-1), dim=-1).reshape(x.shape)
    if isinstance(axis, (tuple, list)):
        dims = [a % x.dim() for a in axis]
        m = x.amax(dim=dims, keepdim=True)
        e = torch.exp(x - m)
        return e / e.sum(dim=dims, keepdim=True)
    return F.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    """Log-softmax along ``axis`` (None: over all elements; a tuple: over those axes jointly)."""
    if axis is None:
        return F.log_softmax(x.reshape(-1), dim=-1).reshape(x.shape)
    if isinstance(axis, (tuple, list)):
        return x - torch.logsumexp(x, dim=[a % x.dim() for a in axis], keepdim=True)
    return F.log_softmax(x, dim=axis)


def elu(x, alpha=1.0):
    return F.elu(x, alpha)


def selu(x):
    return F.selu(x)


def softplus(x):
    return F.softplus(x)


def softsign(x):
    return F.softsign(x)


def soft_shrink(x, threshold=0.5):
    return F.softshrink(x, threshold)


def sparse_plus(x):
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, 0.25 * (x + 1) ** 2, x))


def silu(x):
    return F.silu(x)


def squareplus(x, b=4):
    return (x + torch.sqrt(x * x + b)) / 2


def gelu(x, approximate=False):
    """GELU, by default the exact erf form (``approximate=True``: the tanh form)."""
    return F.gelu(x, approximate="tanh" if approximate else "none")


def celu(x, alpha=1.0):
    return F.celu(x, alpha)


def glu(x, axis=-1):
    return F.glu(x, dim=axis)


def tanh(x):
    return torch.tanh(x)


def tanh_shrink(x):
    return F.tanhshrink(x)


def hard_tanh(x):
    return F.hardtanh(x, -1.0, 1.0)


def hard_shrink(x, threshold=0.5):
    return F.hardshrink(x, threshold)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    return F.threshold(x, threshold, default_value)


def sigmoid(x):
    return torch.sigmoid(x)


def exponential(x):
    return torch.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    return F.hardsigmoid(x)


def log_sigmoid(x):
    return F.logsigmoid(x)


def sparse_sigmoid(x):
    return torch.where(
        x <= -1, torch.zeros_like(x), torch.where(x >= 1, torch.ones_like(x), 0.5 * (x + 1))
    )


def hard_silu(x):
    """``x * relu6(x + 3) / 6``."""
    return F.hardswish(x)


def linear(x):
    return x


def mish(x):
    return F.mish(x)


def sparsemax(x, axis=-1):
    """Sparsemax along ``axis``, computed as Keras 3 computes it.

    Keras takes the threshold from the sum of the cumulative sums over the support (not the
    last one), so it equals the simplex projection of the paper only when the support has one
    element; tkeras keeps Keras's numbers.
    """
    z, _ = torch.sort(x, dim=axis, descending=True)
    cumsum = torch.cumsum(z, dim=axis)
    shape = [1] * x.dim()
    shape[axis] = -1
    r = torch.arange(1, x.size(axis) + 1, device=x.device, dtype=x.dtype).view(shape)
    support = z - (cumsum - 1) / r > 0
    k = support.sum(dim=axis, keepdim=True)
    tau = (
        torch.where(support, cumsum, torch.zeros_like(cumsum)).sum(dim=axis, keepdim=True) - 1
    ) / k
    return torch.clamp(x - tau, min=0.0)


swish = silu
hard_swish = hard_silu
