"""The shared base of callbacks that watch one logged quantity (min or max is better)."""

from __future__ import annotations

import operator
import warnings
from typing import Any

from tkeras.callbacks.callback import Callback


class MonitorCallback(Callback):
    """Tracks the best value of ``monitor`` and decides what counts as an improvement.

    A private base (``EarlyStopping``, ``ModelCheckpoint``, ``ReduceLROnPlateau``); never
    instantiated directly.

    Args:
        monitor: the log key to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (lower is better for losses, and for a
            metric, the direction it declares).
        baseline: the initial best value, or None to take the first value seen.
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: Any = None,
        min_delta: float = 0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = operator.lt
            for metric in _compiled_metrics(self.model):
                direction = getattr(metric, "_direction", None)
                if getattr(metric, "name", None) == name and direction is not None:
                    self.monitor_op = operator.gt if direction == "up" else operator.lt
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    "tkeras isn't able to automatically determine whether that metric should "
                    "be maximized or minimized. Pass `mode='max'` in order to monitor based "
                    "on the highest metric value, or pass `mode='min'` in order to use the "
                    "lowest value."
                )
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))


def _compiled_metrics(model: Any) -> list:
    out = []
    for metric in getattr(model, "metrics", []) if model is not None else []:
        out.extend(getattr(metric, "metrics", [metric]))
    return out
