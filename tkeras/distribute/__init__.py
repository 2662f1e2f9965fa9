"""Data-parallel ``fit`` under ``torchrun``: no code change, ``batch_size`` is the global batch.

A script started with ``torchrun --nproc_per_node=N`` sees ``WORLD_SIZE=N``; ``fit`` then
joins the process group (NCCL on CUDA, Gloo on CPU), each rank trains on its ``batch_size/N``
rows of every global batch (the same seeded permutation on every rank), gradients are averaged
over ranks before each update (one flat all-reduce), the loss tracker and the metrics reduce
their state over ranks before the epoch's logs are read, and only rank 0 prints.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import torch
import torch.distributed as dist

__all__ = ["DataParallelContext", "world_size"]


def world_size() -> int:
    """The number of processes of a torchrun launch (1 outside one)."""
    value = os.environ.get("WORLD_SIZE", "1")
    return int(value) if value.isdigit() else 1


class DataParallelContext:
    """One ``fit`` run's data-parallel state: the process group, this rank's shard."""

    def __init__(self, device: torch.device, batch_size: Any, num_rows: int | None) -> None:
        self.world = world_size()
        # A DataLoader's or generator's batches (batch_size None) are split as they come.
        if batch_size is not None and batch_size % self.world:
            raise ValueError(
                f"fit() under torchrun: batch_size={batch_size} (the global batch) must be "
                f"divisible by the world size WORLD_SIZE={self.world}; each rank takes "
                "batch_size / WORLD_SIZE rows of every batch."
            )
        if not dist.is_initialized():
            backend = "nccl" if device.type == "cuda" else "gloo"
            # A rank that never reaches a collective (different data sizes) must not hang.
            dist.init_process_group(backend, timeout=datetime.timedelta(seconds=120))
        self.rank = dist.get_rank()
        self.device = device
        sizes = [None] * self.world
        dist.all_gather_object(sizes, num_rows)
        if len(set(sizes)) != 1:
            raise ValueError(
                f"fit() under torchrun: the ranks disagree on the training data size "
                f"(rows per rank: {sizes}); every rank must load the same data (it is "
                "sharded by batch, not by file)."
            )

    def shard(self, x: Any) -> Any:
        """This rank's rows of a global batch (contiguous slices, rank order)."""
        if isinstance(x, torch.Tensor):
            n = x.shape[0]
            lo, hi = n * self.rank // self.world, n * (self.rank + 1) // self.world
            return x[lo:hi]
        if isinstance(x, (list, tuple)):
            return type(x)(self.shard(e) for e in x)
        if isinstance(x, dict):
            return {k: self.shard(v) for k, v in x.items()}
        return x

    def batches(self, iterator: Any) -> Any:
        """The epoch's batches, each cut to this rank's shard; the weight of the shard's
        loss in the global mean is recorded for ``sync_gradients``."""
        for step, (bx, by, bsw) in iterator:
            n = _rows(bx)
            local = self.shard(bx)
            self.scale = _rows(local) * self.world / n if n else 1.0
            yield step, (local, self.shard(by), self.shard(bsw))

    @torch.no_grad()
    def sync_gradients(self, params: list[torch.Tensor]) -> None:
        """Average the gradients over ranks, weighted so a partial last batch split unevenly
        still gives the single-process mean."""
        grads = [p.grad for p in params if p.grad is not None]
        if not grads:
            return
        flat = torch.cat([g.reshape(-1) for g in grads])
        flat.mul_(self.scale / self.world)
        dist.all_reduce(flat)
        offset = 0
        for g in grads:
            g.copy_(flat[offset : offset + g.numel()].view_as(g))
            offset += g.numel()

    @torch.no_grad()
    def reduce_metrics(self, model: Any) -> None:
        """Sum every metric's state over ranks (totals and counts), so ``result()`` is the
        global one."""
        tracker = model._loss_tracker
        if tracker is not None and tracker._total is not None:
            pair = torch.stack(
                [tracker._total.reshape(()), torch.tensor(float(tracker._count))]
            ).to(self.device)
            dist.all_reduce(pair)
            tracker._total, tracker._count = pair[0], float(pair[1])
        for metric in _leaf_metrics(model):
            for v in metric.variables:
                if isinstance(v, torch.Tensor) and v.is_floating_point():
                    dist.all_reduce(v)


def _rows(x: Any) -> int:
    if isinstance(x, torch.Tensor):
        return x.shape[0]
    if isinstance(x, (list, tuple)):
        return _rows(x[0])
    if isinstance(x, dict):
        return _rows(next(iter(x.values())))
    return 0


def _leaf_metrics(model: Any) -> list:
    compiled = model._compile_metrics
    return list(compiled.metrics) if compiled is not None and compiled.built else []
