"""``keras.ops.rearrange``: einops-style axis rearrangement (reshape + transpose)."""

from __future__ import annotations

import math
import re

from tkeras.ops._common import to_tensor

_AXES = re.compile(r"\w+|\(.*?\)")


def _groups(side: str) -> list[list[str]]:
    return [tok.strip("()").split() for tok in _AXES.findall(side)]


def rearrange(tensor, pattern, **axes_lengths):
    """Rearrange axes einops-style: ``'b (h p1) (w p2) c -> b (h w) (p1 p2 c)'``.

    Parenthesised groups split (input) or merge (output) axes; ``axes_lengths`` give the
    sizes a split needs (one per group may be inferred).

    Example:
        >>> tkeras.ops.rearrange(np.ones((2, 6, 4)), "b (h w) c -> b h w c", h=2).shape
        torch.Size([2, 2, 3, 4])
    """
    x = to_tensor(tensor)
    if "->" not in pattern:
        raise ValueError(f"rearrange: pattern must contain '->'. Received: pattern={pattern!r}")
    left, right = (s.strip() for s in pattern.split("->"))
    inputs, outputs = _groups(left), _groups(right)
    if len(inputs) != x.dim():
        raise ValueError(
            f"rearrange: the pattern's input {left!r} names {len(inputs)} axes but the tensor "
            f"has {x.dim()} (shape {tuple(x.shape)})."
        )
    sizes = dict(axes_lengths)
    for group, dim in zip(inputs, x.shape):
        unknown = [a for a in group if a not in sizes]
        known = math.prod(sizes[a] for a in group if a in sizes)
        if len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown} in {pattern!r}.")
        if unknown:
            sizes[unknown[0]] = dim // known
    flat_in = [a for g in inputs for a in g]
    flat_out = [a for g in outputs for a in g]
    if sorted(flat_in) != sorted(flat_out):
        raise ValueError(
            f"rearrange: both sides must name the same axes. Received: pattern={pattern!r}"
        )
    x = x.reshape([sizes[a] for a in flat_in])
    x = x.permute([flat_in.index(a) for a in flat_out])
    return x.reshape([math.prod(sizes[a] for a in g) for g in outputs])
