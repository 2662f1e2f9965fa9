"""Hinge (margin) metrics: the running mean of hinge, squared hinge and categorical hinge."""

from __future__ import annotations

from typing import Any

from tkeras.losses.margin import categorical_hinge, hinge, squared_hinge
from tkeras.metrics.reduction import _KerasMeanMetric


class Hinge(_KerasMeanMetric):
    """The running mean hinge loss, ``max(1 - y_true * y_pred, 0)`` (0/1 labels mapped to ±1).

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Hinge()
        >>> m.update_state(torch.tensor([[1.0]]), torch.tensor([[0.25]]))
        >>> m.result().item()
        0.75
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(hinge)

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class SquaredHinge(_KerasMeanMetric):
    """The running mean squared hinge loss, ``max(1 - y_true * y_pred, 0) ** 2``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.SquaredHinge()
        >>> m.update_state(torch.tensor([[1.0]]), torch.tensor([[0.5]]))
        >>> m.result().item()
        0.25
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(squared_hinge)

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class CategoricalHinge(_KerasMeanMetric):
    """The running mean categorical hinge loss over one-hot labels.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.CategoricalHinge()
        >>> m.update_state(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.9]]))
        >>> round(m.result().item(), 4)
        0.3
    """

    _direction = "down"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(categorical_hinge)

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(name, dtype)
