"""Gradient averaging that overlaps backward: DDP's bucketed reducer, in small.

Each trainable parameter gets a post-accumulate-grad hook. When the last gradient of a
bucket (parameters in reverse order, so the last layers' gradients, which backward produces
first, fill the first bucket) has arrived, the bucket's flat buffer is scaled and all-reduced
asynchronously while backward goes on. At the end of backward (an autograd engine callback)
the remaining buckets are launched in order, every reduction is awaited and the averaged
gradients are copied back into ``param.grad`` (keeping its strides). Buckets are always
launched in index order, so every rank issues the same collectives in the same order.

Each bucket also reduces one flag per parameter (1 where this rank has a gradient): a
parameter that no rank touched keeps ``grad=None`` (optimizers skip it, as in one process);
one that only some ranks touched gets the average with zeros from the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.distributed as dist
from torch.autograd import Variable

__all__ = ["GradientBuckets"]

FIRST_BUCKET_BYTES = 1 << 20  # DDP's first bucket: 1 MiB, so the first reduce starts early
BUCKET_BYTES = 25 << 20  # DDP's bucket_cap_mb=25


class _Bucket:
    def __init__(self, params: list[torch.Tensor]) -> None:
        self.params = params
        self.offsets = []
        total = 0
        for p in params:
            self.offsets.append(total)
            total += p.numel()
        self.numel = total
        # The gradients, then one flag per parameter.
        self.buffer = torch.zeros(
            total + len(params), dtype=params[0].dtype, device=params[0].device
        )
        self.flags = self.buffer[total:]
        self.seen = [False] * len(params)  # on the host: no device read to know it
        self.ready = 0
        self.work: Any = None

    def slot(self, i: int) -> torch.Tensor:
        p = self.params[i]
        return self.buffer[self.offsets[i] : self.offsets[i] + p.numel()].view(p.shape)


class GradientBuckets:
    """Average the gradients of ``params`` over the ranks as backward produces them.

    Args:
        params: the trainable parameters.
        factor: returns the factor each local gradient is multiplied by before the sum
            (``1 / world`` for an even split; the data-parallel context weighs a short shard).
    """

    def __init__(self, params: list[torch.Tensor], factor: Callable[[], float]) -> None:
        self.factor = factor
        self.buckets: list[_Bucket] = []
        self.where: dict[int, tuple[_Bucket, int]] = {}
        current: list[torch.Tensor] = []
        size, cap = 0, FIRST_BUCKET_BYTES
        for p in reversed([p for p in params if p.requires_grad]):
            nbytes = p.numel() * p.element_size()
            if current and (
                size + nbytes > cap or p.dtype != current[0].dtype or p.device != current[0].device
            ):
                self._close(current)
                current, size, cap = [], 0, BUCKET_BYTES
            current.append(p)
            size += nbytes
        if current:
            self._close(current)
        self._next = 0
        self._armed = False
        self._complete = True
        self._handles = [
            p.register_post_accumulate_grad_hook(self._on_grad)
            for b in self.buckets
            for p in b.params
        ]

    def _close(self, params: list[torch.Tensor]) -> None:
        bucket = _Bucket(params)
        for i, p in enumerate(params):
            self.where[id(p)] = (bucket, i)
        self.buckets.append(bucket)

    def remove(self) -> None:
        """Remove the hooks (the end of a ``fit``)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def _start_pass(self) -> None:
        self._armed = True
        self._next = 0
        self._complete = True
        for bucket in self.buckets:
            bucket.ready = 0
            bucket.seen = [False] * len(bucket.params)
            bucket.flags.zero_()

    def _on_grad(self, p: torch.Tensor) -> None:
        if not self._armed:
            self._start_pass()
            Variable._execution_engine.queue_callback(self.finish)
        bucket, i = self.where[id(p)]
        bucket.slot(i).copy_(p.grad)
        bucket.flags[i] = 1
        bucket.seen[i] = True
        bucket.ready += 1
        while self._next < len(self.buckets):
            ready = self.buckets[self._next]
            if ready.ready < len(ready.params):
                break
            self._launch(ready)

    @torch.no_grad()
    def _launch(self, bucket: _Bucket) -> None:
        bucket.buffer[: bucket.numel].mul_(self.factor())
        bucket.work = dist.all_reduce(bucket.buffer, async_op=True)
        self._next += 1

    @torch.no_grad()
    def finish(self) -> None:
        """Launch what is left (parameters without a gradient contribute zeros), wait for
        every reduction and write the averages into ``param.grad``. Called by the autograd
        engine at the end of backward, or directly by a rank with nothing to backpropagate
        (an empty shard), which still takes part in every reduction."""
        if not self._armed:
            self._start_pass()
        for bucket in self.buckets[self._next :]:
            for i, seen in enumerate(bucket.seen):
                if not seen:
                    bucket.slot(i).zero_()
                    self._complete = False
            self._launch(bucket)
        for bucket in self.buckets:
            bucket.work.wait()
            bucket.work = None
            # Every local gradient present: every flag is >= 1, no need to read them (a
            # device-to-host copy on CUDA).
            flags = [1] * len(bucket.params) if self._complete else bucket.flags.tolist()
            for i, p in enumerate(bucket.params):
                if not flags[i]:
                    continue
                if p.grad is None:
                    p.grad = torch.empty_like(p)
                p.grad.copy_(bucket.slot(i))
        self._armed = False
