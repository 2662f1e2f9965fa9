"""Time one training epoch in tkeras, a hand-written torch loop and (if installed) Keras 3.

Each model trains with Adam(1e-3), SparseCategoricalCrossentropy(from_logits=True) and
accuracy, on synthetic data already in memory. The torch loop is what a competent user
writes: the same model as plain torch modules, the data on the device sliced by a per-epoch
permutation, ``F.cross_entropy`` on logits, ``torch.optim.Adam(foreach=True)``, accuracy
accumulated on the device every step, ``zero_grad(set_to_none=True)``, and the epoch's loss
and accuracy read once at its end. tkeras and Keras run ``fit(verbose=0)``; an epoch is timed
from ``on_epoch_begin`` to ``on_epoch_end``. Each library gets one warm-up epoch, then the
median of the timed epochs is reported. On a shared machine, ``--repeats N`` runs the libraries
round-robin N times and reports the smallest of the N medians (interference only ever adds
time), and ``--clock cpu`` times with the process's CPU clock instead of the wall clock (CPU
only: it does not count GPU work).

Models (``--models``): ``mlp`` (32-64-2, batch 32, 20k samples), ``mnist_mlp`` (784-512-512-10
with Dropout(0.2), batch 128, 60k samples), ``convnet`` (keras.io's mnist_convnet, batch 128,
12k samples by default: a CPU epoch of 60k takes minutes), ``lstm`` (Embedding(5000, 64) +
LSTM(64) + Dense(2), sequence 100, batch 32, 4k samples by default).

Usage:
    python scripts/benchmark.py                    # all models
    python scripts/benchmark.py --threads 1 --repeats 3 --clock cpu   # a busy CPU machine
    python scripts/benchmark.py --models mlp,lstm --epochs 5
    python scripts/benchmark.py --quick            # tiny sizes, under 20 s (a smoke test)

A full run (4 models, 3 timed epochs + 1 warm-up, torch + tkeras + Keras) takes about 3
minutes on an idle 2-core CPU, and longer on a busy one; the script prints its estimate first
and each table row as soon as that model is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import tkeras  # noqa: E402

# Seconds per epoch (torch, tkeras, keras) measured on an idle 2-core CPU at the full sizes:
# the up-front estimate of how long a run takes.
EPOCH_SECONDS = {
    "mlp": (0.42, 0.27, 1.50),
    "mnist_mlp": (4.45, 4.25, 6.75),
    "convnet": (4.00, 4.13, 6.47),
    "lstm": (1.05, 0.98, 9.51),
}

# name: (samples, quick samples, batch size)
SIZES = {
    "mlp": (20_000, 64, 32),
    "mnist_mlp": (60_000, 256, 128),
    "convnet": (12_000, 256, 128),
    "lstm": (4_000, 64, 32),
}


def make_data(name: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if name == "mlp":
        return rng.standard_normal((n, 32)).astype("float32"), rng.integers(0, 2, n)
    if name == "mnist_mlp":
        return rng.random((n, 784)).astype("float32"), rng.integers(0, 10, n)
    if name == "convnet":
        return rng.random((n, 28, 28, 1)).astype("float32"), rng.integers(0, 10, n)
    return rng.integers(0, 5000, (n, 100)), rng.integers(0, 2, n)


def keras_style_model(lib: Any, name: str) -> Any:
    """The model in a Keras-API library (tkeras or keras)."""
    L = lib.layers
    if name == "mlp":
        layers = [lib.Input((32,)), L.Dense(64, activation="relu"), L.Dense(2)]
    elif name == "mnist_mlp":
        layers = [
            lib.Input((784,)),
            L.Dense(512, activation="relu"),
            L.Dropout(0.2),
            L.Dense(512, activation="relu"),
            L.Dropout(0.2),
            L.Dense(10),
        ]
    elif name == "convnet":
        layers = [
            lib.Input((28, 28, 1)),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(10),
        ]
    else:
        layers = [lib.Input((100,), dtype="int32"), L.Embedding(5000, 64), L.LSTM(64), L.Dense(2)]
    return lib.Sequential(layers)


class _LastStep(nn.Module):
    def __init__(self, lstm: nn.LSTM) -> None:
        super().__init__()
        self.lstm = lstm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(x)
        return h[-1]


def torch_model(name: str) -> nn.Module:
    """The same model as plain torch modules (NCHW images, as a torch user writes them)."""
    if name == "mlp":
        return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 2))
    if name == "mnist_mlp":
        return nn.Sequential(
            nn.Linear(784, 512),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(512, 10),
        )
    if name == "convnet":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(0.5),
            nn.Linear(1600, 10),
        )
    return nn.Sequential(
        nn.Embedding(5000, 64), _LastStep(nn.LSTM(64, 64, batch_first=True)), nn.Linear(64, 2)
    )


CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = CLOCK["wall"]


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def time_torch(
    name: str, x: np.ndarray, y: np.ndarray, batch_size: int, epochs: int, device: torch.device
) -> list[float]:
    model = torch_model(name).to(device)
    xt = torch.from_numpy(x).to(device)
    if name == "convnet":
        xt = xt.permute(0, 3, 1, 2).contiguous()
    yt = torch.from_numpy(y).long().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=True)
    n = xt.shape[0]
    times = []
    for _ in range(epochs + 1):
        _sync(device)
        start = _clock()
        model.train()
        total = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.long)
        for idx in torch.randperm(n, device=device).split(batch_size):
            xb, yb = xt[idx], yt[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach() * yb.shape[0]
            correct += (logits.detach().argmax(1) == yb).sum()
        float(total / n), float(correct / n)  # the epoch's loss and accuracy, read once
        times.append(_clock() - start)
    return times[1:]


def _epoch_timer(lib: Any, times: list[float], device: torch.device | None) -> Any:
    class EpochTimer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            if device is not None:
                _sync(device)
            self.start = _clock()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if device is not None:
                _sync(device)
            times.append(_clock() - self.start)

    return EpochTimer()


def time_keras_api(
    lib: Any,
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    epochs: int,
    device: torch.device | None,
) -> list[float]:
    model = keras_style_model(lib, name)
    model.compile(
        optimizer=lib.optimizers.Adam(1e-3),
        loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    times: list[float] = []
    model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs + 1,
        verbose=0,
        callbacks=[_epoch_timer(lib, times, device)],
    )
    return times[1:]


def run(
    names: list[str],
    quick: bool,
    epochs: int,
    device: torch.device,
    repeats: int = 1,
    keras: Any = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for name in names:
        full, small, batch_size = SIZES[name]
        x, y = make_data(name, small if quick else full)
        row: dict[str, Any] = {"model": name, "samples": len(x), "batch": batch_size}
        args = (name, x, y, batch_size, epochs, device)
        runners: list[tuple[str, Callable[[], list[float]]]] = [
            ("torch", lambda args=args: time_torch(*args)),
            ("tkeras", lambda args=args: time_keras_api(tkeras, *args)),
        ]
        if keras is not None:
            runners.append(("keras", lambda args=args: time_keras_api(keras, *args)))
        medians: dict[str, list[float]] = {label: [] for label, _ in runners}
        for _ in range(repeats):  # round-robin, so load spikes hit every library alike
            for label, fn in runners:
                torch.manual_seed(0)
                medians[label].append(statistics.median(fn()))
        row.update({label: min(values) for label, values in medians.items()})
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def header(device: torch.device, has_keras: bool) -> str:
    head = "| model | samples | batch | torch s/epoch | tkeras s/epoch | tkeras / torch |"
    sep = "|---|---:|---:|---:|---:|---:|"
    if has_keras:
        head += " keras s/epoch | keras / torch |"
        sep += "---:|---:|"
    clock = "cpu" if _clock is time.process_time else "wall"
    return "\n".join(
        [
            f"Device: {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
            f"{clock} clock",
            "",
            head,
            sep,
        ]
    )


def table_row(r: dict[str, Any], has_keras: bool) -> str:
    line = (
        f"| {r['model']} | {r['samples']} | {r['batch']} | {r['torch']:.3f} | "
        f"{r['tkeras']:.3f} | {r['tkeras'] / r['torch']:.2f}x |"
    )
    if has_keras:
        line += (
            f" {r['keras']:.3f} | {r['keras'] / r['torch']:.2f}x |" if "keras" in r else " - | - |"
        )
    return line


def estimate_seconds(names: list[str], epochs: int, repeats: int, has_keras: bool) -> float:
    """The full-size run's time on an idle 2-core CPU (EPOCH_SECONDS), warm-up included."""
    per_epoch = sum(sum(EPOCH_SECONDS[n][: 3 if has_keras else 2]) for n in names)
    return per_epoch * (epochs + 1) * repeats


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", default=",".join(SIZES), help=f"comma-separated subset of {','.join(SIZES)}"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs (after 1 warm-up)")
    parser.add_argument("--no-keras", action="store_true", help="skip Keras 3")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    parser.add_argument("--device", default=None, help="default: tkeras.config.device()")
    parser.add_argument(
        "--repeats", type=int, default=1, help="round-robin runs; report the smallest median"
    )
    parser.add_argument(
        "--clock", choices=sorted(CLOCK), default="wall", help="wall, or cpu (CPU devices only)"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        parser.error(f"unknown model(s) {unknown}; expected some of {list(SIZES)}")
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device:
        tkeras.config.set_device(args.device)
    device = tkeras.config.device()
    global _clock
    _clock = CLOCK[args.clock]
    epochs = 1 if args.quick else args.epochs
    repeats = max(args.repeats, 1)
    keras = None
    if not args.no_keras:
        try:
            import keras
        except ImportError:
            print("Keras is not installed: timing torch and tkeras only.", flush=True)
    has_keras = keras is not None
    if args.quick:
        print("Quick run: tiny sizes, 1 timed epoch (a smoke test; the times mean little).")
    else:
        estimate = estimate_seconds(names, epochs, repeats, has_keras)
        print(
            f"Estimated time: about {estimate / 60:.0f} min ({estimate:.0f} s) on an idle 2-core "
            "CPU, longer on a busy machine, much shorter on a GPU. Rows print as measured.",
        )
    print(header(device, has_keras), flush=True)
    return run(
        names,
        args.quick,
        epochs,
        device,
        repeats,
        keras=keras,
        on_row=lambda row: print(table_row(row, has_keras), flush=True),
    )


if __name__ == "__main__":
    main()
