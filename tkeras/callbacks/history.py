"""``History``: records each epoch's logs; ``fit()`` returns it."""

from __future__ import annotations

from typing import Any

from tkeras.callbacks.callback import Callback


class History(Callback):
    """Records the epoch logs of ``fit()``: ``history.history["loss"]`` is one value per epoch.

    ``fit()`` adds one automatically and returns it; it is also ``model.history``.

    Example:
        >>> import numpy as np, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((2,)), tkeras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0)
        >>> list(h.history), len(h.history["loss"])
        (['loss'], 2)
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self
