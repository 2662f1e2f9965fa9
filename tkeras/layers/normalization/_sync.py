"""Batch statistics over every rank of a torchrun launch, for
``BatchNormalization(synchronized=True)``.

torch's ``nn.SyncBatchNorm`` runs on CUDA only; this works on any device and backend (Gloo
on CPU included). The sums go through ``torch.distributed.nn.functional.all_reduce``, whose
backward all-reduces the gradients too, so each rank's inputs get the gradient of the loss of
every rank through the shared statistics, as one process on the whole batch would.
"""

from __future__ import annotations

import torch
import torch.distributed as dist

__all__ = ["global_moments", "is_distributed"]


def is_distributed() -> bool:
    """True inside a process group of more than one rank."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def global_moments(
    x: torch.Tensor, dims: tuple[int, ...], keep: torch.Tensor | None, epsilon: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """The mean and biased variance of ``x`` over ``dims`` and over all ranks (two passes,
    as one process computes them). ``keep`` (a boolean mask) counts only its true positions;
    ``epsilon`` is then added to the count, as the masked moments of Keras do."""
    from torch.distributed.nn.functional import all_reduce

    channels = x.shape[1]
    shape = (1, channels) + (1,) * (x.dim() - 2)
    if keep is None:
        count = torch.full(shape, x.numel() / max(channels, 1), dtype=x.dtype, device=x.device)
        total = x.sum(dims, keepdim=True)
    else:
        count = keep.to(x.dtype).sum(dims, keepdim=True)
        total = torch.where(keep, x, 0).sum(dims, keepdim=True)
    summed = all_reduce(torch.cat([total, count]))
    n = summed[1:2].detach()
    if keep is not None:
        n = n + epsilon
    mean = summed[0:1] / n
    centered = (x - mean).square()
    if keep is not None:
        centered = torch.where(keep, centered, 0)
    variance = all_reduce(centered.sum(dims, keepdim=True)) / n
    return mean, variance
