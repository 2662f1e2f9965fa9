"""Time a data-parallel training step under torchrun (2 processes, Gloo on CPU by default).

Launches ``torch.distributed.run --nproc_per_node=N`` on itself; every rank trains an MLP
(``--width`` units, ``--depth`` hidden layers: about 4.2M parameters, 17 MB of gradients, by
default) with ``fit(verbose=0)``; rank 0 reports its median step time over the timed steps
(after ``--warmup`` steps), wall clock. ``--repo`` picks
the tkeras checkout on ``PYTHONPATH``, so two checkouts compare (before/after a change):

    python scripts/bench_ddp.py --repo /path/to/old/checkout
    python scripts/bench_ddp.py --repo .

The figures go with the machine and its load: run both checkouts back to back, alternating
(``--repeats``), and compare the smallest medians.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time


def _worker(args: argparse.Namespace) -> None:
    import numpy as np
    import torch

    import tkeras

    torch.set_num_threads(args.threads)
    tkeras.utils.set_random_seed(0)
    layers = [tkeras.Input((args.width,))]
    layers += [tkeras.layers.Dense(args.width, activation="relu") for _ in range(args.depth)]
    model = tkeras.Sequential([*layers, tkeras.layers.Dense(10)])
    model.compile("adam", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    steps = args.warmup + args.steps
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps * args.batch, args.width)).astype("float32")
    y = rng.integers(0, 10, steps * args.batch)
    times: list[float] = []

    class Clock(tkeras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(x, y, batch_size=args.batch, epochs=1, shuffle=False, verbose=0,
              callbacks=[Clock()])  # fmt: skip
    if int(os.environ.get("RANK", "0")) == 0:
        median = statistics.median(times[args.warmup :]) * 1000
        print(f"RESULT {median:.2f}")


def _launch(args: argparse.Namespace, repo: str) -> float:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(repo).resolve()), "TKERAS_DEVICE": "cpu"}
    command = [
        sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={args.procs}",
        f"--master_port={port}", __file__, "--worker", "--width", str(args.width),
        "--depth", str(args.depth), "--batch", str(args.batch), "--steps", str(args.steps),
        "--warmup", str(args.warmup), "--threads", str(args.threads),
    ]  # fmt: skip
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return float(next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", action="append", help="a tkeras checkout (repeatable)")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    repos = args.repo or [str(pathlib.Path(__file__).resolve().parents[1])]
    best: dict[str, float] = {}
    for _ in range(args.repeats):
        for repo in repos:  # round-robin: load changes hit every checkout alike
            ms = _launch(args, repo)
            best[repo] = min(ms, best.get(repo, ms))
            print(f"{repo}: {ms:.2f} ms/step", flush=True)
    print(f"\nsmallest median step time, {args.procs} processes, Gloo, batch {args.batch}:")
    for repo, ms in best.items():
        print(f"  {repo}: {ms:.2f} ms/step")


if __name__ == "__main__":
    main()
