"""Smoke run of the layer micro-benchmark (seconds; the real run is `python scripts/...`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def _run(args, timeout=300):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "torch", "TKERAS_DEVICE": "cpu"}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )


# Each example and a line its --quick run must print (its final result).
EXAMPLES = {
    "digits_convnet.py": "first five predictions",
    "functional_two_heads.py": "digits [",
    "custom_layer_subclassed_model.py": "test accuracy",
    "conv_autoencoder.py": "test reconstruction MSE",
    "augmented_classifier.py": "test accuracy",
    "port_keras_model.py": "Keras reloads the fine-tuned model",
}


def test_every_example_is_listed():
    assert sorted(EXAMPLES) == sorted(p.name for p in (ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_help_names_its_flags(name):
    proc = _run([f"examples/{name}", "--help"], timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: ") and "--epochs" in proc.stdout
    assert "--quick" in proc.stdout
    assert "Epoch" not in proc.stdout  # --help trains nothing


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs_in_quick_mode(name):
    proc = _run([f"examples/{name}", "--quick"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert EXAMPLES[name] in proc.stdout, proc.stdout[-3000:]
    # One epoch: no example trains past it in quick mode.
    assert "Epoch 2/" not in proc.stdout and "torch epoch 2" not in proc.stdout


def test_example_rejects_a_bad_flag():
    proc = _run(["examples/digits_convnet.py", "--epochs", "many"], timeout=60)
    assert proc.returncode == 2
    assert "argument --epochs: invalid int value: 'many'" in proc.stderr
