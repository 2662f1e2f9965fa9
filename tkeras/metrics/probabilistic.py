"""Probabilistic metrics: the running mean of crossentropies, KL divergence and Poisson loss."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.losses.crossentropy import (
    _sparse_crossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from tkeras.losses.divergence import kl_divergence, poisson
from tkeras.metrics.reduction import _KerasMeanMetric


class KLDivergence(_KerasMeanMetric):
    """The running mean Kullback-Leibler divergence between target and predicted distributions.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.KLDivergence()
        >>> m.update_state(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.5, 0.5]]))
        >>> round(m.result().item(), 4)
        0.6931
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(kl_divergence)

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class Poisson(_KerasMeanMetric):
    """The running mean Poisson loss, ``y_pred - y_true * log(y_pred)``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Poisson()
        >>> m.update_state(torch.zeros(1, 2), torch.ones(1, 2))
        >>> m.result().item()
        1.0
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(poisson)

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class BinaryCrossentropy(_KerasMeanMetric):
    """The running mean binary crossentropy between labels and predictions.

    Args:
        name: the metric name.
        dtype: the state dtype.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.BinaryCrossentropy()
        >>> m.update_state(torch.tensor([[1.0]]), torch.tensor([[0.5]]))
        >>> round(m.result().item(), 4)
        0.6931
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(binary_crossentropy)

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(_KerasMeanMetric):
    """The running mean categorical crossentropy between one-hot labels and predictions.

    Args:
        name: the metric name.
        dtype: the state dtype.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: mix labels with the uniform distribution over the classes.
        axis: the class axis.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.CategoricalCrossentropy()
        >>> m.update_state(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]))
        >>> round(m.result().item(), 4)
        0.6931
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(categorical_crossentropy)

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis
        )


class SparseCategoricalCrossentropy(_KerasMeanMetric):
    """The running mean sparse categorical crossentropy between class ids and predictions.

    Args:
        name: the metric name.
        dtype: the state dtype.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a class id whose entries count as 0 (and, with a sample weight, are left
            out of the count), as in Keras.
        axis: the class axis.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.SparseCategoricalCrossentropy()
        >>> m.update_state(torch.tensor([1]), torch.tensor([[0.5, 0.5]]))
        >>> round(m.result().item(), 4)
        0.6931
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)

    def _values_and_mask(
        self, y_true: torch.Tensor, y_pred: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        return _sparse_crossentropy(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis, self.name
        )
