"""One run's data-parallel state: this rank's shard of each global batch, the gradient
buckets (``fit``), the metric reduction and the gathering of ``predict``'s outputs."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from tkeras.distribute.buckets import GradientBuckets
from tkeras.distribute.process_group import ensure_process_group, world_size
from tkeras.trainers.data_utils import flatten

__all__ = ["DataParallelContext"]


class DataParallelContext:
    """This process's part of a ``fit``/``evaluate``/``predict`` under torchrun.

    Every rank iterates the same global batches (one seeded permutation); each takes the
    contiguous rows ``[n*r//W, n*(r+1)//W)`` of a batch of ``n``, so a short last batch
    splits unevenly and may leave a rank none.

    Args:
        device: the model's device (picks NCCL for CUDA, Gloo otherwise).
        num_rows: the row count of array data (None for loaders and generators); ranks
            that disagree raise.
        method: ``'fit'``, ``'evaluate'`` or ``'predict'``, for error messages.
    """

    def __init__(self, device: torch.device, num_rows: int | None, method: str) -> None:
        ensure_process_group(device)
        self.world = world_size()
        self.rank = dist.get_rank()
        self.device = device
        self.scale = 1.0
        self.buckets: GradientBuckets | None = None
        self.batch_rows: list[int] = []
        self._scales: deque[float] = deque()
        sizes: list[Any] = [None] * self.world
        dist.all_gather_object(sizes, num_rows)
        if len(set(sizes)) != 1:
            raise ValueError(
                f"{method}() under torchrun: the ranks disagree on the data size (rows per "
                f"rank: {sizes}); every rank must load the same data (it is sharded by batch, "
                "not by file)."
            )

    @classmethod
    def for_fit(
        cls, model: Any, device: torch.device, batch_size: Any, num_rows: int | None
    ) -> DataParallelContext:
        """The context of a ``fit``: checks the global batch and hooks the gradients."""
        world = world_size()
        # A DataLoader's or generator's batches (batch_size None) are split as they come.
        if batch_size is not None and batch_size % world:
            raise ValueError(
                f"fit() under torchrun: batch_size={batch_size} (the global batch) must be "
                f"divisible by the world size WORLD_SIZE={world}; each rank takes "
                "batch_size / WORLD_SIZE rows of every batch."
            )
        context = cls(device, num_rows, "fit")
        # As DDP does: every rank starts from rank 0's weights and buffers.
        context.broadcast([*model.parameters(), *model.buffers()])
        context.buckets = GradientBuckets(
            list(model.parameters()), lambda: context.scale / context.world
        )
        return context

    @torch.no_grad()
    def broadcast(self, tensors: list[torch.Tensor]) -> None:
        """Copy rank 0's values into ``tensors`` on every rank (one collective per dtype;
        Variables are strided views, so the values travel in a flat buffer)."""
        by_dtype: dict[Any, list[torch.Tensor]] = {}
        for t in tensors:
            by_dtype.setdefault(t.dtype, []).append(t)
        for group in by_dtype.values():
            flat = torch.cat([t.detach().reshape(-1) for t in group])
            dist.broadcast(flat, src=0)
            offset = 0
            for t in group:
                t.copy_(flat[offset : offset + t.numel()].view(t.shape))
                offset += t.numel()

    def close(self) -> None:
        if self.buckets is not None:
            self.buckets.remove()
            self.buckets = None

    def shard(self, x: Any) -> Any:
        """This rank's rows of a global batch (contiguous slices, rank order)."""
        # numpy: host-side batches (text kept as numpy string arrays) split the same way
        if isinstance(x, (torch.Tensor, np.ndarray)):
            n = x.shape[0]
            return x[n * self.rank // self.world : n * (self.rank + 1) // self.world]
        if isinstance(x, (list, tuple)):
            return type(x)(self.shard(e) for e in x)
        if isinstance(x, dict):
            return {k: self.shard(v) for k, v in x.items()}
        return x

    def batches(self, iterator: Any) -> Iterator:
        """The epoch's ``(step, batch)`` pairs, each batch cut to this rank's shard; the
        shard's weight in the global mean (its rows over an even share) is kept for the
        gradient reduction, and the global batch sizes for ``gather``."""
        # Queued, not set: with steps_per_execution the batches of an execution are cut
        # before the first one runs; each step takes its own weight (``wrap_step``).
        self._scales.clear()
        for step, (bx, by, bsw) in iterator:
            n = _rows(bx)
            local = self.shard(bx)
            self._scales.append(_rows(local) * self.world / n if n else 1.0)
            self.batch_rows.append(n)
            yield step, (local, self.shard(by), self.shard(bsw))

    def wrap_step(self, model: Any, step: Callable, kind: str) -> Callable:
        """``step`` for a shard, with an empty one handled: in training the rank still takes
        part in the gradient reduction and the update; in evaluation it skips the batch;
        ``predict`` runs it (a model maps 0 rows to 0 rows)."""
        if kind == "predict":
            return step

        scales = self._scales

        def run(bx: Any, by: Any, bsw: Any) -> Any:
            self.scale = scales.popleft() if scales else 1.0
            if _rows(bx):
                return step(bx, by, bsw)
            if kind == "train":
                self._empty_train_step(model, bx)
            return None

        return run

    def _empty_train_step(self, model: Any, bx: Any) -> None:
        optimizer = model.optimizer
        optimizer.zero_grad(set_to_none=True)
        if any(getattr(m, "synchronized", False) for m in model.modules()):
            # Synchronized batch norm all-reduces in its forward and backward: take part with
            # no rows and a zero loss (the buckets finish at the end of this backward).
            outputs = flatten(model(bx, training=True))
            torch.stack([o.sum() for o in outputs]).sum().mul(0.0).backward()
        else:
            self.buckets.finish()
        optimizer.step()

    @torch.no_grad()
    def reduce_metrics(self, model: Any) -> None:
        """Sum every metric's state over the ranks (totals and counts), so ``result()`` is
        the global one."""
        tracker = model._loss_tracker
        if tracker is not None:
            total = tracker._total if tracker._total is not None else torch.zeros(())
            pair = torch.stack(
                [total.reshape(()).to(self.device), torch.tensor(float(tracker._count))]
            ).to(self.device, torch.float32)
            dist.all_reduce(pair)
            tracker._total, tracker._count = pair[0], float(pair[1])
        compiled = model._compile_metrics
        if compiled is None or not compiled.built:
            return
        for metric in compiled.metrics:
            for v in metric.variables:
                if isinstance(v, torch.Tensor) and v.is_floating_point():
                    dist.all_reduce(v)

    @torch.no_grad()
    def gather(self, outputs: list) -> list:
        """Every rank's ``predict`` outputs, in global row order: one structure per global
        batch, on every rank."""
        if not outputs:
            return outputs
        leaves = [flatten(out) for out in outputs]
        bounds = [[n * r // self.world for r in range(self.world + 1)] for n in self.batch_rows]
        # Where each rank's rows of each batch sit in that rank's concatenated outputs.
        starts = [[0] * len(bounds) for _ in range(self.world)]
        for r in range(self.world):
            acc = 0
            for i, b in enumerate(bounds):
                starts[r][i] = acc
                acc += b[r + 1] - b[r]
        longest = max(starts[r][-1] + bounds[-1][r + 1] - bounds[-1][r] for r in range(self.world))
        merged = []
        for j in range(len(leaves[0])):
            local = torch.cat([leaf[j] for leaf in leaves])
            padded = local.new_zeros((longest, *local.shape[1:]))
            padded[: local.shape[0]] = local
            parts = [torch.empty_like(padded) for _ in range(self.world)]
            dist.all_gather(parts, padded)
            merged.append(
                [
                    torch.cat(
                        [
                            parts[r][starts[r][i] : starts[r][i] + b[r + 1] - b[r]]
                            for r in range(self.world)
                        ]
                    )
                    for i, b in enumerate(bounds)
                ]
            )
        return [_rebuild(outputs[i], [m[i] for m in merged]) for i in range(len(outputs))]


def _rebuild(structure: Any, leaves: list) -> Any:
    it = iter(leaves)

    def fill(s: Any) -> Any:
        if isinstance(s, torch.Tensor):
            return next(it)
        if isinstance(s, (list, tuple)):
            return type(s)(fill(e) for e in s)
        if isinstance(s, dict):
            return {k: fill(v) for k, v in s.items()}
        return s

    return fill(structure)


def _rows(x: Any) -> int:
    if isinstance(x, (torch.Tensor, np.ndarray)):
        return x.shape[0]
    if isinstance(x, (list, tuple)):
        return _rows(x[0])
    if isinstance(x, dict):
        return _rows(next(iter(x.values())))
    return 0
