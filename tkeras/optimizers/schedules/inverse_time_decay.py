"""InverseTimeDecay: ``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

from __future__ import annotations

import math
from typing import Any

from tkeras.optimizers.schedules._base import SCHEDULES, LearningRateSchedule, positive_steps


@SCHEDULES.register("InverseTimeDecay")
class InverseTimeDecay(LearningRateSchedule):
    """Inverse time learning rate decay: ``lr / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: positive; the time scale of the decay.
        decay_rate: the decay factor.
        staircase: if True, ``step / decay_steps`` is floored.
        name: the schedule's name.

    Example:
        >>> InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)(10)
        0.05
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
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
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
