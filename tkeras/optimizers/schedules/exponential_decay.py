"""ExponentialDecay: ``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

from __future__ import annotations

import math
from typing import Any

from tkeras.optimizers.schedules._base import SCHEDULES, LearningRateSchedule, positive_steps


@SCHEDULES.register("ExponentialDecay")
class ExponentialDecay(LearningRateSchedule):
    """Exponential learning rate decay: ``lr * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: positive; the rate is multiplied by ``decay_rate`` every ``decay_steps``.
        decay_rate: the decay factor.
        staircase: if True, ``step / decay_steps`` is floored (the rate drops in steps).
        name: the schedule's name.

    Example:
        >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
        0.025
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = positive_steps(type(self).__name__, "decay_steps", decay_steps)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> float:
        p = float(step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate**p

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
