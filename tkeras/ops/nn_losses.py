"""One-hot encodings, crossentropies and PSNR of ``keras.ops.nn``."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.ops._common import to_tensor, torch_dtype


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
