"""Distribution losses: Kullback-Leibler divergence and Poisson negative log-likelihood."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.config import epsilon
from tkeras.losses.loss import _KerasLoss
from tkeras.losses.shapes import float_pair


def kl_divergence(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Kullback-Leibler divergence per sample: ``sum(t * log(t / p), axis=-1)``, both clipped.

    Both distributions are clipped to ``[epsilon(), 1]`` first, as in Keras.

    Args:
        y_true: the target distribution.
        y_pred: the predicted distribution.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.kl_divergence(torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "kl_divergence")
    eps = epsilon()
    y_true = y_true.clamp(eps, 1.0)
    y_pred = y_pred.clamp(eps, 1.0)
    return (y_true * torch.log(y_true / y_pred)).sum(dim=-1)


def poisson(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Poisson loss per sample: ``mean(y_pred - y_true * log(y_pred + epsilon()), axis=-1)``.

    Args:
        y_true: observed counts.
        y_pred: predicted rates.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.poisson(torch.zeros(1, 2), torch.ones(1, 2))
        tensor([1.])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "poisson")
    return (y_pred - y_true * torch.log(y_pred + epsilon())).mean(dim=-1)


class KLDivergence(_KerasLoss):
    """Kullback-Leibler divergence loss between a target and a predicted distribution.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.KLDivergence()
        >>> round(loss(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.5, 0.5]])).item(), 4)
        0.6931
    """

    _fn = staticmethod(kl_divergence)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "kl_divergence",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)


class Poisson(_KerasLoss):
    """Poisson loss: ``y_pred - y_true * log(y_pred)``, for count targets.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.Poisson()(torch.zeros(2, 2), torch.ones(2, 2)).item()
        1.0
    """

    _fn = staticmethod(poisson)

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "poisson",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction, name, dtype)
