"""Metric lookup: names to metric classes, ``get``, and (de)serialization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tkeras.losses import lookup as loss_lookup
from tkeras.metrics import (
    accuracy,
    confusion,
    correlation,
    iou,
    margin,
    probabilistic,
    regression,
    sensitivity,
)
from tkeras.metrics.auc import AUC
from tkeras.metrics.f_score import F1Score, FBetaScore
from tkeras.metrics.metric import Metric
from tkeras.metrics.reduction import Mean, MeanMetricWrapper, Sum
from tkeras.utils.naming import to_snake_case
from tkeras.utils.registry import Registry, deserialize_object, get_object, serialize_object

CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper,
    accuracy.Accuracy, accuracy.BinaryAccuracy, accuracy.CategoricalAccuracy,
    accuracy.SparseCategoricalAccuracy, accuracy.TopKCategoricalAccuracy,
    accuracy.SparseTopKCategoricalAccuracy,
    regression.MeanSquaredError, regression.RootMeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity, regression.LogCoshError,
    probabilistic.BinaryCrossentropy, probabilistic.CategoricalCrossentropy,
    probabilistic.SparseCategoricalCrossentropy, probabilistic.KLDivergence, probabilistic.Poisson,
    margin.Hinge, margin.SquaredHinge, margin.CategoricalHinge,
    confusion.TruePositives, confusion.FalsePositives, confusion.TrueNegatives,
    confusion.FalseNegatives, confusion.Precision, confusion.Recall,
    sensitivity.SensitivityAtSpecificity, sensitivity.SpecificityAtSensitivity,
    sensitivity.PrecisionAtRecall, sensitivity.RecallAtPrecision,
    AUC, F1Score, FBetaScore,
    correlation.R2Score, correlation.PearsonCorrelation, correlation.ConcordanceCorrelation,
    iou.IoU, iou.MeanIoU, iou.BinaryIoU, iou.OneHotIoU, iou.OneHotMeanIoU,
)  # fmt: skip
# The metric functions a MeanMetricWrapper config may name.
FUNCTIONS = loss_lookup.FUNCTIONS + (
    accuracy.accuracy, accuracy.binary_accuracy, accuracy.categorical_accuracy,
    accuracy.sparse_categorical_accuracy, accuracy.top_k_categorical_accuracy,
    accuracy.sparse_top_k_categorical_accuracy,
    correlation.pearson_correlation, correlation.concordance_correlation,
)  # fmt: skip
# Keras's short names; 'acc' is tkeras's alias of 'accuracy' (compile resolves both by shape).
ALIASES = {
    "Accuracy": ("acc",),
    "BinaryCrossentropy": ("bce", "BCE"),
    "MeanSquaredError": ("mse", "MSE"),
    "MeanAbsoluteError": ("mae", "MAE"),
    "MeanAbsolutePercentageError": ("mape", "MAPE"),
    "MeanSquaredLogarithmicError": ("msle", "MSLE"),
}

REGISTRY = Registry("metric")
for _cls in CLASSES:
    REGISTRY.add(_cls.__name__, _cls, to_snake_case(_cls.__name__), *ALIASES.get(_cls.__name__, ()))
ALL_OBJECTS_DICT = {name: REGISTRY.lookup(name) for name in REGISTRY.names()}

FUNCTION_REGISTRY = Registry("metric function")
for _fn in FUNCTIONS:
    FUNCTION_REGISTRY.add(_fn.__name__, _fn)


def deserialize_function(config: Any) -> Callable[..., Any]:
    """The metric or loss function named by a ``{'class_name': 'function', ...}`` config."""
    return loss_lookup.deserialize_function(config, FUNCTION_REGISTRY)


def serialize(metric: Any) -> dict[str, Any]:
    """A metric object or function as Keras's config dict (as saved in a ``.keras`` file).

    Args:
        metric: a Metric instance or a metric function.

    Example:
        >>> import tkeras
        >>> tkeras.metrics.serialize(tkeras.metrics.AUC())["class_name"]
        'AUC'
    """
    return serialize_object(metric, Metric, "keras.metrics", "metric", "a Metric or a function")


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A metric from a ``serialize`` config or a name, looking in ``custom_objects`` first.

    Args:
        config: a config dict (``class_name`` and ``config``) or a registered name.
        custom_objects: extra name -> class or function mappings.

    Example:
        >>> import tkeras
        >>> tkeras.metrics.deserialize({"class_name": "AUC", "config": {"curve": "PR"}}).curve
        'PR'
    """
    return deserialize_object(config, custom_objects, "metric", REGISTRY, FUNCTION_REGISTRY)


def get(identifier: Any) -> Any:
    """A metric from a name, config dict, class, instance or function (None gives None).

    Names (``'AUC'``, ``'auc'``, ``'mse'``, ``'acc'``) and classes give a new instance;
    instances and functions are returned unchanged. An unknown name raises ValueError listing
    the valid names. (``compile`` resolves ``'accuracy'`` by shape: see ``resolve``.)

    Args:
        identifier: the metric to look up.

    Example:
        >>> import tkeras
        >>> tkeras.metrics.get("mse").name
        'mean_squared_error'
    """
    return get_object(
        identifier,
        REGISTRY,
        deserialize,
        "metric",
        "a name, a config dict, a Metric class or instance, or a function",
    )
