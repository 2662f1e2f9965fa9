"""Accuracy metrics: exact, binary, categorical, sparse categorical and top-k accuracy."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.config import floatx_torch
from tkeras.losses.shapes import align, as_tensors, check_same_shape
from tkeras.metrics.reduction import _KerasMeanMetric


def _sparse_target_shape(y_true: torch.Tensor, y_pred: torch.Tensor, who: str) -> torch.Tensor:
    """``y_true`` with a trailing 1 squeezed; it must be ``y_pred``'s shape minus the last axis."""
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    if tuple(y_true.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(
            f"{who}: y_true must hold one class id per prediction: expected y_true.shape="
            f"{tuple(y_pred.shape[:-1])} (y_pred.shape without the class axis), received "
            f"y_true.shape={tuple(y_true.shape)} with y_pred.shape={tuple(y_pred.shape)}."
        )
    return y_true


def _in_top_k(ids: torch.Tensor, y_pred: torch.Tensor, k: int, who: str) -> torch.Tensor:
    """Whether each id's score is at least the k-th largest score (ties count, as in Keras)."""
    if k > y_pred.shape[-1]:
        raise ValueError(
            f"{who}: k={k} is larger than the number of classes, y_pred.shape[-1]="
            f"{y_pred.shape[-1]}. Pass k <= {y_pred.shape[-1]}."
        )
    kth = torch.topk(y_pred, k, dim=-1).values[..., -1:]
    return torch.gather(y_pred, -1, ids.unsqueeze(-1)) >= kth


def accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Elementwise 1.0 where ``y_true == y_pred`` exactly, else 0.0.

    Args:
        y_true: targets.
        y_pred: predictions, the same shape (or differing by a trailing axis of size 1).

    Example:
        >>> import torch
        >>> from tkeras.metrics.accuracy import accuracy
        >>> accuracy(torch.tensor([1, 2]), torch.tensor([1, 3]))
        tensor([1., 0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true, y_pred = align(y_true.to(y_pred.dtype), y_pred, "accuracy")
    return (y_true == y_pred).to(floatx_torch())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> torch.Tensor:
    """Elementwise 1.0 where ``(y_pred > threshold) == y_true``, else 0.0.

    Args:
        y_true: labels, 0 or 1.
        y_pred: probabilities (or scores).
        threshold: the decision threshold.

    Example:
        >>> import torch, tkeras
        >>> tkeras.metrics.binary_accuracy(torch.tensor([1.0, 0.0]), torch.tensor([0.7, 0.6]))
        tensor([1., 0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true, y_pred = align(y_true, y_pred, "binary_accuracy")
    return ((y_pred > threshold).to(y_true.dtype) == y_true).to(floatx_torch())


def categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Per sample 1.0 where ``argmax(y_true) == argmax(y_pred)``, else 0.0.

    Args:
        y_true: one-hot labels.
        y_pred: class scores, the same shape.

    Example:
        >>> import torch, tkeras
        >>> y = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
        >>> tkeras.metrics.categorical_accuracy(y, torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    check_same_shape(y_true, y_pred, "categorical_accuracy")
    return (y_true.argmax(dim=-1) == y_pred.argmax(dim=-1)).to(floatx_torch())


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> torch.Tensor:
    """Per sample 1.0 where the class id ``y_true`` equals ``argmax(y_pred)``, else 0.0.

    Args:
        y_true: class ids, ``y_pred``'s shape without the class axis (a trailing 1 is squeezed).
        y_pred: class scores.

    Example:
        >>> import torch, tkeras
        >>> p = torch.tensor([[0.2, 0.8], [0.3, 0.7]])
        >>> tkeras.metrics.sparse_categorical_accuracy(torch.tensor([1, 0]), p)
        tensor([1., 0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    y_true = _sparse_target_shape(y_true, y_pred, "sparse_categorical_accuracy")
    predicted = y_pred.argmax(dim=-1)
    # Float labels compare as floats (as in Keras), so a non-integral label never matches.
    if y_true.is_floating_point():
        predicted = predicted.to(y_true.dtype)
    return (y_true == predicted).to(floatx_torch())


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> torch.Tensor:
    """Per sample 1.0 where the true class (argmax of one-hot ``y_true``) is in the top ``k``.

    Args:
        y_true: one-hot labels.
        y_pred: class scores, the same shape.
        k: how many top classes count as a hit; ties with the k-th score count too.

    Example:
        >>> import torch, tkeras
        >>> y = torch.tensor([[0.0, 0.0, 1.0]])
        >>> tkeras.metrics.top_k_categorical_accuracy(y, torch.tensor([[0.5, 0.3, 0.2]]), k=2)
        tensor([0.])
    """
    y_true, y_pred = as_tensors(y_true, y_pred)
    check_same_shape(y_true, y_pred, "top_k_categorical_accuracy")
    ids = y_true.argmax(dim=-1)
    return _in_top_k(ids, y_pred, k, "top_k_categorical_accuracy").squeeze(-1).to(floatx_torch())


def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> torch.Tensor:
    """Per sample 1.0 where the class id ``y_true`` is among the top ``k`` scores.

    Args:
        y_true: class ids, ``y_pred``'s shape without the class axis (a trailing 1 is kept in
            the output shape, as in Keras).
        y_pred: class scores; or, with ``from_sorted_ids=True``, class ids sorted by score.
        k: how many top classes count as a hit.
        from_sorted_ids: whether ``y_pred`` already holds the top class ids, best first.

    Example:
        >>> import torch, tkeras
        >>> p = torch.tensor([[0.5, 0.3, 0.2]])
        >>> tkeras.metrics.sparse_top_k_categorical_accuracy(torch.tensor([1]), p, k=2)
        tensor([1.])

    Differences from Keras: a non-integral float label never matches (Keras truncates it).
    """
    who = "sparse_top_k_categorical_accuracy"
    y_true, y_pred = as_tensors(y_true, y_pred)
    out_shape = y_true.shape
    y_true = _sparse_target_shape(y_true, y_pred, who)
    if from_sorted_ids:
        hits = (y_true.unsqueeze(-1).to(y_pred.dtype) == y_pred[..., :k]).any(dim=-1)
    else:
        ids = y_true.long()
        hits = _in_top_k(ids, y_pred, k, who).squeeze(-1)
        if y_true.is_floating_point():
            hits = hits & (ids.to(y_true.dtype) == y_true)
    return hits.to(floatx_torch()).reshape(out_shape)


class Accuracy(_KerasMeanMetric):
    """How often predictions equal labels exactly (see BinaryAccuracy for probabilities).

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.Accuracy()
        >>> m.update_state(torch.tensor([1, 2, 3, 4]), torch.tensor([0, 2, 3, 4]))
        >>> m.result().item()
        0.75
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(accuracy)

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class BinaryAccuracy(_KerasMeanMetric):
    """How often thresholded predictions match binary labels.

    Args:
        name: the metric name.
        dtype: the state dtype.
        threshold: predictions above it count as 1.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.BinaryAccuracy()
        >>> m.update_state(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.9], [0.8]]))
        >>> m.result().item()
        0.5
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(binary_accuracy)

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(name, dtype, threshold=threshold)


class CategoricalAccuracy(_KerasMeanMetric):
    """How often the argmax of the prediction matches the argmax of one-hot labels.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.CategoricalAccuracy()
        >>> m.update_state(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.3, 0.7]]))
        >>> m.result().item()
        1.0
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(categorical_accuracy)

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class SparseCategoricalAccuracy(_KerasMeanMetric):
    """How often the argmax of the prediction matches integer class ids.

    Args:
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.SparseCategoricalAccuracy()
        >>> m.update_state(torch.tensor([1, 0]), torch.tensor([[0.3, 0.7], [0.4, 0.6]]))
        >>> m.result().item()
        0.5
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class TopKCategoricalAccuracy(_KerasMeanMetric):
    """How often the one-hot label's class is among the top ``k`` predictions.

    Args:
        k: how many top classes count as a hit.
        name: the metric name.
        dtype: the state dtype.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.TopKCategoricalAccuracy(k=1)
        >>> m.update_state(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.3, 0.7]]))
        >>> m.result().item()
        1.0
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(top_k_categorical_accuracy)

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(name, dtype, k=k)


class SparseTopKCategoricalAccuracy(_KerasMeanMetric):
    """How often the integer class id is among the top ``k`` predictions.

    Args:
        k: how many top classes count as a hit.
        name: the metric name.
        dtype: the state dtype.
        from_sorted_ids: whether ``y_pred`` holds class ids sorted by score.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state(torch.tensor([1]), torch.tensor([[0.3, 0.7]]))
        >>> m.result().item()
        1.0
    """

    _direction = "up"  # read by callbacks with mode="auto"
    _metric_fn = staticmethod(sparse_top_k_categorical_accuracy)

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(name, dtype, k=k, from_sorted_ids=from_sorted_ids)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if not self.from_sorted_ids:  # Keras writes the flag only when it is set
            del config["from_sorted_ids"]
        return config
