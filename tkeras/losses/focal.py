"""Focal crossentropy losses (Lin et al., 2017): crossentropy down-weighting easy examples."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.config import epsilon
from tkeras.losses.crossentropy import _bce, _check_axis, _warn_single_class
from tkeras.losses.loss import _KerasLoss
from tkeras.losses.shapes import float_pair


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary focal crossentropy per sample: BCE scaled by ``(1 - p_t) ** gamma``.

    Args:
        y_true: labels in [0, 1].
        y_pred: probabilities, or logits with ``from_logits=True``.
        apply_class_balancing: weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: the class-balancing weight.
        gamma: the focusing exponent.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5.
        axis: the axis averaged over.

    Example:
        >>> import torch, tkeras
        >>> y = torch.tensor([[0.0, 1.0]]); p = torch.tensor([[0.4, 0.6]])
        >>> tkeras.losses.binary_focal_crossentropy(y, p).shape
        torch.Size([1])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "binary_focal_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = torch.sigmoid(y_pred)
    bce = _bce(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal = torch.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal
    return focal.mean(dim=axis)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Categorical focal crossentropy per sample: CCE scaled by ``alpha * (1 - p) ** gamma``.

    Args:
        y_true: one-hot labels, the same shape as ``y_pred``.
        y_pred: probabilities, or logits with ``from_logits=True``.
        alpha: the weighting factor.
        gamma: the focusing exponent.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: mix labels with the uniform distribution over the last axis.
        axis: the class axis.

    Example:
        >>> import torch, tkeras
        >>> y = torch.tensor([[0.0, 1.0]]); p = torch.tensor([[0.5, 0.5]])
        >>> round(tkeras.losses.categorical_focal_crossentropy(y, p).item(), 5)
        0.04332
    """
    _check_axis(axis, "categorical_focal_crossentropy")
    y_true, y_pred = float_pair(y_true, y_pred, "categorical_focal_crossentropy")
    _warn_single_class(y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        y_pred = torch.softmax(y_pred, dim=axis)
    eps = epsilon()
    output = (y_pred / y_pred.sum(dim=axis, keepdim=True)).clamp(eps, 1.0 - eps)
    cce = -y_true * torch.log(output)
    return (torch.pow(1.0 - output, gamma) * alpha * cce).sum(dim=axis)


class BinaryFocalCrossentropy(_KerasLoss):
    """Binary focal crossentropy loss, which down-weights well-classified examples.

    Args:
        apply_class_balancing: weight positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: the class-balancing weight.
        gamma: the focusing exponent.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5.
        axis: the axis averaged over.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.BinaryFocalCrossentropy(gamma=0.0)
        >>> round(loss(torch.tensor([[1.0]]), torch.tensor([[0.5]])).item(), 4)
        0.6931
    """

    _fn = staticmethod(binary_focal_crossentropy)

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(_KerasLoss):
    """Categorical focal crossentropy loss, which down-weights well-classified examples.

    Args:
        alpha: the weighting factor.
        gamma: the focusing exponent.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: mix labels with the uniform distribution over the classes.
        axis: the class axis.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.CategoricalFocalCrossentropy()
        >>> round(loss(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]])).item(), 5)
        0.04332
    """

    _fn = staticmethod(categorical_focal_crossentropy)

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
