"""F-scores: FBetaScore and F1Score, per class or averaged (micro, macro, weighted)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.config import epsilon
from tkeras.losses.shapes import check_same_shape
from tkeras.metrics.metric import Metric

AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """The F-beta score, ``(1 + b^2) * P * R / (b^2 * P + R)``, for multi-class/label outputs.

    Args:
        average: None (one score per class), ``'micro'`` (pool all classes), ``'macro'`` (mean
            of the per-class scores) or ``'weighted'`` (mean weighted by class support).
        beta: the weight of recall relative to precision (a float > 0).
        threshold: predictions above it are positive; None marks each row's maximum instead.
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.FBetaScore(beta=2.0, average="micro", threshold=0.5)
        >>> m.update_state(torch.tensor([[1.0, 0.0], [0.0, 1.0]]),
        ...                torch.tensor([[0.9, 0.8], [0.2, 0.7]]))
        >>> round(m.result().item(), 4)
        0.9091

    Differences from Keras: ``sample_weight`` must be ``(batch,)`` or ``(batch, 1)`` (Keras
    silently builds a ``(batch, batch, classes)`` product from a ``(batch, 1)`` weight), and
    ``y_true``, ``y_pred`` must have equal shapes.
    """

    _direction = "up"  # read by callbacks with mode="auto"

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in AVERAGES:
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average!r}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. Received: "
                f"beta={beta!r} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. Received: "
                    f"threshold={threshold!r} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={tuple(y_pred.shape)} and "
                f"y_true.shape={tuple(y_true.shape)}."
            )
        shape = () if self.average == "micro" else (y_pred.shape[-1],)
        for attr in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            self.add_variable(shape=shape, name=attr)
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        y_true, y_pred = y_true.to(self._torch_dtype), y_pred.to(self._torch_dtype)
        if not self._built:
            self._build(y_true, y_pred)
        check_same_shape(y_true, y_pred, self.name)
        if self.threshold is None:
            row_max = y_pred.amax(dim=-1, keepdim=True)
            # ties at the row maximum all count; an all-zero row predicts nothing
            predicted = (y_pred >= row_max) & (y_pred.abs() > 1e-9)
        else:
            predicted = y_pred > self.threshold
        y_pred = predicted.to(self._torch_dtype)
        if sample_weight is not None:
            sample_weight = sample_weight.to(self._torch_dtype)
            if sample_weight.ndim == 2 and sample_weight.shape[1] == 1:
                sample_weight = sample_weight.squeeze(1)
            if sample_weight.ndim == 1 and sample_weight.shape[0] == y_true.shape[0]:
                sample_weight = sample_weight.unsqueeze(1)
            elif sample_weight.ndim != 0:
                raise ValueError(
                    f"{self.name}: sample_weight of shape {tuple(sample_weight.shape)} does not "
                    f"match a batch of {y_true.shape[0]}. Expected shape ({y_true.shape[0]},), "
                    f"({y_true.shape[0]}, 1) or a scalar."
                )

        def weighted_sum(value: torch.Tensor) -> torch.Tensor:
            if sample_weight is not None:
                value = value * sample_weight
            return value.sum() if self.axis is None else value.sum(dim=self.axis)

        self.true_positives.add_(weighted_sum(y_pred * y_true))
        self.false_positives.add_(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.add_(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.add_(weighted_sum(y_true))

    def result(self) -> torch.Tensor:
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype, device=self.device)
        eps = epsilon()
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        b2 = self.beta**2
        score = precision * recall / (b2 * precision + recall + eps) * (1 + b2)
        if self.average == "weighted":
            weights = self.intermediate_weights / (self.intermediate_weights.sum() + eps)
            return (score * weights).sum()
        if self.average is not None:
            return score.mean()
        return score

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score, ``2 * P * R / (P + R)``, for multi-class/label outputs.

    Args:
        average: None (one score per class), ``'micro'``, ``'macro'`` or ``'weighted'``.
        threshold: predictions above it are positive; None marks each row's maximum instead.
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.F1Score(average="macro", threshold=0.5)
        >>> m.update_state(torch.tensor([[1.0, 0.0], [0.0, 1.0]]),
        ...                torch.tensor([[0.9, 0.8], [0.2, 0.7]]))
        >>> round(m.result().item(), 4)
        0.8333

    Differences from Keras: see FBetaScore (sample weight and shape checks).
    """

    _direction = "up"  # read by callbacks with mode="auto"

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
