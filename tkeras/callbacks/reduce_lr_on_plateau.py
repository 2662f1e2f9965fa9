"""``ReduceLROnPlateau``: lower the learning rate when a monitored quantity plateaus."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tkeras.callbacks.monitor_callback import MonitorCallback
from tkeras.trainers.optim import get_learning_rate, set_learning_rate
from tkeras.utils.progbar import print_msg


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Also logs the current ``learning_rate`` in each epoch's logs (so History records it).
    Works with tkeras optimizers and with a ``torch.optim`` optimizer given to compile (all
    of its param groups).

    Args:
        monitor: the log key to watch.
        factor: the factor the learning rate is multiplied by (< 1).
        patience: the number of epochs without improvement before reducing.
        verbose: 1 prints a message on each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: the smallest change that counts as an improvement.
        cooldown: the number of epochs to wait after a reduction before counting again.
        min_lr: the lower bound of the learning rate.

    Differences from Keras: unknown keyword arguments raise instead of being ignored.

    Example:
        >>> import tkeras
        >>> reduce = tkeras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to ReduceLROnPlateau: {kwargs}"
            )
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = get_learning_rate(optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = get_learning_rate(optimizer)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    set_learning_rate(optimizer, new_lr)
                    if self.verbose > 0:
                        print_msg(
                            f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning "
                            f"rate to {new_lr}."
                        )
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
