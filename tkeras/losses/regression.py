"""Regression losses: squared, absolute, percentage and log errors, Huber, log-cosh, cosine."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from tkeras.config import epsilon
from tkeras.losses.loss import _KerasLoss
from tkeras.losses.shapes import float_pair


def mean_squared_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean squared error per sample: ``mean((y_true - y_pred) ** 2, axis=-1)``.

    Args:
        y_true: targets.
        y_pred: predictions, the same shape (or differing by a trailing axis of size 1).

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.mean_squared_error(torch.tensor([[0.0, 2.0]]), torch.zeros(1, 2))
        tensor([2.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "mean_squared_error")
    return torch.square(y_true - y_pred).mean(dim=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean absolute error per sample: ``mean(|y_true - y_pred|, axis=-1)``.

    Args:
        y_true: targets.
        y_pred: predictions.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.mean_absolute_error(torch.tensor([[0.0, 2.0]]), torch.zeros(1, 2))
        tensor([1.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "mean_absolute_error")
    return torch.abs(y_true - y_pred).mean(dim=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean absolute percentage error per sample: ``100 * mean(|(t - p) / max(|t|, eps)|)``.

    Args:
        y_true: targets.
        y_pred: predictions.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.mean_absolute_percentage_error(torch.tensor([[2.0]]), torch.ones(1, 1))
        tensor([50.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "mean_absolute_percentage_error")
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=epsilon()))
    return 100.0 * diff.mean(dim=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Mean squared logarithmic error per sample: ``mean((log(p + 1) - log(t + 1)) ** 2)``.

    Negative values count as ``epsilon()`` before the log, as in Keras.

    Args:
        y_true: targets.
        y_pred: predictions.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.mean_squared_logarithmic_error(torch.zeros(1, 1), torch.ones(1, 1))
        tensor([0.4805])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = epsilon()
    first = torch.log(torch.clamp(y_pred, min=eps) + 1.0)
    second = torch.log(torch.clamp(y_true, min=eps) + 1.0)
    return torch.square(first - second).mean(dim=-1)


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    # Keras's form: x * min(rsqrt(sum(x^2)), 1/eps), so an all-zero vector stays zero.
    inv_norm = torch.rsqrt(torch.square(x).sum(dim=axis, keepdim=True))
    return x * torch.clamp(inv_norm, max=1.0 / epsilon())


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> torch.Tensor:
    """Negative cosine similarity per sample (-1 for parallel vectors, the minimum of the loss).

    Args:
        y_true: targets.
        y_pred: predictions.
        axis: the axis along which the similarity is computed.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]]))
        tensor([-1.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "cosine_similarity")
    return -(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis)).sum(dim=axis)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> torch.Tensor:
    """Huber loss per sample: quadratic for errors up to ``delta``, linear beyond.

    Args:
        y_true: targets.
        y_pred: predictions.
        delta: the error at which the loss turns linear.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.huber(torch.zeros(1, 2), torch.tensor([[0.5, 3.0]]))
        tensor([1.3125])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "huber")
    error = y_pred - y_true
    abs_error = torch.abs(error)
    quadratic = 0.5 * torch.square(error)
    linear = delta * abs_error - 0.5 * delta**2
    return torch.where(abs_error <= delta, quadratic, linear).mean(dim=-1)


def log_cosh(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Log-cosh loss per sample: ``mean(log(cosh(y_pred - y_true)))``, computed stably.

    Args:
        y_true: targets.
        y_pred: predictions.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.log_cosh(torch.zeros(1, 1), torch.ones(1, 1))
        tensor([0.4338])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return (x + F.softplus(-2.0 * x) - math.log(2.0)).mean(dim=-1)


class MeanSquaredError(_KerasLoss):
    """Mean squared error loss: the mean of ``(y_true - y_pred) ** 2``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.MeanSquaredError()(torch.zeros(2, 2), torch.ones(2, 2)).item()
        1.0
    """

    _fn = staticmethod(mean_squared_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


class MeanAbsoluteError(_KerasLoss):
    """Mean absolute error loss: the mean of ``|y_true - y_pred|``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.MeanAbsoluteError()(torch.zeros(2, 2), -torch.ones(2, 2)).item()
        1.0
    """

    _fn = staticmethod(mean_absolute_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


class MeanAbsolutePercentageError(_KerasLoss):
    """Mean absolute percentage error loss: ``100 * mean(|(t - p) / t|)``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.MeanAbsolutePercentageError()
        >>> loss(torch.full((2, 2), 2.0), torch.ones(2, 2)).item()
        50.0
    """

    _fn = staticmethod(mean_absolute_percentage_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_percentage_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


class MeanSquaredLogarithmicError(_KerasLoss):
    """Mean squared logarithmic error loss: the mean of ``(log(p + 1) - log(t + 1)) ** 2``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.MeanSquaredLogarithmicError()
        >>> round(loss(torch.zeros(1, 1), torch.ones(1, 1)).item(), 4)
        0.4805
    """

    _fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_logarithmic_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


class CosineSimilarity(_KerasLoss):
    """Cosine similarity loss: minus the cosine between ``y_true`` and ``y_pred`` along ``axis``.

    Args:
        axis: the axis along which the similarity is computed.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.CosineSimilarity()
        >>> round(loss(torch.tensor([[1.0, 1.0]]), torch.ones(1, 2)).item(), 4)
        -1.0

    Differences from Keras: ``get_config()`` includes ``axis`` (Keras drops it).
    """

    _fn = staticmethod(cosine_similarity)

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "cosine_similarity",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, axis=axis)


class Huber(_KerasLoss):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond.

    Args:
        delta: the error at which the loss turns linear.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.Huber(delta=1.0)(torch.zeros(1, 1), torch.full((1, 1), 3.0)).item()
        2.5

    Differences from Keras: ``get_config()`` includes ``delta`` (Keras drops it).
    """

    _fn = staticmethod(huber)

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "huber_loss",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, delta=delta)


class LogCosh(_KerasLoss):
    """Log-cosh loss: the mean of ``log(cosh(y_pred - y_true))``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> round(tkeras.losses.LogCosh()(torch.zeros(1, 1), torch.ones(1, 1)).item(), 4)
        0.4338
    """

    _fn = staticmethod(log_cosh)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "log_cosh",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
