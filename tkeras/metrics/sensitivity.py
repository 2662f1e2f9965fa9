"""Operating-point metrics: sensitivity at specificity, precision at recall, and their duals.

Each accumulates the four confusion counts at ``num_thresholds`` evenly spaced thresholds and
reports the best value of one rate among the thresholds where the other meets its target.
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.metrics.confusion import _divide_no_nan
from tkeras.metrics.confusion_matrix import confusion_counts
from tkeras.metrics.metric import Metric


class _AtOperatingPoint(Metric):
    """Private base: the four counts at evenly spaced thresholds, and the constrained maximum."""

    _direction = "up"  # read by callbacks with mode="auto"
    _target_name: str

    def __init__(
        self, value: float, num_thresholds: int, class_id: int | None, name: str | None, dtype: Any
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if value < 0 or value > 1:
            raise ValueError(
                f"Argument `{self._target_name}` must be in the range [0, 1]. Received: "
                f"{self._target_name}={value}"
            )
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. Received: "
                f"num_thresholds={num_thresholds}"
            )
        self.value = value
        setattr(self, self._target_name, value)
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0] + inner + [1.0], True
        self._add_constant(
            "_thresholds_tensor", torch.tensor(self.thresholds, dtype=self._torch_dtype)
        )
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), name="true_positives")
        self.false_positives = self.add_variable(shape=(n,), name="false_positives")
        self.true_negatives = self.add_variable(shape=(n,), name="true_negatives")
        self.false_negatives = self.add_variable(shape=(n,), name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        counts = confusion_counts(
            ("tp", "fp", "tn", "fn"),
            y_true,
            y_pred,
            self._thresholds_tensor,
            evenly=self._evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
            who=self.name,
        )
        self.true_positives.add_(counts["tp"])
        self.false_positives.add_(counts["fp"])
        self.true_negatives.add_(counts["tn"])
        self.false_negatives.add_(counts["fn"])

    def _rates(self) -> dict[str, torch.Tensor]:
        tp, fp, tn, fn = (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        )
        return {
            "sensitivity": _divide_no_nan(tp, tp + fn),
            "specificity": _divide_no_nan(tn, tn + fp),
            "precision": _divide_no_nan(tp, tp + fp),
        }

    def _max_where_at_least(
        self, constrained: torch.Tensor, dependent: torch.Tensor
    ) -> torch.Tensor:
        feasible = constrained >= self.value
        return torch.where(feasible, dependent, 0.0).max().clamp(min=0.0)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._target_name: self.value,
        }


_ARGS = """
    Args:
        {target}: the target value of the constrained rate, in [0, 1].
        num_thresholds: how many evenly spaced thresholds to evaluate (1 uses just 0.5).
        class_id: compute the metric for this class (column) only.
        name: the metric name.
        dtype: the state dtype.
"""


class SensitivityAtSpecificity(_AtOperatingPoint):
    __doc__ = (
        "The best sensitivity (recall) among thresholds with specificity >= the target.\n"
        + _ARGS.format(target="specificity")
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.SensitivityAtSpecificity(0.5)
        >>> m.update_state(torch.tensor([0, 0, 0, 1, 1]), torch.tensor([0.0, 0.3, 0.8, 0.3, 0.8]))
        >>> m.result().item()
        0.5
    """
    )
    _target_name = "specificity"

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._max_where_at_least(rates["specificity"], rates["sensitivity"])


class SpecificityAtSensitivity(_AtOperatingPoint):
    __doc__ = (
        "The best specificity among thresholds with sensitivity (recall) >= the target.\n"
        + _ARGS.format(target="sensitivity")
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.SpecificityAtSensitivity(0.5)
        >>> m.update_state(torch.tensor([0, 0, 0, 1, 1]), torch.tensor([0.0, 0.3, 0.8, 0.3, 0.8]))
        >>> round(m.result().item(), 4)
        0.6667
    """
    )
    _target_name = "sensitivity"

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._max_where_at_least(rates["sensitivity"], rates["specificity"])


class PrecisionAtRecall(_AtOperatingPoint):
    __doc__ = (
        "The best precision among thresholds with recall >= the target.\n"
        + _ARGS.format(target="recall")
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.PrecisionAtRecall(0.5)
        >>> m.update_state(torch.tensor([0, 0, 0, 1, 1]), torch.tensor([0.0, 0.3, 0.8, 0.3, 0.8]))
        >>> m.result().item()
        0.5
    """
    )
    _target_name = "recall"

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._max_where_at_least(rates["sensitivity"], rates["precision"])


class RecallAtPrecision(_AtOperatingPoint):
    __doc__ = (
        "The best recall among thresholds with precision >= the target.\n"
        + _ARGS.format(target="precision")
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.RecallAtPrecision(0.5)
        >>> m.update_state(torch.tensor([0, 0, 0, 1, 1]), torch.tensor([0.0, 0.3, 0.8, 0.3, 0.8]))
        >>> m.result().item()
        1.0
    """
    )
    _target_name = "precision"

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self) -> torch.Tensor:
        rates = self._rates()
        return self._max_where_at_least(rates["precision"], rates["sensitivity"])
