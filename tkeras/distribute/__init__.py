"""Data parallelism under ``torchrun``: no code change, ``batch_size`` is the global batch.

A script started with ``torchrun --nproc_per_node=N`` sees ``WORLD_SIZE=N``; ``fit``,
``evaluate`` and ``predict`` then join the process group (NCCL on CUDA, Gloo on CPU) and each
rank runs its contiguous rows of every global batch (the same seeded permutation on every
rank). In ``fit`` the gradients are averaged over the ranks in buckets while backward runs
(``buckets.py``); the loss tracker and the metrics sum their state over the ranks before the
logs of an epoch or an evaluation are read; ``predict`` gathers every rank's outputs in the
global order. Only rank 0 prints and writes files (the callbacks that write are skipped on
the other ranks).
"""

from __future__ import annotations

from tkeras.distribute.buckets import GradientBuckets
from tkeras.distribute.context import DataParallelContext
from tkeras.distribute.process_group import ensure_process_group, is_chief, rank, world_size

__all__ = [
    "DataParallelContext",
    "GradientBuckets",
    "ensure_process_group",
    "is_chief",
    "rank",
    "world_size",
]
