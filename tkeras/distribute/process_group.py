"""The process group of a ``torchrun`` launch: world size, rank, joining the group."""

from __future__ import annotations

import atexit
import datetime
import os

import torch
import torch.distributed as dist

__all__ = ["ensure_process_group", "is_chief", "rank", "world_size"]

# A rank that never reaches a collective fails instead of hanging forever. torch's own default
# (30 min): rank 0 alone runs the writing callbacks (a large checkpoint) while the others wait.
TIMEOUT = datetime.timedelta(minutes=30)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else default


def world_size() -> int:
    """The number of processes: the joined group's size, else torchrun's ``WORLD_SIZE``
    (1 outside a launch)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return _env_int("WORLD_SIZE", 1)


def rank() -> int:
    """This process's rank (0 outside a launch)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    return _env_int("RANK", 0)


def is_chief() -> bool:
    """True on rank 0, the process that prints and writes files."""
    return rank() == 0


def ensure_process_group(device: torch.device | str | None = None) -> None:
    """Join the process group described by torchrun's environment, once: NCCL for CUDA
    devices, Gloo otherwise."""
    if dist.is_initialized():
        return
    device = torch.device(device if device is not None else "cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)  # NCCL addresses this process's own GPU
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo", timeout=TIMEOUT)
    # The group tkeras joined is left at exit: a Gloo/NCCL group still alive at interpreter
    # shutdown can abort the process ("terminate called without an active exception").
    atexit.register(_leave)


def _leave() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()
