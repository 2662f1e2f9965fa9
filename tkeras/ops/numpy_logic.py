"""Comparisons, logic, predicates and selection ops of ``keras.ops`` (equal, where, isnan, ...)."""

from __future__ import annotations

import torch

from tkeras.ops._common import Tensor, binary, cast, result_type, tensors, to_tensor


def equal(x1, x2):
    """``x1 == x2``."""
    return torch.eq(*binary(x1, x2))


def not_equal(x1, x2):
    """``x1 != x2``."""
    return torch.ne(*binary(x1, x2))


def greater(x1, x2):
    """``x1 > x2``."""
    return torch.gt(*binary(x1, x2))


def greater_equal(x1, x2):
    """``x1 >= x2``."""
    return torch.ge(*binary(x1, x2))


def less(x1, x2):
    """``x1 < x2``."""
    return torch.lt(*binary(x1, x2))


def less_equal(x1, x2):
    """``x1 <= x2``."""
    return torch.le(*binary(x1, x2))


def logical_and(x1, x2):
    """Element-wise logical AND."""
    return torch.logical_and(*tensors(x1, x2))


def logical_or(x1, x2):
    """Element-wise logical OR."""
    return torch.logical_or(*tensors(x1, x2))


def logical_xor(x1, x2):
    """Element-wise logical XOR."""
    return torch.logical_xor(*tensors(x1, x2))


def logical_not(x):
    """Element-wise logical NOT."""
    return torch.logical_not(to_tensor(x))


def isnan(x):
    """Whether each element is NaN."""
    return torch.isnan(to_tensor(x))


def isinf(x):
    """Whether each element is +/- infinity."""
    return torch.isinf(to_tensor(x))


def isfinite(x):
    """Whether each element is finite."""
    return torch.isfinite(to_tensor(x))


def isneginf(x):
    """Whether each element is -infinity."""
    return torch.isneginf(to_tensor(x))


def isposinf(x):
    """Whether each element is +infinity."""
    return torch.isposinf(to_tensor(x))


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` element-wise (exact for ints)."""
    a, b = tensors(x1, x2)
    dt = result_type(a.dtype, b.dtype)
    a, b = cast(a, dt), cast(b, dt)
    if "float" in dt:
        return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return torch.eq(a, b)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``isclose`` holds everywhere, as a bool scalar tensor."""
    return torch.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``.

    With ``x1`` and ``x2`` both None, the indices of the true elements as a ``(ndim, count)``
    tensor (this reads the result size on the host).
    """
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "where: x1 and x2 must both be None or both be given. Received: "
            f"x1={'None' if x1 is None else 'a value'}, x2={'None' if x2 is None else 'a value'}."
        )
    anchor = next((v for v in (x1, x2, condition) if isinstance(v, Tensor)), None)
    device = None if anchor is None else anchor.device
    condition = to_tensor(condition, dtype="bool", device=device)
    if x1 is None:
        return torch.stack(torch.where(condition), dim=0)
    if isinstance(x1, Tensor) or isinstance(x2, Tensor):
        a, b = binary(x1, x2)
    else:
        a = to_tensor(x1, device=condition.device)
        b = to_tensor(x2, device=condition.device)
    return torch.where(condition, a, b)


def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, element-wise, else ``default``."""
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError(
            "select: condlist and choicelist must be lists. Received: "
            f"type(condlist)={type(condlist).__name__}, "
            f"type(choicelist)={type(choicelist).__name__}"
        )
    if len(condlist) != len(choicelist):
        raise ValueError(
            "select: condlist and choicelist must have the same length. Received: "
            f"len(condlist)={len(condlist)}, len(choicelist)={len(choicelist)}"
        )
    if not condlist:
        raise ValueError("select: condlist and choicelist must not be empty.")
    conds = [to_tensor(c) for c in condlist]
    out = to_tensor(default, device=conds[0].device)
    for c, v in reversed(list(zip(conds, choicelist))):
        out = torch.where(c, to_tensor(v, device=c.device), out)
    return out


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2``."""
    a, b = tensors(x1, x2)
    if a.dtype == torch.bool:
        a = a.to(torch.int32 if b.dtype == torch.bool else b.dtype)
    if b.dtype == torch.bool:
        b = b.to(a.dtype)
    return torch.isin(a, b, assume_unique=assume_unique, invert=invert)


def searchsorted(sorted_sequence, values, side="left"):
    """The indices at which ``values`` would be inserted into 1-D ``sorted_sequence``."""
    seq, values = tensors(sorted_sequence, values)
    if seq.dim() != 1:
        raise ValueError(
            "searchsorted: sorted_sequence must be 1-D. Received: "
            f"sorted_sequence.shape={tuple(seq.shape)}"
        )
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right'. Received: side={side!r}")
    return torch.searchsorted(seq, values, side=side, out_int32=seq.shape[0] < 2**31)


def digitize(x, bins):
    """The index of the bin (from increasing ``bins``) each element of ``x`` falls in, int32."""
    x, bins = tensors(x, bins)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.bucketize(x, bins, right=True).to(torch.int32)
