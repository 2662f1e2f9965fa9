"""``keras.ops.associative_scan``: a parallel prefix scan with an associative function."""

from __future__ import annotations

import torch

from tkeras.ops._common import to_tensor
from tkeras.tree import flatten, pack_sequence_as


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive prefix scan of ``elems`` (a tensor or a structure of tensors) along ``axis``
    with an associative ``f(a, b)`` that works elementwise on slices.

    ``log2(n)`` steps (Hillis-Steele): each combines every element with the one ``2**k``
    before it; results equal a sequential scan up to float rounding.

    Example:
        >>> tkeras.ops.associative_scan(lambda a, b: a + b, torch.arange(5.0))
        tensor([ 0.,  1.,  3.,  6., 10.])
    """
    if not callable(f):
        raise TypeError(f"`f` should be a callable. Received: f={f}")
    leaves = [to_tensor(e) for e in flatten(elems)]
    n = int(leaves[0].shape[axis])
    if any(int(e.shape[axis]) != n for e in leaves[1:]):
        raise ValueError(
            "Array inputs to associative_scan must have the same first dimension. "
            f"(saw: {[tuple(e.shape) for e in leaves]})"
        )
    if reverse:
        leaves = [e.flip(axis) for e in leaves]

    def combine(a, b):
        out = f(pack_sequence_as(elems, a), pack_sequence_as(elems, b))
        return [to_tensor(o) for o in flatten(out)]

    offset = 1
    while offset < n:
        head = [e.narrow(axis, 0, offset) for e in leaves]
        earlier = [e.narrow(axis, 0, n - offset) for e in leaves]
        later = [e.narrow(axis, offset, n - offset) for e in leaves]
        tail = combine(earlier, later)
        leaves = [torch.cat([h, t], dim=axis) for h, t in zip(head, tail)]
        offset *= 2
    if reverse:
        leaves = [e.flip(axis) for e in leaves]
    return pack_sequence_as(elems, leaves)
