"""PolynomialDecay: from the initial to the end learning rate along ``(1 - p) ** power``."""

from __future__ import annotations

import math
from typing import Any

from tkeras.optimizers.schedules._base import SCHEDULES, LearningRateSchedule, positive_steps


@SCHEDULES.register("PolynomialDecay")
class PolynomialDecay(LearningRateSchedule):
    """Polynomial learning rate decay: ``(lr - end) * (1 - step/decay_steps)**power + end``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: positive; the step at which ``end_learning_rate`` is reached.
        end_learning_rate: the final rate.
        power: the polynomial's power (1.0: linear).
        cycle: if True, restart the decay every ``decay_steps`` multiple instead of holding
            ``end_learning_rate`` (the span grows to the next multiple of ``decay_steps``).
        name: the schedule's name.

    Example:
        >>> PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)(5)
        0.5
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = positive_steps(type(self).__name__, "decay_steps", decay_steps)
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> float:
        step = float(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            # The first multiple of decay_steps at or above the step (1 at step 0).
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (
            1.0 - p
        ) ** self.power + self.end_learning_rate

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
