"""Data-parallel fit under torchrun (2 processes, Gloo on CPU): the single-process History
and weights; bad launches raise clear errors."""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys

import numpy as np
import pytest

import tkeras

ROOT = pathlib.Path(__file__).resolve().parents[1]

SCRIPT = """
import json, os, sys
import numpy as np, tkeras

def run(rows, batch_size=8):
    tkeras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 5)).astype("float32")[:rows]
    y = rng.integers(0, 3, 40)[:rows]
    model = tkeras.Sequential([
        tkeras.Input((5,)), tkeras.layers.Dense(8, activation="relu"), tkeras.layers.Dense(3)
    ])
    model.compile(tkeras.optimizers.Adam(0.01),
                  tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=batch_size, epochs=3, shuffle=True,
                        validation_data=(x[:16], y[:16]), verbose=0)
    return model, history

if len(sys.argv) > 2:  # under torchrun: first, ranks that disagree on the data size
    rank = int(os.environ["RANK"])
    try:
        run(40 if rank == 0 else 32)
        raise SystemExit("no error for mismatched data")
    except ValueError as error:
        assert "the ranks disagree on the training data size" in str(error), error
model, history = run(40)
if os.environ.get("RANK", "0") == "0":
    np.savez(sys.argv[1], *model.get_weights())
    with open(sys.argv[1] + ".json", "w") as f:
        json.dump(history.history, f)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_torchrun_two_processes_match_one_process(tmp_path, monkeypatch):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    monkeypatch.setattr(sys, "argv", ["train.py", str(tmp_path / "one.npz")])
    exec(compile(SCRIPT, "train.py", "exec"), {"__name__": "train"})
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TKERAS_DEVICE": "cpu"}
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc_per_node=2",
            f"--master_port={_free_port()}",
            str(script),
            str(tmp_path / "two.npz"),
            "torchrun",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,  # a hang (a rank stuck in a collective) fails instead of blocking
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    one = json.loads((tmp_path / "one.npz.json").read_text())
    two = json.loads((tmp_path / "two.npz.json").read_text())
    assert sorted(one) == sorted(two) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in one:
        np.testing.assert_allclose(two[key], one[key], rtol=1e-5, atol=1e-5)
    a, b = np.load(tmp_path / "one.npz"), np.load(tmp_path / "two.npz")
    for key in a.files:
        np.testing.assert_allclose(b[key], a[key], rtol=1e-5, atol=1e-5)


def test_batch_size_not_divisible_by_world_size_raises(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"batch_size=7 .* divisible by .* WORLD_SIZE=2"):
        model.fit(np.ones((14, 3)), np.ones(14), batch_size=7, verbose=0)
