"""Reduction metrics: Sum, Mean, and MeanMetricWrapper (the mean of any per-sample function)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from tkeras.losses.shapes import check_weight_shape, squeeze_or_expand_to_same_rank
from tkeras.metrics.metric import Metric

Reducer = Callable[..., torch.Tensor]


def _mean(x: torch.Tensor, dims: list[int]) -> torch.Tensor:
    return x.mean(dim=dims)


def _sum(x: torch.Tensor, dims: list[int]) -> torch.Tensor:
    return x.sum(dim=dims)


def reduce_to_samplewise_values(
    values: torch.Tensor,
    sample_weight: torch.Tensor | None,
    reduce_fn: Reducer,
    mask: torch.Tensor | None = None,
    who: str = "metric",
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Keras's per-sample reduction: weight, then reduce every axis but the first.

    A weight of lower rank than ``values`` first reduces ``values`` down to the weight's rank
    (so a ``(batch,)`` weight weighs the mean over each sample's steps).
    """
    if sample_weight is not None:
        sample_weight = sample_weight.to(values.dtype)
        if mask is not None:
            float_mask, sample_weight = squeeze_or_expand_to_same_rank(
                mask.to(values.dtype), sample_weight
            )
            check_weight_shape(sample_weight, float_mask.shape, who)
            sample_weight = sample_weight * float_mask
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        if values.ndim > sample_weight.ndim:
            values = reduce_fn(values, list(range(sample_weight.ndim, values.ndim)))
        check_weight_shape(sample_weight, values.shape, who)
        sample_weight = sample_weight.expand(values.shape)
        values = values * sample_weight
        if sample_weight.ndim > 1:
            sample_weight = reduce_fn(sample_weight, list(range(1, sample_weight.ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, list(range(1, values.ndim)))
    return values, sample_weight


def _is_loss(fn: Any) -> bool:
    from tkeras.losses.lookup import CLASSES, FUNCTIONS

    return fn in FUNCTIONS or fn in CLASSES or type(fn) in CLASSES


class Sum(Metric):
    """The running (weighted) sum of the values passed to ``update_state``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Sum()
        >>> m.update_state(torch.tensor([1.0, 3.0, 5.0]))
        >>> m.result().item()
        9.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = self._inputs(sample_weight, values)[::-1]
        values, _ = reduce_to_samplewise_values(
            values.to(self._torch_dtype), sample_weight, _sum, who=self.name
        )
        self.total.add_(values.sum())

    def result(self) -> torch.Tensor:
        return self.total.clone()


class Mean(Metric):
    """The running (weighted) mean of the values passed to ``update_state``.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Mean()
        >>> m.update_state(torch.tensor([1.0, 3.0, 5.0, 7.0]))
        >>> m.result().item()
        4.0

    Differences from Keras: a ``sample_weight`` that matches neither the values' leading axes
    nor a scalar raises ValueError instead of broadcasting along trailing axes.
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), name="total")
        self.count = self.add_variable(shape=(), name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = self._inputs(sample_weight, values)[::-1]
        self._accumulate(values, sample_weight, None)

    def _accumulate(
        self, values: torch.Tensor, sample_weight: torch.Tensor | None, mask: torch.Tensor | None
    ) -> None:
        values, sample_weight = reduce_to_samplewise_values(
            values.to(self._torch_dtype), sample_weight, _mean, mask, who=self.name
        )
        self.total.add_(values.sum())
        if sample_weight is not None:
            self.count.add_(sample_weight.sum())
        else:
            self.count.add_(values.shape[0] if values.ndim >= 1 else 1)

    def result(self) -> torch.Tensor:
        count = self.count
        return torch.where(count == 0, 0.0, self.total / torch.where(count == 0, 1.0, count))


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)``: any loss or metric function.

    Args:
        fn: a function returning per-sample values.
        name: the metric name (default: made from the class name).
        dtype: the state dtype.
        **kwargs: passed to ``fn`` on every update.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.MeanMetricWrapper(tkeras.losses.mean_absolute_error, name="mae")
        >>> m.update_state(torch.zeros(2, 2), torch.ones(2, 2))
        >>> m.result().item()
        1.0
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if not hasattr(type(self), "_direction") and _is_loss(fn):
            self._direction = "down"  # a loss is minimized (read by mode="auto" callbacks)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        values, mask = self._values_and_mask(y_true, y_pred)
        self._accumulate(values, sample_weight, mask)

    def _values_and_mask(
        self, y_true: torch.Tensor, y_pred: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Per-sample values and an optional validity mask (used with a sample weight)."""
        return self._fn(y_true, y_pred, **self._fn_kwargs), None

    def get_config(self) -> dict[str, Any]:
        from tkeras.utils.registry import serialize_function

        return {**super().get_config(), "fn": serialize_function(self._fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MeanMetricWrapper:
        from tkeras.metrics.lookup import deserialize_function

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**config)


class _KerasMeanMetric(MeanMetricWrapper):
    """Private base of the built-in mean metrics: a fixed function whose kwargs are the config."""

    _metric_fn: Callable[..., torch.Tensor]

    def __init__(self, name: str | None, dtype: Any, **kwargs: Any) -> None:
        super().__init__(type(self)._metric_fn, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)
