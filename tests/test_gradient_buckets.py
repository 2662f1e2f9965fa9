"""The gradient buckets and synchronized batch-norm moments in a one-rank process group (a
subprocess: Gloo on CPU, NCCL on CUDA): averaged gradients equal the scaled local ones over
several buckets and passes, untouched parameters keep grad=None, the moments and their
gradients equal the local ones. The two-process runs are in tests/test_distribute.py."""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys

import pytest
import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
import torch, torch.distributed as dist
from tkeras.distribute import buckets as B
from tkeras.layers.normalization._sync import global_moments

device, port = sys.argv[1], sys.argv[2]
dist.init_process_group("nccl" if device == "cuda" else "gloo",
                        init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1)
B.FIRST_BUCKET_BYTES, B.BUCKET_BYTES = 40, 80  # several buckets for a small model
torch.manual_seed(0)
model = torch.nn.ModuleDict({
    "a": torch.nn.Linear(4, 3), "b": torch.nn.Linear(3, 5), "unused": torch.nn.Linear(2, 2),
}).to(device)
x = torch.randn(5, 4, device=device)

def grads():
    for p in model.parameters():
        p.grad = None
    model["b"](model["a"](x)).square().sum().backward()
    return [None if p.grad is None else p.grad.clone() for p in model.parameters()]

plain = grads()
buckets = B.GradientBuckets(list(model.parameters()), lambda: 0.5)
assert len(buckets.buckets) >= 3, len(buckets.buckets)
for _ in range(2):  # the buffers are reused pass after pass
    averaged = grads()
    assert averaged[4] is None and averaged[5] is None  # no rank touched "unused"
    for a, b in zip(plain[:4], averaged[:4]):
        torch.testing.assert_close(b, a * 0.5)
buckets.remove()
assert all((a is None and b is None) or torch.equal(a, b) for a, b in zip(plain, grads()))

xb = torch.randn(6, 3, 2, device=device, requires_grad=True)
mean, var = global_moments(xb, (0, 2), None, 1e-3)
torch.testing.assert_close(mean.flatten(), xb.mean((0, 2)))
torch.testing.assert_close(var.flatten(), xb.var((0, 2), unbiased=False))
(got,) = torch.autograd.grad(mean.sum() + 2 * var.sum(), xb)
(want,) = torch.autograd.grad(xb.mean((0, 2)).sum() + 2 * xb.var((0, 2), unbiased=False).sum(), xb)
torch.testing.assert_close(got, want)
dist.destroy_process_group()
print("ok")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "device",
    [
        "cpu",
        pytest.param(
            "cuda",
            marks=[
                pytest.mark.gpu,
                pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA (NCCL)"),
            ],
        ),
    ],
)
def test_buckets_and_synced_moments_in_a_one_rank_group(tmp_path, device):
    script = tmp_path / "buckets.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    result = subprocess.run(
        [sys.executable, str(script), device, str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
