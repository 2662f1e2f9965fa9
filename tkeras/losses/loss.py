"""The Loss base class, Keras's reductions and sample weighting, and LossFunctionWrapper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from tkeras.backend.convert import standardize_dtype
from tkeras.config import floatx
from tkeras.losses.shapes import (
    as_tensors,
    check_weight_shape,
    squeeze_or_expand_to_same_rank,
    to_tensor,
)
from tkeras.utils.naming import auto_name

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: str | None) -> str | None:
    """Return ``reduction`` if Keras accepts it, else raise ValueError listing the valid ones."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {list(REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def _divide_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    safe = torch.where(y == 0, torch.ones_like(y), y)
    return torch.where(y == 0, torch.zeros_like(x), x / safe)


def _mask_to_weight(
    sample_weight: torch.Tensor | None, mask: torch.Tensor, reduction: str | None, who: str
) -> torch.Tensor:
    """Fold a validity mask into the sample weight as Keras does.

    For the averaging reductions the valid entries get weight ``total / valid``, so dividing the
    weighted sum by the element count averages over the valid entries only.
    """
    dtype = sample_weight.dtype if sample_weight is not None else torch.float32
    if reduction in ("mean", "sum_over_batch_size"):
        valid = mask.to(dtype).sum()
        # A Python total (no host-to-device copy); 0 valid entries give weight 0, not inf.
        weight = torch.where(valid > 0, mask.numel() / torch.where(valid > 0, valid, 1.0), 0.0)
        float_mask = torch.where(mask, weight, 0.0).to(dtype)
    else:
        float_mask = mask.to(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    check_weight_shape(sample_weight, float_mask.shape, who)
    return sample_weight * float_mask


def reduce_weighted_values(
    values: torch.Tensor,
    sample_weight: Any = None,
    mask: torch.Tensor | None = None,
    reduction: str | None = "sum_over_batch_size",
    who: str = "loss",
) -> torch.Tensor:
    """Weight per-sample losses and reduce them exactly as Keras's ``Loss.__call__`` does.

    Args:
        values: the per-sample losses.
        sample_weight: None, a scalar, or a tensor aligned with ``values`` (trailing-1 rule).
        mask: optional boolean tensor of valid entries (``ignore_class``).
        reduction: ``'sum_over_batch_size'`` divides the weighted sum by the number of elements
            of ``values``; ``'mean'`` is the same; ``'mean_with_sample_weight'`` divides by the
            sum of the weights; ``'sum'`` sums; ``'none'``/None returns the weighted values.
        who: the name used in error messages.
    """
    reduction = standardize_reduction(reduction)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, values.device).to(values.dtype)
    if mask is not None:
        sample_weight = _mask_to_weight(sample_weight, mask, reduction, who)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        check_weight_shape(sample_weight, values.shape, who)
        values = values * sample_weight
    if reduction in (None, "none") or values.ndim == 0 or tuple(values.shape) == (0,):
        return values
    loss = values.sum()
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return _divide_no_nan(loss, sample_weight.sum().to(loss.dtype))
    # Keras divides with divide_no_nan: an empty batch gives 0.
    return loss / values.numel() if values.numel() else loss


class Loss:
    """Base class of the Keras losses: ``loss(y_true, y_pred, sample_weight=None)`` -> tensor.

    Subclasses implement ``call(y_true, y_pred)`` returning per-sample losses; ``__call__``
    converts the inputs, weights and reduces them.

    Args:
        name: the loss name (default: the snake-case class name, made unique).
        reduction: ``'sum_over_batch_size'`` (default), ``'sum'``, ``'mean'``,
            ``'mean_with_sample_weight'``, ``'none'`` or None (per-sample losses).
        dtype: the computation dtype (default ``floatx()``); ``y_pred`` and float ``y_true``
            are cast to it.

    Example:
        >>> import torch, tkeras
        >>> class Sq(tkeras.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return ((y_true - y_pred) ** 2).mean(-1)
        >>> Sq()(torch.ones(2, 3), torch.zeros(2, 3)).item()
        1.0

    Differences from Keras: integer ``y_true`` reaches ``call()`` as integers (Keras casts it to
    the loss dtype), so sparse labels are not cast to float and back on every step. Shapes that
    Keras would broadcast raise ValueError: ``y_true`` and ``y_pred`` must match after a trailing
    axis of size 1 is squeezed or added, and ``sample_weight`` must be a scalar or match the
    per-sample losses (axes of size 1 broadcast, e.g. ``(batch, 1)`` over ``(batch, steps)``).
    """

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: Any = None,
    ) -> None:
        self.name = name or auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._torch_dtype = standardize_dtype(dtype or floatx())

    @property
    def dtype(self) -> str:
        """The computation dtype as a Keras name, e.g. ``'float32'``."""
        return str(self._torch_dtype).replace("torch.", "")

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> torch.Tensor:
        y_true, y_pred = as_tensors(y_true, y_pred)
        y_pred = y_pred.to(self._torch_dtype)
        if y_true.is_floating_point() or y_true.dtype == torch.bool:
            y_true = y_true.to(self._torch_dtype)
        values, mask = self._values_and_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, who=self.name)

    def _values_and_mask(
        self, y_true: torch.Tensor, y_pred: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Per-sample losses and an optional mask of valid entries (None: all valid)."""
        return self.call(y_true, y_pred), None

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """The per-sample losses; subclasses override this."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement call(y_true, y_pred), returning the "
            "per-sample losses."
        )

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A Loss from a function ``fn(y_true, y_pred, **kwargs)`` returning per-sample losses.

    ``y_true`` and ``y_pred`` are aligned first (a trailing axis of size 1 squeezed or added),
    as Keras aligns them for every built-in loss.

    Args:
        fn: the loss function.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: see ``Loss``.
        **kwargs: passed to ``fn`` on every call.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.LossFunctionWrapper(tkeras.losses.huber, delta=0.5)
        >>> round(loss(torch.zeros(2, 1), torch.ones(2, 1)).item(), 3)
        0.375
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        from tkeras.utils.registry import serialize_function

        config = super().get_config()
        config["fn"] = serialize_function(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LossFunctionWrapper:
        from tkeras.losses.lookup import deserialize_function

        config = dict(config)
        config["fn"] = deserialize_function(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _KerasLoss(LossFunctionWrapper):
    """Private base of the built-in loss classes: a wrapped function whose kwargs are the config."""

    _fn: Callable[..., torch.Tensor]

    def __init__(self, reduction: str | None, name: str | None, dtype: Any, **kwargs: Any) -> None:
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)
