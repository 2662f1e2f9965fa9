"""Threshold metrics: TruePositives, FalsePositives, TrueNegatives, FalseNegatives, Precision,
Recall."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.metrics.confusion_matrix import (
    NEG_INF,
    confusion_counts,
    evenly_distributed,
    parse_thresholds,
)
from tkeras.metrics.metric import Metric


def _divide_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.where(y == 0, 0.0, x / torch.where(y == 0, 1.0, y))


class _ThresholdMetric(Metric):
    """Private base: thresholds, their device copy, and the count update."""

    def __init__(self, thresholds: Any, default: float, name: str | None, dtype: Any) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default, self.name)
        self._evenly = evenly_distributed(self.thresholds)
        self._widened = self.thresholds[0] < 0 or self.thresholds[-1] > 1
        self._add_constant(
            "_thresholds_tensor", torch.tensor(self.thresholds, dtype=self._torch_dtype)
        )

    def _update(
        self,
        variables: dict[str, torch.Tensor],
        y_true: Any,
        y_pred: Any,
        sample_weight: Any,
        top_k: int | None = None,
        class_id: int | None = None,
    ) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        counts = confusion_counts(
            tuple(variables),
            y_true,
            y_pred,
            self._thresholds_tensor,
            evenly=self._evenly,
            widened=self._widened,
            top_k=top_k,
            class_id=class_id,
            sample_weight=sample_weight,
            who=self.name,
        )
        for kind, attr in variables.items():
            getattr(self, attr).add_(counts[kind])

    def _scalar_if_single(self, value: torch.Tensor) -> torch.Tensor:
        return value[0].clone() if len(self.thresholds) == 1 else value.clone()


class _ConditionCount(_ThresholdMetric):
    """Private base of the four confusion-matrix counts."""

    _kind: str

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds, 0.5, name, dtype)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._update({self._kind: "accumulator"}, y_true, y_pred, sample_weight)

    def result(self) -> torch.Tensor:
        return self._scalar_if_single(self.accumulator)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


_COUNT_ARGS = """
    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction is positive when it is
            above the threshold (default 0.5). With several thresholds the result is a vector.
        name: the metric name.
        dtype: the state dtype.
"""


class TruePositives(_ConditionCount):
    __doc__ = (
        "The (weighted) number of true positives: positive labels predicted positive.\n"
        + _COUNT_ARGS
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.TruePositives()
        >>> m.update_state(torch.tensor([0, 1, 1, 1]), torch.tensor([1.0, 0.0, 1.0, 1.0]))
        >>> m.result().item()
        2.0
    """
    )
    _kind = "tp"


class FalsePositives(_ConditionCount):
    __doc__ = (
        "The (weighted) number of false positives: negative labels predicted positive.\n"
        + _COUNT_ARGS
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.FalsePositives()
        >>> m.update_state(torch.tensor([0, 1, 0, 0]), torch.tensor([0.0, 0.0, 1.0, 1.0]))
        >>> m.result().item()
        2.0
    """
    )
    _kind = "fp"


class TrueNegatives(_ConditionCount):
    __doc__ = (
        "The (weighted) number of true negatives: negative labels predicted negative.\n"
        + _COUNT_ARGS
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.TrueNegatives()
        >>> m.update_state(torch.tensor([0, 1, 0, 0]), torch.tensor([1.0, 1.0, 0.0, 0.0]))
        >>> m.result().item()
        2.0
    """
    )
    _kind = "tn"


class FalseNegatives(_ConditionCount):
    __doc__ = (
        "The (weighted) number of false negatives: positive labels predicted negative.\n"
        + _COUNT_ARGS
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.FalseNegatives()
        >>> m.update_state(torch.tensor([0, 1, 1, 1]), torch.tensor([0.0, 1.0, 0.0, 0.0]))
        >>> m.result().item()
        2.0
    """
    )
    _kind = "fn"


class _PrecisionRecall(_ThresholdMetric):
    """Private base of Precision and Recall: true positives and one error count."""

    _direction = "up"  # read by callbacks with mode="auto"
    _other: tuple[str, str]

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        # With top_k every kept score is "predicted positive": the default threshold is -inf.
        super().__init__(thresholds, 0.5 if top_k is None else NEG_INF, name, dtype)
        self.top_k = top_k
        self.class_id = class_id
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), name="true_positives")
        self.add_variable(shape=(n,), name=self._other[1])

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        variables = {"tp": "true_positives", self._other[0]: self._other[1]}
        self._update(variables, y_true, y_pred, sample_weight, self.top_k, self.class_id)

    def result(self) -> torch.Tensor:
        other = getattr(self, self._other[1])
        value = _divide_no_nan(self.true_positives, self.true_positives + other)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


_PR_ARGS = """
    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction is positive when it is
            above the threshold (default 0.5, or every top-k score with ``top_k``). With several
            thresholds the result is a vector.
        top_k: count only the ``top_k`` highest scores of each row as predictions.
        class_id: compute the metric for this class (column) only.
        name: the metric name.
        dtype: the state dtype.
"""


class Precision(_PrecisionRecall):
    __doc__ = (
        "Precision, ``TP / (TP + FP)``: how many predicted positives are positive.\n"
        + _PR_ARGS
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Precision()
        >>> m.update_state(torch.tensor([0, 1, 1, 1]), torch.tensor([1.0, 0.0, 1.0, 1.0]))
        >>> round(m.result().item(), 4)
        0.6667
    """
    )
    _other = ("fp", "false_positives")


class Recall(_PrecisionRecall):
    __doc__ = (
        "Recall, ``TP / (TP + FN)``: how many positives are predicted positive.\n"
        + _PR_ARGS
        + """
    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Recall()
        >>> m.update_state(torch.tensor([0, 1, 1, 1]), torch.tensor([1.0, 0.0, 1.0, 1.0]))
        >>> round(m.result().item(), 4)
        0.6667
    """
    )
    _other = ("fn", "false_negatives")
