"""The gradient buckets and synchronized batch-norm moments in a one-rank process group (Gloo
on CPU, NCCL on CUDA): averaged gradients equal the scaled local ones over several buckets and
passes, untouched parameters keep grad=None, the moments and their gradients equal the local
ones. The two-process runs are in tests/test_distribute.py."""

from __future__ import annotations

import pytest
import torch
import torch.distributed as dist

from tkeras.distribute import buckets as B
from tkeras.layers.normalization._sync import global_moments


def _grads(model, x):
    for p in model.parameters():
        p.grad = None
    model["b"](model["a"](x)).square().sum().backward()
    return [None if p.grad is None else p.grad.clone() for p in model.parameters()]


def _check(device: str) -> None:
    torch.manual_seed(0)
    model = torch.nn.ModuleDict(
        {"a": torch.nn.Linear(4, 3), "b": torch.nn.Linear(3, 5), "unused": torch.nn.Linear(2, 2)}
    ).to(device)
    x = torch.randn(5, 4, device=device)
    plain = _grads(model, x)
    buckets = B.GradientBuckets(list(model.parameters()), lambda: 0.5)
    assert len(buckets.buckets) >= 3, len(buckets.buckets)
    try:
        for _ in range(2):  # the buffers are reused pass after pass
            averaged = _grads(model, x)
            assert averaged[4] is None and averaged[5] is None  # no rank touched "unused"
            for a, b in zip(plain[:4], averaged[:4], strict=True):
                torch.testing.assert_close(b, a * 0.5)
    finally:
        buckets.remove()
    after = _grads(model, x)
    assert all((a is None and b is None) or torch.equal(a, b) for a, b in zip(plain, after))

    xb = torch.randn(6, 3, 2, device=device, requires_grad=True)
    mean, var = global_moments(xb, (0, 2), None, 1e-3)
    torch.testing.assert_close(mean.flatten(), xb.mean((0, 2)))
    torch.testing.assert_close(var.flatten(), xb.var((0, 2), unbiased=False))
    (got,) = torch.autograd.grad(mean.sum() + 2 * var.sum(), xb)
    want = xb.mean((0, 2)).sum() + 2 * xb.var((0, 2), unbiased=False).sum()
    torch.testing.assert_close(got, torch.autograd.grad(want, xb)[0])


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
def test_buckets_and_synced_moments_in_a_one_rank_group(tmp_path, monkeypatch, device):
    monkeypatch.setattr(B, "FIRST_BUCKET_BYTES", 40)  # several buckets for a small model
    monkeypatch.setattr(B, "BUCKET_BYTES", 80)
    assert not dist.is_initialized()
    dist.init_process_group(
        "nccl" if device == "cuda" else "gloo",
        init_method=f"file://{tmp_path / 'store'}",
        rank=0,
        world_size=1,
    )
    try:
        _check(device)
    finally:
        dist.destroy_process_group()
