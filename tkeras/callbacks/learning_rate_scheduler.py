"""``LearningRateScheduler``: set the learning rate at each epoch from a schedule function."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tkeras.callbacks.callback import Callback
from tkeras.trainers.optim import get_learning_rate, set_learning_rate
from tkeras.utils.progbar import print_msg


class LearningRateScheduler(Callback):
    """Sets the learning rate to ``schedule(epoch, lr)`` (or ``schedule(epoch)``) each epoch.

    Also logs ``learning_rate`` in each epoch's logs. Works with tkeras optimizers and with a
    ``torch.optim`` optimizer (all of its param groups).

    Args:
        schedule: a function of the epoch index (0-based) and the current learning rate
            that returns the new learning rate as a float.
        verbose: 1 prints the new learning rate at each epoch.

    Example:
        >>> import tkeras
        >>> halve = tkeras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, get_learning_rate(optimizer))
        except TypeError:  # A schedule of the epoch alone (the older signature).
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        set_learning_rate(optimizer, float(lr))
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = get_learning_rate(self.model.optimizer)
