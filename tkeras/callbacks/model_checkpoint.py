"""``ModelCheckpoint``: save the model (Keras ``.keras``/``.weights.h5`` or torch ``.pt``)."""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

import torch

from tkeras.callbacks.monitor_callback import MonitorCallback
from tkeras.utils.progbar import print_msg

_TORCH_EXTENSIONS = (".pt", ".pth")


def atomic_torch_save(obj: Any, filepath: str) -> None:
    """``torch.save`` to a temp file in the same folder, then rename: never a partial file."""
    folder = os.path.dirname(filepath) or "."
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def optimizer_state(optimizer: Any) -> Any:
    """A torch optimizer's ``state_dict()``; for a tkeras optimizer its variables as tensors
    keyed ``'0'``, ``'1'``, ... (restore with ``load_own_variables``); None without one."""
    if optimizer is None:
        return None
    if hasattr(optimizer, "state_dict"):
        return optimizer.state_dict()
    store: dict[str, Any] = {}
    optimizer.save_own_variables(store)
    return {k: torch.as_tensor(v) for k, v in store.items()}


class ModelCheckpoint(MonitorCallback):
    """Saves the model's weights after each epoch (or every ``save_freq`` batches).

    ``filepath`` may hold format fields filled from the epoch (1-based), the batch and the
    logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.pt"``. Files are written atomically (a temp
    file in the same folder, then ``os.replace``).

    Args:
        filepath: where to save: ``.keras`` (or legacy ``.h5``) for the whole model,
            ``.weights.h5`` with ``save_weights_only=True`` — Keras's formats, readable by
            Keras — or ``.pt``/``.pth`` for a torch checkpoint.
        monitor: the log key ``save_best_only`` and ``mode`` look at.
        verbose: 1 prints a message when saving (or not).
        save_best_only: save only when ``monitor`` improves on the best so far.
        save_weights_only: True writes only the weights (``model.save_weights``, or
            ``model.state_dict()`` for ``.pt``); False writes the whole model
            (``model.save``, or for ``.pt`` a training checkpoint ``{"epoch",
            "model_state_dict", "optimizer_state_dict"}`` — a tkeras optimizer's state is its
            variables, keyed ``'0'``, ``'1'``, ...; restore them with
            ``optimizer.load_own_variables``).
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or a number of batches between saves.
        initial_value_threshold: the initial best value for ``save_best_only``.

    Differences from Keras: torch ``.pt``/``.pth`` paths are accepted too (load them with
    ``model.load_state_dict(torch.load(path))``).

    Example:
        >>> import tkeras
        >>> ckpt = tkeras.callbacks.ModelCheckpoint("ckpt-{epoch:02d}.pt",
        ...                                         save_weights_only=True)
    """

    _chief_only = True

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or "
                "integer values"
            )
        self._torch_format = self.filepath.endswith(_TORCH_EXTENSIONS)
        if self._torch_format:
            pass
        elif save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError(
                "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                "provided must end in `.weights.h5` (Keras weights format) or `.pt`/`.pth` "
                f"(a torch state_dict). Received: filepath={self.filepath}"
            )
        elif not save_weights_only and not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format) or "
                f"`.pt`/`.pth` (a torch checkpoint). Received: filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            )
        if not self._should_save_model(epoch, logs, filepath):
            return
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self._torch_format:
            atomic_torch_save(self._checkpoint(epoch), filepath)
        elif self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)  # atomic
        else:
            self.model.save(filepath, overwrite=True)  # atomic
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _checkpoint(self, epoch: int) -> Any:
        model = self.model
        if self.save_weights_only:
            return model.state_dict()
        return {
            "epoch": epoch + 1,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer_state(getattr(model, "optimizer", None)),
        }

    def _get_file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from e
