"""Keras's ``encode_categorical_inputs`` on torch: the one-hot / multi-hot / count encodings
shared by CategoryEncoding and Discretization."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def one_hot(x: torch.Tensor, depth: int, dtype: torch.dtype) -> torch.Tensor:
    """One-hot over a new last axis; negative ids (and ids >= depth raise) give zeros."""
    x = x.long()
    out = F.one_hot(x.clamp(min=0), depth).to(dtype)
    return out * (x >= 0).unsqueeze(-1).to(dtype)


def encode_categorical(
    x: torch.Tensor, output_mode: str, depth: int, dtype: torch.dtype, count_weights=None
) -> torch.Tensor:
    """As Keras's backend-agnostic path: rank-0 inputs become one sample; ``one_hot`` drops a
    trailing axis of 1; ``multi_hot``/``count`` reduce axis 1 (axis 0 for rank-1 inputs)."""
    if output_mode == "int":
        return x.to(dtype)
    if x.dim() == 0:
        x = x.unsqueeze(-1)
    if output_mode == "one_hot":
        if x.dim() > 1 and x.shape[-1] == 1:
            x = x.squeeze(-1)
        return one_hot(x, depth, dtype)
    axis = 1 if x.dim() > 1 else 0
    if output_mode == "multi_hot":
        return one_hot(x, depth, dtype).amax(dim=axis)
    encoded = one_hot(x, depth, count_weights.dtype if count_weights is not None else dtype)
    if count_weights is not None:
        encoded = encoded * count_weights.unsqueeze(-1)
    return encoded.sum(dim=axis)
