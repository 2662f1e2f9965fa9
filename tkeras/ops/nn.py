"""Neural-network ops of ``keras.ops``: activations, softmax, one-hot, losses, normalization,
attention. Activations take any float tensor and keep its dtype.

Differences from Keras: ``ops.gelu`` defaults to the tanh approximation, as in Keras
(``approximate=True``), while the ``gelu`` activation function defaults to the exact form.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F

from tkeras import activations as _act
from tkeras import config
from tkeras.ops._common import Tensor, cast, result_type, to_tensor, torch_dtype
from tkeras.ops.nn_conv import (  # noqa: F401  (keras.ops.nn holds them too)
    average_pool,
    conv,
    conv_transpose,
    depthwise_conv,
    max_pool,
    separable_conv,
)


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


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot vectors of length ``num_classes`` for the integer ids in ``x``, on ``axis``.

    Ids outside ``[0, num_classes)`` give all-zero vectors (no device sync to check them).

    Differences from Keras: Keras's torch backend raises for ids >= ``num_classes``; its other
    backends return zeros, as tkeras does. A negative ``axis`` other than -1 counts positions
    in the output, as in numpy (Keras's torch backend mis-permutes there).
    """
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported by tkeras (torch).")
    x = to_tensor(x)
    classes = torch.arange(int(num_classes), device=x.device)
    out = (x.long().unsqueeze(-1) == classes).to(torch_dtype(dtype))
    return out if axis == -1 else torch.movedim(out, -1, axis)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """For each row of integer ids, a vector with 1 at each id present (``num_classes`` long)."""
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if kwargs:
        raise TypeError(f"multi_hot: unexpected keyword arguments {sorted(kwargs)}.")
    if num_classes is None:
        raise ValueError("multi_hot: argument num_classes must be specified.")
    if sparse:
        raise ValueError("multi_hot: sparse=True is not supported by tkeras (torch).")
    x = to_tensor(inputs)
    reduce_axis = 1 if x.dim() > 1 else 0
    return torch.amax(one_hot(x, num_classes, axis=axis, dtype=dtype), dim=reduce_axis)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot (or soft) ``target`` and predicted ``output`` along ``axis``.

    Probabilities are renormalized and clipped to ``[epsilon, 1 - epsilon]``, as in Keras.
    """
    output = to_tensor(output)
    target = to_tensor(target, device=output.device)
    if target.shape != output.shape:
        raise ValueError(
            "categorical_crossentropy: target and output must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if output.dim() < 1:
        raise ValueError(
            "categorical_crossentropy: target and output must be at least rank 1. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if from_logits:
        log_prob = F.log_softmax(output, dim=axis)
    else:
        eps = config.epsilon()
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clip(output, eps, 1.0 - eps))
    return -torch.sum(target * log_prob, dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer ``target`` ids and predicted ``output`` along ``axis``."""
    output = to_tensor(output)
    target = to_tensor(target, device=output.device).long()
    if output.dim() < 1:
        raise ValueError(
            "sparse_categorical_crossentropy: output must be at least rank 1. Received: "
            f"output.shape={tuple(output.shape)}"
        )
    if target.dim() == output.dim() and target.shape[axis] == 1:
        target = target.squeeze(axis)
    expected = list(output.shape)
    del expected[axis]
    if list(target.shape) != expected:
        raise ValueError(
            "sparse_categorical_crossentropy: target and output must have the same shape up "
            f"until the class axis. Received: target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )
    squeeze = output.dim() == 1
    if squeeze:
        output, target = output.unsqueeze(0), target.unsqueeze(0)
    elif axis % output.dim() != 1:
        output = output.movedim(axis, 1)  # torch wants the class axis at 1
    if from_logits:
        loss = F.cross_entropy(output, target, reduction="none")
    else:
        eps = config.epsilon()
        output = output / torch.sum(output, dim=1, keepdim=True)
        loss = F.nll_loss(torch.log(torch.clip(output, eps, 1.0 - eps)), target, reduction="none")
    return loss.squeeze(0) if squeeze else loss


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy (probabilities clipped to ``[eps, 1 - eps]``).

    Differences from Keras: an integer or bool ``target`` is cast to ``output``'s dtype (Keras's
    torch backend raises).
    """
    output = to_tensor(output)
    target = to_tensor(target, device=output.device)
    if target.shape != output.shape:
        raise ValueError(
            "binary_crossentropy: target and output must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    target = target.to(output.dtype)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    return F.binary_cross_entropy(torch.clip(output, eps, 1.0 - eps), target, reduction="none")


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (norms floored at ``epsilon``)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1. Received: order={order!r}")
    x = to_tensor(x)
    if x.dim() == 0:
        x = x.unsqueeze(0)
    eps = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
        cap = torch.full((), 1.0 / eps, dtype=inv.dtype, device=inv.device)
        return x * torch.minimum(inv, cap)
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.maximum(norm, torch.full((), eps, dtype=norm.dtype, device=norm.device))


def moments(x, axes, keepdims=False, synchronized=False):
    """The mean and (biased) variance of ``x`` over ``axes``, as ``E[x^2] - E[x]^2``."""
    if synchronized:
        raise NotImplementedError("moments: synchronized=True is not supported by tkeras (torch).")
    x = to_tensor(x)
    half = x.dtype == torch.float16
    if half:
        x = x.float()
    dims = (axes,) if isinstance(axes, int) else tuple(axes)
    mean = torch.mean(x, dim=dims, keepdim=True)
    variance = torch.mean(torch.square(x), dim=dims, keepdim=True) - torch.square(mean)
    if not keepdims:
        mean, variance = mean.squeeze(dims), variance.squeeze(dims)
    if half:
        big = torch.finfo(torch.float16).max
        mean = torch.clamp(mean, -big, big).half()
        variance = torch.clamp(variance, -big, big).half()
    return mean, variance


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, statistics along ``axis``."""
    x = to_tensor(x)
    shape = [1] * x.dim()
    shape[axis] = x.shape[axis]
    dev = x.device
    mean = to_tensor(mean, device=dev).reshape(shape)
    inv = torch.rsqrt(to_tensor(variance, device=dev).reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * to_tensor(scale, device=dev).reshape(shape)
    out = (x - mean) * inv
    return out if offset is None else out + to_tensor(offset, device=dev).reshape(shape)


def _trailing(axis, ndim: int) -> list[int] | None:
    """The sorted axes if they are the last ``len(axes)`` axes, else None."""
    dims = sorted(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))
    return dims if dims == list(range(ndim - len(dims), ndim)) else None


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """``x`` normalized to zero mean and unit variance over ``axis``, then scaled and shifted.

    Computes in at least float32 and returns ``x``'s dtype.

    Differences from Keras: ``axis`` may name leading axes (Keras's torch backend hands any
    contiguous axes to ``F.layer_norm``, which only normalizes trailing axes).
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected keyword arguments {sorted(kwargs)}.")
    if rms_scaling:
        warnings.warn(
            "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
            "scales the input by the variance, not the root mean square. To correctly use RMS "
            "Normalization, please use `keras.ops.rms_normalization` instead.",
            stacklevel=2,
        )
    eps = config.epsilon() if epsilon is None else epsilon
    x = to_tensor(x)
    original = x.dtype
    x = cast(x, result_type(x.dtype, "float32"))
    dims = sorted(a % x.dim() for a in ((axis,) if isinstance(axis, int) else axis))
    bshape = [x.shape[d] if d in dims else 1 for d in range(x.dim())]
    g = None if gamma is None else to_tensor(gamma, dtype=x.dtype, device=x.device)
    b = None if beta is None else to_tensor(beta, dtype=x.dtype, device=x.device)
    if rms_scaling:
        out = x * torch.rsqrt(torch.var(x, dim=dims, keepdim=True, correction=0) + eps)
        return (out if g is None else out * g.reshape(bshape)).to(original)
    if _trailing(dims, x.dim()) is not None:
        normalized = tuple(x.shape[d] for d in dims)
        g = None if g is None else g.reshape(normalized)
        b = None if b is None else b.reshape(normalized)
        return F.layer_norm(x, normalized, g, b, eps).to(original)
    mean, variance = moments(x, dims, keepdims=True)
    inv = torch.rsqrt(variance + eps)
    if g is not None:
        inv = inv * g.reshape(bshape)
    res = -mean * inv
    if b is not None:
        res = res + b.reshape(bshape)
    return (x * inv + res).to(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x`` divided by its root mean square over ``axis``, times ``scale``."""
    eps = config.epsilon() if epsilon is None else epsilon
    x = to_tensor(x)
    original = x.dtype
    x = cast(x, result_type(x.dtype, "float32"))
    s = None if scale is None else to_tensor(scale, dtype=x.dtype, device=x.device)
    dims = _trailing(axis, x.dim()) if x.dim() else None
    if dims is not None:
        normalized = tuple(x.shape[d] for d in dims)
        return F.rms_norm(x, normalized, None if s is None else s.reshape(normalized), eps).to(
            original
        )
    if x.dim() == 0:
        x = x.unsqueeze(0)
    dims = (axis,) if isinstance(axis, int) else tuple(axis)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=dims, keepdim=True) + eps)
    return (out if s is None else out * s).to(original)


def _large_negative(dtype: torch.dtype) -> float:
    return -0.7 * (65500.0 if dtype == torch.float16 else 3.38953e38)


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention over ``(batch, seq, heads, dim)`` tensors.

    ``mask`` (bool, True = attend) and ``bias`` (added to the logits) are exclusive. Fewer key
    heads than query heads are shared by groups (grouped-query attention).
    ``attn_logits_soft_cap`` caps the logits with ``cap * tanh(logits / cap)``.

    Differences from Keras: ``attn_logits_soft_cap`` works on every device (Keras supports it
    on JAX with TPUs only); ``flash_attention=True`` asks torch for its flash kernel, which
    raises where torch cannot use it.
    """
    q = to_tensor(query)
    k = to_tensor(key, device=q.device)
    v = to_tensor(value, device=q.device)
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4:
        raise ValueError(
            "dot_product_attention: query, key and value must be 4-D (batch, seq, heads, dim). "
            f"Received: query.shape={tuple(q.shape)}, key.shape={tuple(k.shape)}, "
            f"value.shape={tuple(v.shape)}."
        )
    if bias is not None and mask is not None:
        raise ValueError("dot_product_attention: only one of bias and mask can be given.")
    dt = torch_dtype(result_type(q.dtype, k.dtype, v.dtype))
    q, k, v = q.to(dt).transpose(1, 2), k.to(dt).transpose(1, 2), v.to(dt).transpose(1, 2)
    if q.shape[1] > k.shape[1] > 1:
        groups = q.shape[1] // k.shape[1]
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
    attn_mask = None
    if mask is not None:
        m = to_tensor(mask, dtype="bool", device=q.device)
        if is_causal:
            causal = torch.ones(q.shape[2], k.shape[2], dtype=torch.bool, device=q.device).tril()
            m = m & causal
            is_causal = False
        attn_mask = torch.where(m, 0.0, _large_negative(dt)).to(dt)
    if bias is not None:
        attn_mask = to_tensor(bias, dtype=dt, device=q.device)
    if flash_attention is None:
        flash_attention = config.is_flash_attention_enabled()
    if attn_logits_soft_cap is not None:
        out = _capped_attention(q, k, v, attn_mask, scale, is_causal, attn_logits_soft_cap)
    elif flash_attention:
        with torch.nn.attention.sdpa_kernel([torch.nn.attention.SDPBackend.FLASH_ATTENTION]):
            out = F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale
            )
    else:
        out = F.scaled_dot_product_attention(
            q.contiguous(),
            k.contiguous(),
            v.contiguous(),
            attn_mask=attn_mask,
            is_causal=is_causal,
            scale=scale,
        )
    return out.transpose(1, 2)


def _capped_attention(q, k, v, attn_mask, scale, is_causal, cap):
    scale = q.shape[-1] ** -0.5 if scale is None else scale
    logits = torch.matmul(q, k.transpose(-1, -2)) * scale
    logits = cap * torch.tanh(logits / cap)
    if attn_mask is not None:
        logits = logits + attn_mask
    if is_causal:
        causal = torch.ones(q.shape[2], k.shape[2], dtype=torch.bool, device=q.device).tril()
        logits = logits.masked_fill(~causal, _large_negative(logits.dtype))
    return torch.matmul(torch.softmax(logits, dim=-1), v)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio between ``x1`` and ``x2``, in dB."""
    a = to_tensor(x1)
    b = to_tensor(x2, device=a.device)
    if a.shape != b.shape:
        raise ValueError(
            f"psnr: x1 and x2 must have the same shape. Received: x1.shape={tuple(a.shape)}, "
            f"x2.shape={tuple(b.shape)}"
        )
    peak = to_tensor(max_val, dtype=a.dtype, device=a.device)
    mse = torch.mean((a - b) ** 2)
    return 20 * torch.log10(peak) - 10 * torch.log10(mse)
