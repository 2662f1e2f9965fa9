"""Crossentropy losses: binary, categorical and sparse categorical.

On probabilities Keras renormalizes categorical predictions to sum to 1 and clips every
probability to ``[epsilon, 1 - epsilon]`` (``epsilon() == 1e-7``) before the log; with
``from_logits=True`` it uses the stable log-softmax and BCE-with-logits forms. Both are kept.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F

from tkeras.config import epsilon
from tkeras.losses.loss import _KerasLoss
from tkeras.losses.shapes import as_tensors, float_pair, sparse_ids, squeeze_or_expand_to_same_rank


def _bce(y_true: torch.Tensor, y_pred: torch.Tensor, from_logits: bool) -> torch.Tensor:
    if from_logits:
        return F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    eps = epsilon()
    p = y_pred.clamp(eps, 1.0 - eps)
    # torch's own formula, written out because F.binary_cross_entropy refuses to run under
    # autocast (mixed precision), where this loss must still work.
    return (y_true - 1.0) * torch.log1p(-p) - y_true * torch.log(p)


def _check_axis(axis: Any, who: str) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{who}: `axis` must be of type `int`. Received: axis={axis!r}")


def _warn_single_class(y_pred: torch.Tensor, who: str) -> None:
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {who}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _class_log_probs(y_pred: torch.Tensor, from_logits: bool, axis: int) -> torch.Tensor:
    if from_logits:
        return F.log_softmax(y_pred, dim=axis)
    eps = epsilon()
    p = y_pred / y_pred.sum(dim=axis, keepdim=True)
    return torch.log(p.clamp(eps, 1.0 - eps))


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary crossentropy per sample: the mean over ``axis`` of the elementwise BCE.

    Args:
        y_true: labels in [0, 1].
        y_pred: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5: ``y * (1 - s) + 0.5 * s``.
        axis: the axis averaged over.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.binary_crossentropy(torch.tensor([[1.0]]), torch.tensor([[0.5]]))
        tensor([0.6931])
    """
    y_true, y_pred = float_pair(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return _bce(y_true, y_pred, from_logits).mean(dim=axis)


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Categorical crossentropy per sample between one-hot labels and class probabilities.

    Args:
        y_true: one-hot (or soft) labels, the same shape as ``y_pred``.
        y_pred: probabilities (renormalized, then clipped to [eps, 1 - eps]), or logits.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: mix labels with the uniform distribution over the last axis.
        axis: the class axis.

    Example:
        >>> import torch, tkeras
        >>> y = torch.tensor([[0.0, 1.0]]); p = torch.tensor([[0.5, 0.5]])
        >>> tkeras.losses.categorical_crossentropy(y, p)
        tensor([0.6931])
    """
    _check_axis(axis, "categorical_crossentropy")
    y_true, y_pred = float_pair(y_true, y_pred, "categorical_crossentropy")
    _warn_single_class(y_pred, "categorical_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    return -(y_true * _class_log_probs(y_pred, from_logits, axis)).sum(dim=axis)


def _sparse_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    from_logits: bool,
    ignore_class: int | None,
    axis: int,
    who: str,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Per-sample sparse crossentropy and, with ``ignore_class``, the mask of valid entries."""
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = y_true.squeeze(axis)
    if y_pred.ndim < 1:
        raise ValueError(f"{who}: y_pred must be at least rank 1. Received: y_pred.shape=()")
    class_axis = axis % y_pred.ndim
    expected = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
    if tuple(y_true.shape) != expected:
        raise ValueError(
            f"{who}: y_true must hold one class id per prediction: expected y_true.shape="
            f"{expected} (y_pred.shape without the class axis {axis}), received y_true.shape="
            f"{tuple(y_true.shape)} with y_pred.shape={tuple(y_pred.shape)}."
        )
    ids = sparse_ids(y_true, who)
    valid = None
    if ignore_class is not None:
        valid = ids != ignore_class
        ids = torch.where(valid, ids, 0)
        y_pred = torch.where(valid.unsqueeze(class_axis), y_pred, 0.0)
    log_probs = _class_log_probs(y_pred, from_logits, class_axis)
    # gather, not F.cross_entropy/nll_loss: those silently skip the label -100 (ignore_index).
    values = -log_probs.gather(class_axis, ids.unsqueeze(class_axis)).squeeze(class_axis)
    if valid is not None:
        values = torch.where(valid, values, 0.0)
    return values, valid


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> torch.Tensor:
    """Sparse categorical crossentropy per sample, between integer class ids and probabilities.

    Args:
        y_true: class ids, shaped like ``y_pred`` without the class axis (a trailing axis of
            size 1 is squeezed). Integer-valued float ids are cast; other floats raise.
        y_pred: probabilities (renormalized and clipped), or logits with ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a class id whose entries get loss 0 (e.g. padding).
        axis: the class axis of ``y_pred``.

    Example:
        >>> import torch, tkeras
        >>> p = torch.tensor([[0.25, 0.75]])
        >>> tkeras.losses.sparse_categorical_crossentropy(torch.tensor([1]), p)
        tensor([0.2877])

    Differences from Keras: float labels that are not integers raise ValueError (Keras
    truncates them), which costs one host sync per call for float labels.
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    values, _ = _sparse_crossentropy(
        y_true, y_pred, from_logits, ignore_class, axis, "sparse_categorical_crossentropy"
    )
    return values


class BinaryCrossentropy(_KerasLoss):
    """Binary crossentropy loss between labels in [0, 1] and probabilities (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5.
        axis: the axis averaged over for the per-sample loss.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> bce = tkeras.losses.BinaryCrossentropy(from_logits=True)
        >>> round(bce(torch.tensor([1.0, 0.0]), torch.tensor([[2.0], [-2.0]])).item(), 4)
        0.1269
    """

    _fn = staticmethod(binary_crossentropy)

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(_KerasLoss):
    """Categorical crossentropy loss between one-hot labels and class probabilities (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: mix labels with the uniform distribution over the classes.
        axis: the class axis.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> cce = tkeras.losses.CategoricalCrossentropy()
        >>> round(cce(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.8]])).item(), 4)
        0.2231
    """

    _fn = staticmethod(categorical_crossentropy)

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_KerasLoss):
    """Sparse categorical crossentropy loss between integer class ids and probabilities (logits).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a class id to skip; with the averaging reductions the loss is averaged
            over the remaining entries only.
        reduction: see ``Loss``.
        axis: the class axis of ``y_pred``.
        name: the loss name.
        dtype: the computation dtype.

    Example:
        >>> import torch, tkeras
        >>> loss = tkeras.losses.SparseCategoricalCrossentropy(from_logits=True)
        >>> round(loss(torch.tensor([0, 1]), torch.tensor([[2.0, 0.0], [0.0, 2.0]])).item(), 4)
        0.1269

    Differences from Keras: ``get_config()`` includes ``axis`` (Keras drops it, so its
    ``from_config`` resets it to -1); non-integral float labels raise instead of truncating.
    """

    _fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = "sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction, name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis
        )

    def _values_and_mask(
        self, y_true: torch.Tensor, y_pred: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return _sparse_crossentropy(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis, self.name
        )
