"""Data parallelism under torchrun (2 processes, Gloo on CPU): fit, evaluate and predict
equal one process, BatchNormalization(synchronized=True) equals one-process batch norm on the
full batch, keras.distribution's DataParallel runs it, only rank 0 writes; bad launches raise
clear errors."""

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

# Run once in this process and once under torchrun; rank 0 saves what it got.
SCRIPT = """
import json, os, sys
import numpy as np, torch, tkeras

out = sys.argv[1]
launched = len(sys.argv) > 2
rank = int(os.environ.get("RANK", "0"))
if launched and rank:  # rank 1's stdout: it must stay empty
    sys.stdout = open(os.path.join(out, "stdout_r1.txt"), "w")
rng = np.random.default_rng(0)
X = rng.standard_normal((41, 5)).astype("float32")
Y = rng.integers(0, 3, 41)
results = {}
# keras.distribution: one device per process, DataParallel over them
tkeras.distribution.initialize()
devices = tkeras.distribution.list_devices("cpu")
assert devices == [f"cpu:{i}" for i in range(2 if launched else 1)], devices
tkeras.distribution.set_distribution(tkeras.distribution.DataParallel())


def classifier(*middle, steps_per_execution=1):
    tkeras.utils.set_random_seed(0)
    model = tkeras.Sequential([
        tkeras.Input((5,)), tkeras.layers.Dense(8, activation="relu"), *middle,
        tkeras.layers.Dense(3),
    ])
    model.compile(tkeras.optimizers.Adam(0.01),
                  tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    return model


def run(rows, batch_size=8):
    model = classifier()
    history = model.fit(X[:rows], Y[:rows], batch_size=batch_size, epochs=3, shuffle=True,
                        validation_data=(X[:17], Y[:17]), verbose=0)
    return model, history


if launched:  # ranks that disagree on the data size
    try:
        run(40 if rank == 0 else 32)
        raise SystemExit("no error for mismatched data")
    except ValueError as error:
        assert "the ranks disagree on the data size" in str(error), error

# fit: 41 rows in batches of 8, the last batch (1 row) leaves rank 1 an empty shard
model, history = run(41)
results["fit"] = history.history
results["weights"] = [w.tolist() for w in model.get_weights()]
# batches of 8: the last one (1 row) leaves rank 0 an empty shard; of 6: the last splits 2/3
results["evaluate"] = model.evaluate(X, Y, batch_size=8, return_dict=True, verbose=0)
results["evaluate6"] = model.evaluate(X, Y, batch_size=6, return_dict=True, verbose=0)
results["predict"] = model.predict(X, batch_size=8, verbose=0).tolist()
results["predict6"] = model.predict(X, batch_size=6, verbose=0).tolist()

# synchronized batch norm: the statistics of the global batch (the last one: 1 row, on rank 1),
# in executions of 3 batches (the short batch is cut before the two before it run)
model = classifier(tkeras.layers.BatchNormalization(synchronized=True), steps_per_execution=3)
results["sync_bn"] = model.fit(X, Y, batch_size=8, epochs=2, shuffle=True, verbose=0).history
results["sync_bn_weights"] = [w.tolist() for w in model.get_weights()]

# a custom train_step (Keras's torch style): backward() averages the gradients too
class Custom(tkeras.Sequential):
    def train_step(self, data):
        x, y = data[0], data[1]
        self.zero_grad()
        loss = self.compute_loss(x=x, y=y, y_pred=self(x, training=True))
        loss.backward()
        weights = self.trainable_weights
        with torch.no_grad():
            self.optimizer.apply([v.value.grad for v in weights], weights)
        return {"loss": loss.detach()}


tkeras.utils.set_random_seed(0)
model = Custom([tkeras.Input((5,)), tkeras.layers.Dense(4), tkeras.layers.Dense(3)])
model.compile("adam", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(X[:40], Y[:40], batch_size=8, epochs=2, shuffle=False, verbose=0)
results["custom_weights"] = [w.tolist() for w in model.get_weights()]

if launched:  # the callbacks that write act on rank 0 only
    tag = f"r{rank}"
    model.fit(X, Y, batch_size=8, epochs=1, verbose=1, callbacks=[
        tkeras.callbacks.ModelCheckpoint(os.path.join(out, f"ckpt_{tag}.keras")),
        tkeras.callbacks.CSVLogger(os.path.join(out, f"log_{tag}.csv")),
        tkeras.callbacks.TensorBoard(os.path.join(out, f"tb_{tag}")),
        tkeras.callbacks.BackupAndRestore(os.path.join(out, f"backup_{tag}"),
                                          delete_checkpoint=False),
    ])
    model.evaluate(X, Y, verbose=1)
    model.predict(X, verbose=1)

if rank == 0:
    with open(os.path.join(out, "two.json" if launched else "one.json"), "w") as f:
        json.dump(results, f)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_torchrun_two_processes_match_one_process(tmp_path, monkeypatch):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    monkeypatch.setattr(sys, "argv", ["train.py", str(tmp_path)])
    try:
        exec(compile(SCRIPT, "train.py", "exec"), {"__name__": "train"})
    finally:
        tkeras.distribution.set_distribution(None)  # the script sets one in this thread
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
            str(tmp_path),
            "torchrun",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,  # a hang (a rank stuck in a collective) fails instead of blocking
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    one = json.loads((tmp_path / "one.json").read_text())
    two = json.loads((tmp_path / "two.json").read_text())
    assert sorted(one["fit"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert sorted(one["evaluate"]) == ["accuracy", "loss"]
    for key in ("fit", "evaluate", "evaluate6", "sync_bn"):
        for name in one[key]:
            np.testing.assert_allclose(two[key][name], one[key][name], rtol=1e-5, atol=1e-6)
    for key in ("weights", "sync_bn_weights", "custom_weights"):  # BN's moving statistics too
        for a, b in zip(one[key], two[key], strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    # predict: every sample, in order, uneven and empty last shards included
    for key in ("predict", "predict6"):
        assert np.shape(two[key]) == (41, 3)
        np.testing.assert_allclose(two[key], one[key], rtol=1e-5, atol=1e-6)
    # rank 0 printed and wrote; rank 1 stayed silent
    assert "━" in result.stdout
    assert (tmp_path / "stdout_r1.txt").read_text() == ""
    for name in ("ckpt_{}.keras", "log_{}.csv", "tb_{}", "backup_{}"):
        assert (tmp_path / name.format("r0")).exists(), name
        assert not (tmp_path / name.format("r1")).exists(), name


def test_batch_size_not_divisible_by_world_size_raises(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"batch_size=7 .* divisible by .* WORLD_SIZE=2"):
        model.fit(np.ones((14, 3)), np.ones(14), batch_size=7, verbose=0)
