"""CosineDecay: a half-cosine from the initial rate to ``alpha`` times it, with optional warmup."""

from __future__ import annotations

import math
from typing import Any

from tkeras.optimizers.schedules._base import SCHEDULES, LearningRateSchedule, positive_steps


@SCHEDULES.register("CosineDecay")
class CosineDecay(LearningRateSchedule):
    """Cosine learning rate decay (SGDR without restarts), with an optional linear warmup.

    Without warmup the rate is ``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps))
    + alpha)``, held after ``decay_steps``. With ``warmup_target``, the rate first rises linearly
    from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then decays from
    ``warmup_target`` over the next ``decay_steps``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: positive; the length of the decay.
        alpha: the final rate as a fraction of the rate the decay starts from.
        name: the schedule's name.
        warmup_target: the rate reached at the end of warmup; None: no warmup.
        warmup_steps: the length of the warmup.

    Example:
        >>> CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=10)(5)
        0.5
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = positive_steps(type(self).__name__, "decay_steps", decay_steps)
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step: float, decay_from: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return decay_from * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: Any) -> float:
        step = float(step)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            span = self.warmup_target - self.initial_learning_rate
            return span * step / self.warmup_steps + self.initial_learning_rate
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
