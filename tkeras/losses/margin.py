"""Hinge (margin) losses for maximum-margin classifiers: hinge, squared and categorical hinge."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.losses.loss import _KerasLoss
from tkeras.losses.shapes import float_pair


def _to_signed_labels(y_true: torch.Tensor) -> torch.Tensor:
    # Keras maps {0, 1} labels to {-1, 1} when every label is 0 or 1; torch.where on the 0-d
    # flag keeps that decision on the device (no host sync).
    is_binary = ((y_true == 0) | (y_true == 1)).all()
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Hinge loss per sample: ``mean(max(1 - y_true * y_pred, 0), axis=-1)``.

    Args:
        y_true: labels in {-1, 1}; labels that are all 0 or 1 are mapped to {-1, 1}.
        y_pred: predictions (raw scores).

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "hinge")
    y_true = _to_signed_labels(y_true)
    return torch.clamp(1.0 - y_true * y_pred, min=0.0).mean(dim=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Squared hinge loss per sample: ``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``.

    Args:
        y_true: labels in {-1, 1}; labels that are all 0 or 1 are mapped to {-1, 1}.
        y_pred: predictions (raw scores).

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.squared_hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]))
        tensor([1.2500])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "squared_hinge")
    y_true = _to_signed_labels(y_true)
    return torch.square(torch.clamp(1.0 - y_true * y_pred, min=0.0)).mean(dim=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Categorical hinge loss per sample: ``max(max_neg - pos + 1, 0)`` over one-hot labels.

    Args:
        y_true: one-hot labels.
        y_pred: predictions (raw scores), the same shape.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.categorical_hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.9]]))
        tensor([0.3000])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "categorical_hinge")
    pos = (y_true * y_pred).sum(dim=-1)
    neg = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return torch.clamp(neg - pos + 1.0, min=0.0)


class Hinge(_KerasLoss):
    """Hinge loss for labels in {-1, 1} (0/1 labels are mapped): ``max(1 - y * p, 0)``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.Hinge()(torch.tensor([[1.0]]), torch.tensor([[0.25]])).item()
        0.75
    """

    _fn = staticmethod(hinge)

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "hinge", dtype: Any = None
    ) -> None:
        super().__init__(reduction, name, dtype)


class SquaredHinge(_KerasLoss):
    """Squared hinge loss for labels in {-1, 1} (0/1 labels are mapped): ``max(1 - y*p, 0)**2``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.SquaredHinge()(torch.tensor([[1.0]]), torch.tensor([[0.5]])).item()
        0.25
    """

    _fn = staticmethod(squared_hinge)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "squared_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


class CategoricalHinge(_KerasLoss):
    """Categorical hinge loss over one-hot labels: ``max(max_neg - pos + 1, 0)``.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.CategoricalHinge()
        >>> round(loss(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.9]])).item(), 4)
        0.3
    """

    _fn = staticmethod(categorical_hinge)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
