"""Smoke run of the layer micro-benchmark (seconds; the real run is `python scripts/...`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests._subprocess import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[1]


def test_bench_layers_quick_prints_every_row():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_layers.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env=env,
        check=True,
    ).stdout
    for row in ("| Dense(", "| Conv2D(", "| LSTM("):
        assert row in out, out
    assert "one extra nn.Module call costs" in out


def _run(args, timeout=HANG_GUARD_S):
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
    "transfer_learning.py": "fine-tuned: val_accuracy",
}


def test_every_example_is_listed():
    assert sorted(EXAMPLES) == sorted(p.name for p in (ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_help_names_its_flags(name):
    proc = _run([f"examples/{name}", "--help"], timeout=HANG_GUARD_S)
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
    proc = _run(["examples/digits_convnet.py", "--epochs", "many"], timeout=HANG_GUARD_S)
    assert proc.returncode == 2
    assert "argument --epochs: invalid int value: 'many'" in proc.stderr


def _has_gpu():
    import torch

    mps = getattr(torch.backends, "mps", None)
    return torch.cuda.is_available() or (mps is not None and mps.is_available())


def test_gpu_check_without_a_gpu_says_so_in_one_line():
    if _has_gpu():
        pytest.skip("this machine has a GPU: gpu_check.sh would run the GPU suite")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "gpu_check.sh")],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "gpu_check: no usable CUDA or MPS device (or no torch) here; nothing to check.\n"
    )
    assert proc.stderr == ""


def _benchmark_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "tkeras_benchmark", ROOT / "scripts" / "benchmark.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_its_estimate_first_and_each_row_when_measured(capsys, monkeypatch):
    bench = _benchmark_module()
    seen_at_call = []

    def fake_torch(name, *args):
        seen_at_call.append(capsys.readouterr().out)  # what was printed before this model ran
        return [1.0]

    monkeypatch.setattr(bench, "time_torch", fake_torch)
    monkeypatch.setattr(bench, "time_keras_api", lambda lib, name, *args: [2.0])
    bench.main(["--models", "mlp,lstm", "--no-keras", "--epochs", "1"])
    first, second = seen_at_call
    # 2 models x 2 epochs (1 timed + 1 warm-up) x (0.42 + 0.27, 1.05 + 0.98) s/epoch.
    assert first.startswith("Estimated time: about 0 min (5 s) on an idle 2-core CPU")
    assert "| model | samples |" in first and "| mlp |" not in first
    assert second.startswith("| mlp | 20000 | 32 | 1.000 | 2.000 | 2.00x |")
    assert capsys.readouterr().out.startswith("| lstm | 4000 | 32 | 1.000 | 2.000 | 2.00x |")


def test_benchmark_estimate_of_the_full_run_is_about_three_minutes():
    bench = _benchmark_module()
    seconds = bench.estimate_seconds(list(bench.SIZES), epochs=3, repeats=1, has_keras=True)
    assert 170 < seconds < 180


def test_bench_applications_prints_a_row_per_model():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "torch"}
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_applications.py"), "--models",
         "MobileNet", "--size", "32", "--batch", "1", "--repeats", "1"],
        capture_output=True, text=True, timeout=HANG_GUARD_S, env=env, check=True,
    ).stdout  # fmt: skip
    assert "| MobileNet | " in out, out
