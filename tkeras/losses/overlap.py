"""Overlap losses for segmentation: Dice and Tversky."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.config import epsilon
from tkeras.losses.loss import _KerasLoss
from tkeras.losses.shapes import float_pair

Axis = int | tuple[int, ...] | list[int] | None


def _sum(x: torch.Tensor, axis: Axis) -> torch.Tensor:
    return x.sum() if axis is None else x.sum(dim=axis)


def dice(y_true: Any, y_pred: Any, axis: Axis = None) -> torch.Tensor:
    """Dice loss: ``1 - 2 * sum(t * p) / (sum(t) + sum(p) + eps)`` over ``axis``.

    Args:
        y_true: target masks.
        y_pred: predicted masks.
        axis: the axes summed over; None sums everything (one value for the whole batch).

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.dice(torch.ones(2, 2), torch.ones(2, 2)).abs() < 1e-6
        tensor(True)
    """
    y_true, y_pred = float_pair(y_true, y_pred, "dice")
    intersection = _sum(y_true * y_pred, axis)
    total = _sum(y_true, axis) + _sum(y_pred, axis) + epsilon()
    return 1 - 2.0 * intersection / total


def tversky(
    y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Axis = None
) -> torch.Tensor:
    """Tversky loss: ``1 - TP / (TP + alpha * FP + beta * FN + eps)`` over ``axis``.

    Args:
        y_true: target masks.
        y_pred: predicted masks.
        alpha: the weight of false positives.
        beta: the weight of false negatives.
        axis: the axes summed over; None sums everything.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.tversky(torch.ones(2, 2), torch.ones(2, 2)).abs() < 1e-6
        tensor(True)
    """
    y_true, y_pred = float_pair(y_true, y_pred, "tversky")
    intersection = _sum(y_true * y_pred, axis)
    fp = _sum((1 - y_pred) * y_true, axis)
    fn = _sum(y_pred * (1 - y_true), axis)
    return 1 - intersection / (intersection + fp * alpha + fn * beta + epsilon())


class Dice(_KerasLoss):
    """Dice loss for segmentation: one minus the Dice coefficient of target and prediction.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        axis: the axes summed over; None sums everything.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.Dice(axis=(1, 2))
        >>> loss(torch.ones(2, 4, 4), torch.zeros(2, 4, 4)).item()
        1.0
    """

    _fn = staticmethod(dice)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "dice",
        axis: Axis = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, axis=axis)


class Tversky(_KerasLoss):
    """Tversky loss for segmentation: a Dice loss with separate false-positive/negative weights.

    Args:
        alpha: the weight of false positives.
        beta: the weight of false negatives.
        reduction: see ``Loss``.
        name: the loss name.
        axis: the axes summed over; None sums everything.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.Tversky(axis=(1, 2))
        >>> loss(torch.ones(2, 4, 4), torch.zeros(2, 4, 4)).item()
        1.0
    """

    _fn = staticmethod(tversky)

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str = "tversky",
        axis: Axis = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)
