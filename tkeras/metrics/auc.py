"""AUC: the area under the ROC or precision-recall curve, from counts at fixed thresholds."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tkeras.config import epsilon
from tkeras.metrics.confusion import _divide_no_nan
from tkeras.metrics.confusion_matrix import confusion_counts, evenly_distributed
from tkeras.metrics.metric import Metric

# The spellings Keras accepts, and the canonical value each stands for.
CURVES = {
    "roc": "ROC",
    "ROC": "ROC",
    "pr": "PR",
    "PR": "PR",
    "prgain": "PRGAIN",
    "PRGAIN": "PRGAIN",
}
SUMMATIONS = {
    "interpolation": "interpolation",
    "Interpolation": "interpolation",
    "majoring": "majoring",
    "Majoring": "majoring",
    "minoring": "minoring",
    "Minoring": "minoring",
}


class AUC(Metric):
    """Area under the ROC or PR curve, approximated with a Riemann sum over thresholds.

    Args:
        num_thresholds: how many evenly spaced thresholds to use (> 1); ignored when
            ``thresholds`` is given.
        curve: ``'ROC'`` (default), ``'PR'`` or ``'PRGAIN'`` (or lower case).
        summation_method: ``'interpolation'`` (default; for PR, Davis & Goadrich's
            interpolation), ``'majoring'`` or ``'minoring'``.
        name: the metric name.
        dtype: the state dtype.
        thresholds: explicit thresholds in [0, 1]; ``-epsilon`` and ``1 + epsilon`` are added.
        multi_label: keep one curve per label (``y_pred`` of rank 2) and average the AUCs.
        num_labels: with ``multi_label``, the number of labels (else taken from the first batch).
        label_weights: per-label weights, for the average over labels (``multi_label``) or for
            the counts (single label).
        from_logits: whether ``y_pred`` holds logits (a sigmoid is applied).

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.AUC(num_thresholds=3)
        >>> m.update_state(torch.tensor([0, 0, 1, 1]), torch.tensor([0.0, 0.5, 0.3, 0.9]))
        >>> m.result().item()
        0.75
    """

    _direction = "up"  # read by callbacks with mode="auto"

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: list[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        if curve not in CURVES:
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
            )
        if summation_method not in SUMMATIONS:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". Expected values are '
                '["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._evenly = evenly_distributed(np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. Received: "
                    f"num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        self.curve = CURVES[curve]
        self.summation_method = SUMMATIONS[summation_method]
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self._from_logits = from_logits
        self._add_constant(
            "_thresholds_tensor", torch.tensor(self._thresholds, dtype=self._torch_dtype)
        )
        self._label_weights = None
        if label_weights is not None:
            weights = torch.as_tensor(np.asarray(label_weights), dtype=self._torch_dtype)
            self._add_constant("_label_weights", weights)
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def label_weights(self) -> torch.Tensor | None:
        """The per-label weights (on the state's device), or None."""
        return self._label_weights

    @property
    def thresholds(self) -> list[float]:
        """The thresholds used, including the ``-epsilon`` and ``1 + epsilon`` ends."""
        return list(self._thresholds)

    def _build(self, shape: tuple[int | None, ...] | None) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}."
                    f" Full shape received for `y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            var_shape: tuple[int, ...] = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape=var_shape, name="true_positives")
        self.false_positives = self.add_variable(shape=var_shape, name="false_positives")
        self.true_negatives = self.add_variable(shape=var_shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape=var_shape, name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = torch.sigmoid(y_pred)
        counts = confusion_counts(
            ("tp", "fp", "tn", "fn"),
            y_true,
            y_pred,
            self._thresholds_tensor,
            evenly=self._evenly,
            widened=True,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            who=self.name,
        )
        self.true_positives.add_(counts["tp"])
        self.false_positives.add_(counts["fp"])
        self.true_negatives.add_(counts["tn"])
        self.false_negatives.add_(counts["fn"])

    def _average_over_labels(self, by_threshold: torch.Tensor) -> torch.Tensor:
        if not self.multi_label:
            return by_threshold.sum()
        by_label = by_threshold.sum(dim=0)
        if self.label_weights is None:
            return by_label.mean()
        return _divide_no_nan((by_label * self.label_weights).sum(), self.label_weights.sum())

    def _interpolate_pr_auc(self) -> torch.Tensor:
        # Davis & Goadrich (2006): precision interpolated along the recall axis per bucket.
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = _divide_no_nan(dtp, dp.clamp(min=0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        safe_p_ratio = torch.where(
            both_positive, _divide_no_nan(p[:-1], p[1:].clamp(min=0)), torch.ones_like(p[1:])
        )
        increment = _divide_no_nan(
            prec_slope * (dtp + intercept * torch.log(safe_p_ratio)), (tp[1:] + fn[1:]).clamp(min=0)
        )
        return self._average_over_labels(increment)

    def result(self) -> torch.Tensor:
        if not self._built:  # multi_label without num_labels and no update yet
            return torch.zeros((), dtype=self._torch_dtype, device=self.device)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        tp, fp, tn, fn = (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        )
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:  # PRGAIN
            scale = _divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * _divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * _divide_no_nan(fp, tp)
            x = torch.where(tp == 0, 0.0, recall_gain).clamp(min=0.0)
            y = torch.where(tp == 0, 1.0, precision_gain)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = torch.minimum(y[:-1], y[1:])
        else:
            heights = torch.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = label_weights.tolist()
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
