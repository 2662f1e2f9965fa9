"""CosineDecayRestarts: cosine decay that restarts, each period ``t_mul`` times longer (SGDR)."""

from __future__ import annotations

import math
from typing import Any

from tkeras.optimizers.schedules._base import SCHEDULES, LearningRateSchedule, positive_steps


@SCHEDULES.register("CosineDecayRestarts")
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    The first period lasts ``first_decay_steps``; period ``i`` lasts ``t_mul**i`` times as long
    and starts from ``m_mul**i`` times the initial rate. Within a period the rate follows
    ``lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + cos(pi * fraction)) + alpha)``.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: positive; the length of the first period.
        t_mul: how much longer each period is than the previous one.
        m_mul: how much lower each period starts than the previous one.
        alpha: the minimum rate as a fraction of ``initial_learning_rate``.
        name: the schedule's name.

    Example:
        >>> s = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0)
        >>> s(0), s(10)
        (1.0, 1.0)
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = positive_steps(
            type(self).__name__, "first_decay_steps", first_decay_steps
        )
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> float:
        fraction = float(step) / self.first_decay_steps
        t_mul = self._t_mul
        if t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # Periods grow geometrically: restart i starts at fraction (1 - t_mul**i)/(1 - t_mul).
            restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            start = (1.0 - t_mul**restart) / (1.0 - t_mul)
            fraction = (fraction - start) / t_mul**restart
        cosine = 0.5 * self._m_mul**restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
