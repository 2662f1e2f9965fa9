"""BackupAndRestore: a killed run resumes where the last backup was taken and ends bit-equal
to an uninterrupted run; backups are atomic and a torn one is never loaded."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys

import numpy as np
import pytest
import torch

import tkeras
from tests._subprocess import HANG_GUARD_S

ROOT = pathlib.Path(__file__).resolve().parents[1]

SCRIPT = """
import os, signal, sys
import numpy as np, torch, tkeras

tkeras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((40, 5)).astype("float32")
y = rng.integers(0, 3, 40)
model = tkeras.Sequential([
    tkeras.Input((5,)),
    tkeras.layers.Dense(8, activation="relu"),
    tkeras.layers.Dropout(0.3),
    tkeras.layers.Dense(3),
])
model.compile(tkeras.optimizers.Adam(0.01),
              tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
kill_at = int(os.environ.get("KILL_AT", "-1"))
seen = [0]

class Kill(tkeras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        seen[0] += 1
        if seen[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

callbacks = [Kill()]
if sys.argv[2] != "none":
    callbacks.insert(0, tkeras.callbacks.BackupAndRestore(sys.argv[2], save_freq=3))
model.fit(x, y, batch_size=8, epochs=3, shuffle=True, callbacks=callbacks, verbose=0)
np.savez(sys.argv[1], *[w for w in model.get_weights()])
"""


def _run(tmp_path, out, backup, kill_at=None):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TKERAS_DEVICE": "cpu"}
    if kill_at is not None:
        env["KILL_AT"] = str(kill_at)
    return subprocess.run(
        [sys.executable, str(script), str(out), backup],
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )


def test_sigkilled_run_resumes_bit_equal_to_an_uninterrupted_run(tmp_path, monkeypatch):
    # The uninterrupted reference runs in this process (one interpreter start less).
    monkeypatch.setattr(sys, "argv", ["train.py", str(tmp_path / "ref.npz"), "none"])
    monkeypatch.delenv("KILL_AT", raising=False)
    exec(compile(SCRIPT, "train.py", "exec"), {"__name__": "train"})
    backup = str(tmp_path / "backup")
    # 5 batches per epoch, a backup every 3: killed at batch 8 (epoch 1, batch 2), the last
    # backup is from batch 6 (epoch 1, batch 0), so the restart resumes mid-epoch.
    killed = _run(tmp_path, tmp_path / "never.npz", backup, kill_at=8)
    assert killed.returncode == -signal.SIGKILL
    meta = json.loads((pathlib.Path(backup) / "training_metadata.json").read_text())
    assert (meta["epoch"], meta["batch"]) == (1, 0)
    resumed = _run(tmp_path, tmp_path / "resumed.npz", backup)
    assert resumed.returncode == 0, resumed.stderr
    a, b = np.load(tmp_path / "ref.npz"), np.load(tmp_path / "resumed.npz")
    assert len(a.files) == len(b.files) == 4
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
    assert not os.path.exists(backup)  # delete_checkpoint=True after completion


def _model(seed=0, units=3):
    tkeras.utils.set_random_seed(seed)
    model = tkeras.Sequential(
        [tkeras.Input((4,)), tkeras.layers.Dense(6), tkeras.layers.Dropout(0.2)]
        + [tkeras.layers.Dense(units)]
    )
    model.compile(tkeras.optimizers.SGD(0.05, momentum=0.9), "mse")
    return model


def _data():
    rng = np.random.default_rng(1)
    return rng.standard_normal((24, 4)).astype("float32"), rng.standard_normal((24, 3))


class _Interrupt(tkeras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("Interrupting!")


def test_epoch_backups_resume_at_the_epoch_like_keras_and_match(tmp_path):
    x, y = _data()
    ref = _model()
    ref.fit(x, y, batch_size=8, epochs=4, verbose=0)
    model = _model()
    backup = tkeras.callbacks.BackupAndRestore(str(tmp_path / "b"))
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(x, y, batch_size=8, epochs=4, callbacks=[backup, _Interrupt(2)], verbose=0)
    fresh = _model()
    torch.manual_seed(123)  # the restart's own state is replaced by the backup's
    history = fresh.fit(x, y, batch_size=8, epochs=4, callbacks=[backup], verbose=0)
    assert history.epoch == [2, 3]  # Keras: only the remaining epochs run
    for a, b in zip(ref.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_torn_backup_is_never_loaded(tmp_path):
    x, y = _data()
    folder = tmp_path / "b"
    cb = tkeras.callbacks.BackupAndRestore(str(folder), double_checkpoint=True)
    model = _model()
    with pytest.raises(RuntimeError):
        model.fit(x, y, batch_size=8, epochs=5, callbacks=[cb, _Interrupt(3)], verbose=0)
    files = sorted(p.name for p in folder.iterdir())
    assert files == [
        "backup-2.weights.h5",
        "backup-3.weights.h5",
        "training_metadata.json",
        "training_metadata.json.bkp",
    ]
    # Tear the latest weights file: the previous backup (epoch 2) is loaded instead.
    latest = folder / "backup-3.weights.h5"
    latest.write_bytes(latest.read_bytes()[:100])
    restarted = _model()
    history = restarted.fit(x, y, batch_size=8, epochs=5, callbacks=[cb], verbose=0)
    assert history.epoch == [2, 3, 4]
    # Without a previous backup a torn one raises and nothing is loaded.
    single = tkeras.callbacks.BackupAndRestore(str(tmp_path / "c"))
    with pytest.raises(RuntimeError):
        _model().fit(x, y, batch_size=8, epochs=3, callbacks=[single, _Interrupt(2)], verbose=0)
    (tmp_path / "c" / "backup-2.weights.h5").write_bytes(b"torn")
    with pytest.raises(OSError, match="is incomplete or corrupted"):
        _model().fit(x, y, batch_size=8, epochs=3, callbacks=[single], verbose=0)


def test_backup_of_another_model_raises_and_overwrites_nothing(tmp_path):
    x, y = _data()
    cb = tkeras.callbacks.BackupAndRestore(str(tmp_path / "b"))
    with pytest.raises(RuntimeError):
        _model().fit(x, y, batch_size=8, epochs=3, callbacks=[cb, _Interrupt(1)], verbose=0)
    before = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    other = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(3)])
    other.compile("sgd", "mse")
    with pytest.raises(ValueError, match="was written by another model"):
        other.fit(x, y, batch_size=8, epochs=3, callbacks=[cb], verbose=0)
    assert {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()} == before


def test_bad_arguments_and_keeping_the_backup(tmp_path):
    with pytest.raises(ValueError, match="Empty `backup_dir` argument passed"):
        tkeras.callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="Received: save_freq=batch. Expected either 'epoch'"):
        tkeras.callbacks.BackupAndRestore(str(tmp_path), save_freq="batch")
    with pytest.raises(ValueError, match="must be at least 1"):
        tkeras.callbacks.BackupAndRestore(str(tmp_path), save_freq=0)
    x, y = _data()
    cb = tkeras.callbacks.BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)
    _model().fit(x, y, batch_size=8, epochs=1, callbacks=[cb], verbose=0)
    assert (tmp_path / "b" / "training_metadata.json").exists()  # kept
