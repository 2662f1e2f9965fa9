"""Correlation and R2 metrics: PearsonCorrelation, ConcordanceCorrelation, R2Score."""

from __future__ import annotations

import warnings
from typing import Any

import torch

from tkeras.config import epsilon
from tkeras.losses.shapes import squeeze_or_expand_to_same_rank
from tkeras.metrics.metric import Metric
from tkeras.metrics.reduction import _KerasMeanMetric


def _pair(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    y_pred = torch.as_tensor(y_pred)
    if not y_pred.is_floating_point():
        y_pred = y_pred.float()
    y_true = torch.as_tensor(y_true, device=y_pred.device).to(y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """Pearson's correlation between ``y_true`` and ``y_pred`` along ``axis``, per sample.

    Example:
        >>> import torch, tkeras
        >>> t, p = torch.tensor([[1.0, 2, 3]]), torch.tensor([[2.0, 4, 6]])
        >>> tkeras.metrics.pearson_correlation(t, p)
        tensor([1.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - y_true.mean(dim=axis, keepdim=True)
    p = y_pred - y_pred.mean(dim=axis, keepdim=True)
    t = t / t.std(dim=axis, keepdim=True, correction=0)
    p = p / p.std(dim=axis, keepdim=True, correction=0)
    return (t * p).mean(dim=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """Lin's concordance correlation along ``axis``, per sample, with Keras's formula (the
    covariance term centers ``y_true`` on the prediction mean, as Keras does)."""
    y_true, y_pred = _pair(y_true, y_pred)
    t_mean = y_true.mean(dim=axis, keepdim=True)
    p_mean = y_pred.mean(dim=axis, keepdim=True)
    t_var = (y_true - t_mean).var(dim=axis, keepdim=True, correction=0)
    p_var = (y_pred - p_mean).var(dim=axis, keepdim=True, correction=0)
    covar = (y_true - p_mean) * (y_pred - p_mean)
    norm = t_var + p_var + (t_mean - p_mean).square()
    return (2 * covar / (norm + epsilon())).mean(dim=axis)


class PearsonCorrelation(_KerasMeanMetric):
    """The running mean of per-sample Pearson correlations.

    Args:
        name: the metric name.
        dtype: the state dtype.
        axis: the axis to correlate along.
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(pearson_correlation)

    def __init__(
        self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1
    ) -> None:
        super().__init__(name, dtype, axis=axis)


class ConcordanceCorrelation(_KerasMeanMetric):
    """The running mean of per-sample concordance correlations.

    Args:
        name: the metric name.
        dtype: the state dtype.
        axis: the axis to correlate along.
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(concordance_correlation)

    def __init__(
        self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1
    ) -> None:
        super().__init__(name, dtype, axis=axis)


_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination (R2) over all updates, per output or aggregated.

    Args:
        class_aggregation: ``'uniform_average'`` (mean over outputs),
            ``'variance_weighted_average'`` or None (one score per output).
        num_regressors: the number of regressors, for the adjusted R2 (0: plain R2).
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.R2Score()
        >>> t, p = torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([[1.0], [2.0], [3.5]])
        >>> m.update_state(t, p)
        >>> round(m.result().item(), 4)
        0.875
    """

    _direction = "up"  # read by callbacks with mode="auto"

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{_AGGREGATIONS}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.add_variable(shape=(), name="num_samples")
        self._built = False

    def _build(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
        if y_pred.dim() != 2 or y_true.dim() != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={tuple(y_pred.shape)} and "
                f"y_true.shape={tuple(y_true.shape)}."
            )
        n = y_pred.shape[-1]
        for attr in ("squared_sum", "sum", "total_mse", "count"):
            self.add_variable(shape=(n,), name=attr)
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        y_true, y_pred = y_true.to(self._torch_dtype), y_pred.to(self._torch_dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true, y_pred)
        if sample_weight is None:
            weight = torch.ones((), dtype=y_true.dtype, device=y_true.device)
        else:
            weight = sample_weight.to(y_true.dtype)
            if weight.dim() == 1:
                weight = weight.unsqueeze(1)
        weight = weight.broadcast_to(y_true.shape)
        weighted = y_true * weight
        self.sum.add_(weighted.sum(0))
        self.squared_sum.add_((y_true * weighted).sum(0))
        self.total_mse.add_(((y_true - y_pred) ** 2 * weight).sum(0))
        self.count.add_(weight.sum(0))
        self.num_samples.add_(y_true.numel())

    def result(self) -> torch.Tensor:
        if not self._built:
            return torch.zeros((), dtype=self._torch_dtype, device=self.device)
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw = 1 - self.total_mse / total
        raw = torch.where(torch.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * raw).sum() / total.sum()
        else:
            score = raw
        if self.num_regressors != 0:
            # The adjusted score needs the sample count on the host (a sync, as in Keras).
            n = float(self.num_samples)
            p = float(self.num_regressors)
            if p > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif p == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            else:
                score = 1 - (1 - score) * (n - 1) / (n - p - 1)
        return score

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
