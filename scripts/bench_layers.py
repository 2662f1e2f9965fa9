"""Micro-benchmark: a built tkeras layer vs the same torch op called directly.

Forward passes with grad enabled; each row reports the median time per call over ``--calls``
calls (alternating call by call, so both sides see the same machine load) and the overhead ratio.
The last rows measure what a Dense(64) on (32, 64) adds over ``nn.Linear`` in microseconds,
next to the cost of one extra ``nn.Module`` call (``nn.Sequential(nn.Linear)``) in the same run.

    python scripts/bench_layers.py            # full sizes, 1,000 calls
    python scripts/bench_layers.py --quick    # tiny sizes, seconds (the test suite runs this)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

import tkeras


def compare(fns: dict[str, Callable[[], object]], calls: int) -> dict[str, float]:
    """Median microseconds per call of each fn; calls alternate between the fns one by one
    (the order rotating each time), so every fn sees the same machine state and load."""
    names = list(fns)
    for fn in fns.values():  # warm-up
        for _ in range(max(3, calls // 20)):
            fn()
    samples: dict[str, list[int]] = {k: [] for k in names}
    clock = time.perf_counter_ns
    for i in range(calls):
        for j in range(len(names)):
            name = names[(i + j) % len(names)]
            fn = fns[name]
            t0 = clock()
            fn()
            samples[name].append(clock() - t0)
    return {k: statistics.median(v) / 1000.0 for k, v in samples.items()}


def cases(quick: bool, device: torch.device) -> list[tuple[str, Callable, Callable]]:
    torch.manual_seed(0)
    # Tensors are made on the device explicitly: torch.set_default_device would install a
    # TorchFunctionMode that slows every torch call (and so skew the overhead measured).
    b = 4 if quick else 32
    out = []

    # Dense(512, relu) on (32, 512)
    n = 32 if quick else 512
    x = torch.randn(b, n, device=device)
    dense = tkeras.layers.Dense(n, activation="relu")
    dense(x)
    linear = nn.Linear(n, n).to(device)
    out.append(
        (f"Dense({n}, relu) on {tuple(x.shape)}", lambda: dense(x), lambda: F.relu(linear(x)))
    )

    # Conv2D(64, 3) on an NHWC (32, 28, 28, 32) batch; torch gets the same memory as NCHW view.
    h, c, f = (8, 4, 8) if quick else (28, 32, 64)
    xi = torch.randn(b, h, h, c, device=device)
    conv = tkeras.layers.Conv2D(f, 3)
    conv(xi)
    tconv = nn.Conv2d(c, f, 3).to(device)
    x_nchw = xi.permute(0, 3, 1, 2)  # channels_last memory, as a torch user would keep it
    out.append((f"Conv2D({f}, 3) on {tuple(xi.shape)}", lambda: conv(xi), lambda: tconv(x_nchw)))

    # LSTM(64) on (32, 100, 64), last output
    t, u = (10, 8) if quick else (100, 64)
    xs = torch.randn(b, t, u, device=device)
    lstm = tkeras.layers.LSTM(u)
    lstm(xs)
    tlstm = nn.LSTM(u, u, batch_first=True).to(device)
    out.append((f"LSTM({u}) on {tuple(xs.shape)}", lambda: lstm(xs), lambda: tlstm(xs)[1][0][-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few calls")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    args = parser.parse_args()
    device = torch.device(args.device)
    calls = 50 if args.quick else args.calls
    torch.set_grad_enabled(True)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {calls} calls per op")
    print("| layer | tkeras (us) | torch (us) | ratio |")
    print("|---|---:|---:|---:|")
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    for name, tk, ref in cases(args.quick, device):
        res = compare(
            {"tk": lambda tk=tk: (tk(), sync()), "ref": lambda ref=ref: (ref(), sync())}, calls
        )
        print(f"| {name} | {res['tk']:.1f} | {res['ref']:.1f} | {res['tk'] / res['ref']:.3f} |")

    x = torch.randn(32, 64, device=device)
    dense = tkeras.layers.Dense(64)
    dense(x)
    linear = nn.Linear(64, 64).to(device)
    wrapped = nn.Sequential(nn.Linear(64, 64)).to(device)
    res = compare(
        {"dense": lambda: dense(x), "linear": lambda: linear(x), "wrapped": lambda: wrapped(x)},
        calls * 5,
    )
    added = res["dense"] - res["linear"]
    module_call = res["wrapped"] - res["linear"]
    print()
    print(
        f"Dense(64) on (32, 64): {res['dense']:.2f} us; nn.Linear: {res['linear']:.2f} us; "
        f"tkeras adds {added:.2f} us; one extra nn.Module call costs {module_call:.2f} us"
    )


if __name__ == "__main__":
    main()
