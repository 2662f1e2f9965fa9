"""Keras (TF-style) padding arithmetic shared by the convolution and pooling families."""

from __future__ import annotations


def same_pads(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding of one axis for ``'same'``: the odd cell goes at the end.

    total = max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
    """
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def causal_pads(kernel: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) padding for ``'causal'``: all of (k - 1) * d at the start."""
    return (kernel - 1) * dilation, 0


def output_length(
    size: int | None, kernel: int, stride: int, padding: str, dilation: int = 1
) -> int | None:
    """The output length of a conv or pool axis, as Keras computes it (None stays None)."""
    if size is None:
        return None
    if padding in ("same", "causal"):
        return -(-size // stride) if padding == "same" else -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    return max(-(-(size - effective + 1) // stride), 0)
