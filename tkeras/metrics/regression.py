"""Regression metrics: mean squared/absolute/percentage/log errors, RMSE, cosine, log-cosh."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.losses.regression import (
    _l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from tkeras.losses.shapes import float_pair
from tkeras.metrics.reduction import Mean, _KerasMeanMetric


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """Cosine similarity per sample (+1 for parallel vectors; the loss form is its negative)."""
    y_true, y_pred = float_pair(y_true, y_pred, "cosine_similarity")
    return (_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis)).sum(dim=axis)


class MeanSquaredError(_KerasMeanMetric):
    """The running mean of the squared error between ``y_true`` and ``y_pred``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.MeanSquaredError()
        >>> m.update_state(torch.tensor([[0.0, 1.0]]), torch.tensor([[1.0, 1.0]]))
        >>> m.result().item()
        0.5
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(mean_squared_error)

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class MeanAbsoluteError(_KerasMeanMetric):
    """The running mean of the absolute error between ``y_true`` and ``y_pred``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.MeanAbsoluteError()
        >>> m.update_state(torch.tensor([[0.0, 1.0]]), torch.tensor([[1.0, 1.0]]))
        >>> m.result().item()
        0.5
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(mean_absolute_error)

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class MeanAbsolutePercentageError(_KerasMeanMetric):
    """The running mean absolute percentage error, ``100 * |(t - p) / t|``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.MeanAbsolutePercentageError()
        >>> m.update_state(torch.tensor([[2.0]]), torch.tensor([[1.0]]))
        >>> m.result().item()
        50.0
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(mean_absolute_percentage_error)

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class MeanSquaredLogarithmicError(_KerasMeanMetric):
    """The running mean squared logarithmic error, ``(log(p + 1) - log(t + 1)) ** 2``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.MeanSquaredLogarithmicError()
        >>> m.update_state(torch.tensor([[0.0]]), torch.tensor([[1.0]]))
        >>> round(m.result().item(), 4)
        0.4805
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class CosineSimilarity(_KerasMeanMetric):
    """The running mean cosine similarity between ``y_true`` and ``y_pred`` along ``axis``.

    Args:
        name: the metric name.
        dtype: the state dtype.
        axis: the axis along which the similarity is computed.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.CosineSimilarity()
        >>> m.update_state(torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]]))
        >>> m.result().item()
        1.0

    Differences from Keras: ``get_config()`` includes ``axis`` (Keras drops it).
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(cosine_similarity)

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(name, dtype, axis=axis)


class LogCoshError(_KerasMeanMetric):
    """The running mean of ``log(cosh(y_pred - y_true))``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.LogCoshError()
        >>> m.update_state(torch.tensor([[0.0]]), torch.tensor([[1.0]]))
        >>> round(m.result().item(), 4)
        0.4338
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(log_cosh)

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class RootMeanSquaredError(Mean):
    """The root of the running mean squared error (RMSE) between ``y_true`` and ``y_pred``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.RootMeanSquaredError()
        >>> m.update_state(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]))
        >>> round(m.result().item(), 4)
        3.5355
    """

    _direction = "down"  # read by callbacks with mode="auto"

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        y_true, y_pred = float_pair(
            y_true.to(self._torch_dtype), y_pred.to(self._torch_dtype), self.name
        )
        self._accumulate(torch.square(y_pred - y_true), sample_weight, None)

    def result(self) -> torch.Tensor:
        return torch.sqrt(super().result())
