"""``BackupAndRestore``: back up the training state and resume an interrupted ``fit`` exactly."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from typing import Any

import numpy as np
import torch

from tkeras.callbacks.callback import Callback
from tkeras.distribute.process_group import is_chief
from tkeras.saving.atomic import atomic_path

_METADATA = "training_metadata.json"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rng_state() -> dict[str, Any]:
    """Every random generator training reads (torch CPU/CUDA, numpy, Python), JSON-ready."""
    np_state = np.random.get_state()
    state = {
        "torch": torch.get_rng_state().tolist(),
        "numpy": [np_state[0], np_state[1].tolist(), *np_state[2:]],
        "python": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = [s.tolist() for s in torch.cuda.get_rng_state_all()]
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what ``rng_state`` returned."""
    torch.set_rng_state(torch.tensor(state["torch"], dtype=torch.uint8))
    kind, keys, *rest = state["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), *rest))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([torch.tensor(s, dtype=torch.uint8) for s in state["cuda"]])


def _fingerprint(model: Any) -> list[list[Any]]:
    # Names without the layers' auto-numbering (dense_3/kernel): a restarted script's layers
    # get other numbers.
    return [[w.name.rsplit("/", 1)[-1], list(w.shape)] for w in model.weights]


class BackupAndRestore(Callback):
    """Back up the training state so an interrupted ``fit`` resumes where the backup was taken.

    At each backup (every epoch end, or every ``save_freq`` batches) the weights and the
    optimizer state go to a new ``.weights.h5`` file, then ``training_metadata.json`` is
    replaced atomically; it names that file with its SHA-256, the epoch, the batch and the
    random generators' states. A job killed at any point (SIGKILL included) and started again
    with the same callback resumes from the last complete backup: the epoch, the batches
    already run in it (skipped in the same data order), the optimizer and the generators, so
    with ``shuffle=False`` or a seeded shuffle the final weights equal an uninterrupted run's
    bit for bit on CPU. A torn or corrupted backup is never loaded.

    Args:
        backup_dir: the folder for the backup; used by this callback only.
        save_freq: ``"epoch"`` (back up at each epoch end) or an int (every that many
            batches).
        double_checkpoint: keep the previous backup too, and fall back to it when the
            latest cannot be read.
        delete_checkpoint: delete ``backup_dir`` when training completes.

    Example:
        >>> import os, tempfile, numpy as np, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(1)])
        >>> model.compile("sgd", "mse")
        >>> backup = tkeras.callbacks.BackupAndRestore(os.path.join(tempfile.mkdtemp(), "b"))
        >>> _ = model.fit(np.ones((4, 3)), np.ones(4), epochs=2, callbacks=[backup], verbose=0)

    Differences from Keras: Keras resumes at the start of the backed-up epoch (with
    ``save_freq`` batches the weights are mid-epoch but the epoch restarts) and restores no
    random state; tkeras resumes at the exact batch with the random state, so the resumed
    run is the uninterrupted one. A resumed epoch's logged loss and metrics cover the batches
    run after the restart only. The backup files are tkeras's (a Keras backup folder is not
    read). A backup written by a different model raises instead of being loaded.
    """

    def __init__(
        self,
        backup_dir: str,
        save_freq: Any = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. Expected either 'epoch' or an integer value."
            )
        if save_freq != "epoch" and save_freq < 1:
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                "An integer `save_freq` must be at least 1."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._metadata_path = os.path.join(self.backup_dir, _METADATA)
        self._prev_metadata_path = f"{self._metadata_path}.bkp"
        self._epoch = 0
        self._epoch_rng: dict[str, Any] | None = None
        self._batches = 0
        self._serial = 0

    # ------------------------------------------------------------------ restoring

    def _read(self, path: str) -> dict[str, Any] | None:
        """A backup's metadata if it and its weights file are complete, else None."""
        try:
            with open(path) as f:
                meta = json.load(f)
            weights = os.path.join(self.backup_dir, meta["weights"])
            if _sha256(weights) != meta["sha256"]:
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return meta

    def on_train_begin(self, logs: Any = None) -> None:
        model = self.model
        if not os.path.exists(self._metadata_path) and not os.path.exists(self._prev_metadata_path):
            return
        meta = self._read(self._metadata_path)
        if meta is None and self.double_checkpoint:
            meta = self._read(self._prev_metadata_path)
        if meta is None:
            raise OSError(
                f"BackupAndRestore: the backup in {self.backup_dir!r} is incomplete or corrupted "
                "(its weights file is missing or does not match its checksum) and no previous "
                "backup could be read (double_checkpoint=True keeps one). Delete the folder to "
                "start over."
            )
        if meta.get("model") != _fingerprint(model):
            raise ValueError(
                f"BackupAndRestore: the backup in {self.backup_dir!r} was written by another "
                f"model (weights {meta.get('model')}) and does not fit model {model.name!r} "
                f"(weights {_fingerprint(model)}). Use a separate backup_dir per model; nothing "
                "was loaded or overwritten."
            )
        optimizer = model.optimizer
        if optimizer is not None and hasattr(optimizer, "built") and not optimizer.built:
            optimizer.build(model.trainable_weights)
        model.load_weights(os.path.join(self.backup_dir, meta["weights"]))
        self._serial = meta["serial"]
        self._epoch = meta["epoch"]
        skip = meta["batch"]
        if skip is None:
            set_rng_state(meta["rng"])
        else:
            # Mid-epoch: the epoch restarts from its start state (same data order), the
            # batches already run are skipped, then the generators take their batch state.
            set_rng_state(meta["epoch_rng"])
            object.__setattr__(model, "_resume_skip", (skip + 1, meta["rng"]))
        object.__setattr__(model, "_initial_epoch", self._epoch)

    # ------------------------------------------------------------------ backing up

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._epoch = epoch
        if self.save_freq != "epoch":
            self._epoch_rng = rng_state()

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches += 1
        if self._batches >= self.save_freq:
            self._batches = 0
            self._save(self._epoch, batch)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch + 1, None)

    def _save(self, epoch: int, batch: int | None) -> None:
        if not is_chief():  # under torchrun every rank restores, rank 0 alone writes
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        self._serial += 1
        name = f"backup-{self._serial}.weights.h5"
        path = os.path.join(self.backup_dir, name)
        self.model.save_weights(path)  # atomic (temp file + rename)
        meta = {
            "epoch": epoch,
            "batch": batch,
            "serial": self._serial,
            "weights": name,
            "sha256": _sha256(path),
            "model": _fingerprint(self.model),
            "rng": rng_state(),
            "epoch_rng": self._epoch_rng if batch is not None else None,
        }
        keep = {name}
        if self.double_checkpoint and os.path.exists(self._metadata_path):
            previous = self._read(self._metadata_path)
            if previous is not None:
                with atomic_path(self._prev_metadata_path) as tmp:
                    shutil.copyfile(self._metadata_path, tmp)
                keep.add(previous["weights"])
        with atomic_path(self._metadata_path) as tmp, open(tmp, "w") as f:
            json.dump(meta, f)
        # Only now is the new backup the one loaded: older weight files can go.
        for entry in os.listdir(self.backup_dir):
            if entry.startswith("backup-") and entry.endswith(".weights.h5") and entry not in keep:
                os.remove(os.path.join(self.backup_dir, entry))

    def on_train_end(self, logs: Any = None) -> None:
        if self.delete_checkpoint and is_chief() and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
