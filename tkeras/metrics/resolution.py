"""Compile-time metric resolution: ``'accuracy'`` becomes the accuracy the shapes call for."""

from __future__ import annotations

from typing import Any

from tkeras.losses.lookup import _is_binary_or_sparse, object_name
from tkeras.metrics.accuracy import BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy
from tkeras.metrics.lookup import get
from tkeras.metrics.metric import Metric
from tkeras.metrics.reduction import MeanMetricWrapper


def resolve(identifier: Any, y_true: Any, y_pred: Any) -> Metric:
    """The Metric that ``compile(metrics=[identifier])`` uses for one output, given a batch.

    ``'accuracy'`` / ``'acc'`` (any case) become BinaryAccuracy when ``y_pred`` has one unit,
    SparseCategoricalAccuracy when ``y_true`` lacks the class axis (or has a last axis of 1
    while ``y_pred`` has more), and CategoricalAccuracy otherwise: from the shapes alone, as
    Keras 3's compile does. Anything else goes through ``get``; a function is wrapped in a
    MeanMetricWrapper. The metric's name (its History key) is the string given, so ``'acc'``
    logs as ``acc``; objects keep their own name.

    Args:
        identifier: the metric as given to ``compile``.
        y_true: a batch of targets (only ``.shape`` is read).
        y_pred: the model's output for that batch (only ``.shape`` is read).

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.resolve("acc", torch.zeros(8), torch.zeros(8, 10))
        >>> type(m).__name__, m.name
        ('SparseCategoricalAccuracy', 'acc')

    Differences from Keras 2: the loss plays no part (Keras 3 picks from shapes only), and
    ``'crossentropy'`` is a loss name, not a metric (see ``tkeras.losses.resolve``).
    """
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        if is_binary:
            metric = BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            metric = SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = CategoricalAccuracy(name=str(identifier))
    else:
        metric = get(identifier)
    name = identifier if isinstance(identifier, str) else object_name(metric)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric
