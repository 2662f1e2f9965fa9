"""Benchmark keras.applications on tkeras against Keras (torch backend): build time and one
CPU forward pass per model.

Build: ``Model(weights=None)`` wall time (layer construction + weight initialization).
Forward: median of ``--repeats`` inference calls (``model(x, training=False)`` under no_grad,
after one warm-up call) on a batch of ``--batch`` random images; both libraries run the same
torch kernels, so the difference is each library's per-layer overhead.

    KERAS_BACKEND=torch python scripts/bench_applications.py                      # default set
    KERAS_BACKEND=torch python scripts/bench_applications.py --models ResNet50 --size 224
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402

DEFAULT = "MobileNetV2,ResNet50,VGG16,EfficientNetB0,MobileNet,InceptionV3,DenseNet121"
MIN_SIZE = {"InceptionV3": 75, "InceptionResNetV2": 75, "Xception": 71}


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def bench(lib, name: str, size: int, batch: int, repeats: int) -> tuple[float, float]:
    size = max(size, MIN_SIZE.get(name, 32))
    model, build = _timed(
        lambda: getattr(lib.applications, name)(weights=None, input_shape=(size, size, 3))
    )
    x = torch.tensor(
        np.random.default_rng(0).uniform(-1, 1, (batch, size, size, 3)), dtype=torch.float32
    )
    times = []
    with torch.no_grad():
        model(x, training=False)
        for _ in range(repeats):
            times.append(_timed(lambda: model(x, training=False))[1])
    return build, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=DEFAULT, help="comma-separated constructor names")
    parser.add_argument("--size", type=int, default=224, help="image height and width")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    import keras

    import tkeras

    print(f"CPU, {torch.get_num_threads()} threads, batch {args.batch}, {args.size}x{args.size}")
    print("| model | build tkeras | build Keras | forward tkeras | forward Keras | forward ratio |")
    print("|---|---|---|---|---|---|")
    for name in args.models.split(","):
        tb, tf = bench(tkeras, name, args.size, args.batch, args.repeats)
        kb, kf = bench(keras, name, args.size, args.batch, args.repeats)
        print(
            f"| {name} | {tb:.2f} s | {kb:.2f} s | {tf * 1e3:.0f} ms | {kf * 1e3:.0f} ms "
            f"| {tf / kf:.2f}x |",
            flush=True,
        )


if __name__ == "__main__":
    main()
