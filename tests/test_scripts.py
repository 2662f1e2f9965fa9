"""Smoke run of the layer micro-benchmark (seconds; the real run is `python scripts/...`)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_layers_quick_prints_every_row():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_layers.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    ).stdout
    for row in ("| Dense(", "| Conv2D(", "| LSTM("):
        assert row in out, out
    assert "one extra nn.Module call costs" in out


def test_bench_applications_prints_a_row_per_model():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "torch"}
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_applications.py"), "--models",
         "MobileNet", "--size", "32", "--batch", "1", "--repeats", "1"],
        capture_output=True, text=True, timeout=300, env=env, check=True,
    ).stdout  # fmt: skip
    assert "| MobileNet | " in out, out
