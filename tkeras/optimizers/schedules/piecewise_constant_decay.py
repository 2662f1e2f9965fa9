"""PiecewiseConstantDecay: a constant learning rate between step boundaries."""

from __future__ import annotations

import bisect
from typing import Any

from tkeras.optimizers.schedules._base import SCHEDULES, LearningRateSchedule


@SCHEDULES.register("PiecewiseConstantDecay")
class PiecewiseConstantDecay(LearningRateSchedule):
    """Piecewise constant learning rate: ``values[i]`` between ``boundaries[i-1]`` and ``[i]``.

    The rate is ``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, and ``values[-1]`` after the last boundary.

    Args:
        boundaries: increasing step numbers.
        values: one more value than boundaries.
        name: the schedule's name.

    Example:
        >>> s = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
        >>> s(100), s(101), s(500)
        (1.0, 0.5, 0.1)
    """

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"{type(self).__name__}: the length of `boundaries` should be 1 less than the "
                f"length of `values`. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Any:
        # The number of boundaries strictly below the step picks the value (boundaries inclusive
        # on the left piece, as in Keras).
        return self.values[bisect.bisect_left(self.boundaries, float(step))]

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
