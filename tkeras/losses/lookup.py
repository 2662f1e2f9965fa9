"""Loss lookup: names to loss classes and functions, ``get``, (de)serialization, ``resolve``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tkeras.losses import crossentropy, divergence, focal, margin, overlap, regression, special
from tkeras.losses.loss import Loss, LossFunctionWrapper
from tkeras.utils.naming import to_snake_case
from tkeras.utils.registry import (
    Registry,
    deserialize_object,
    get_object,
    serialize_object,
)

REGISTRY = Registry("loss")

CLASSES = (
    Loss, LossFunctionWrapper,
    crossentropy.BinaryCrossentropy, focal.BinaryFocalCrossentropy,
    crossentropy.CategoricalCrossentropy, focal.CategoricalFocalCrossentropy,
    crossentropy.SparseCategoricalCrossentropy,
    regression.MeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity, regression.Huber, regression.LogCosh,
    margin.Hinge, margin.SquaredHinge, margin.CategoricalHinge,
    divergence.KLDivergence, divergence.Poisson,
    overlap.Dice, overlap.Tversky,
    special.CTC, special.Circle, special.CategoricalGeneralizedCrossEntropy,
)  # fmt: skip
FUNCTIONS = (
    crossentropy.binary_crossentropy, focal.binary_focal_crossentropy,
    crossentropy.categorical_crossentropy, focal.categorical_focal_crossentropy,
    crossentropy.sparse_categorical_crossentropy,
    regression.mean_squared_error, regression.mean_absolute_error,
    regression.mean_absolute_percentage_error, regression.mean_squared_logarithmic_error,
    regression.cosine_similarity, regression.huber, regression.log_cosh,
    margin.hinge, margin.squared_hinge, margin.categorical_hinge,
    divergence.kl_divergence, divergence.poisson,
    overlap.dice, overlap.tversky,
    special.ctc, special.circle, special.categorical_generalized_cross_entropy,
)  # fmt: skip
# Keras's short names, plus the legacy spellings Keras 2 scripts still use.
ALIASES = {
    "binary_crossentropy": ("bce", "BCE"),
    "kl_divergence": ("kld", "KLD", "kullback_leibler_divergence"),
    "mean_absolute_error": ("mae", "MAE"),
    "mean_squared_error": ("mse", "MSE"),
    "mean_absolute_percentage_error": ("mape", "MAPE"),
    "mean_squared_logarithmic_error": ("msle", "MSLE"),
    "log_cosh": ("logcosh",),
}
for _obj in CLASSES + FUNCTIONS:
    REGISTRY.add(_obj.__name__, _obj, *ALIASES.get(_obj.__name__, ()))
ALL_OBJECTS_DICT = {name: REGISTRY.lookup(name) for name in REGISTRY.names()}


def deserialize_function(config: Any, registry: Registry = REGISTRY) -> Callable[..., Any]:
    """The function named by a ``serialize_function`` config (or a name, or the function)."""
    if callable(config):
        return config
    name = config["config"] if isinstance(config, dict) else config
    return registry.lookup(name)


def serialize(loss: Any) -> dict[str, Any]:
    """A loss object or function as Keras's config dict (as saved in a ``.keras`` file).

    Args:
        loss: a Loss instance or a loss function.

    Example:
        >>> import tkeras
        >>> tkeras.losses.serialize(tkeras.losses.MeanSquaredError())["class_name"]
        'MeanSquaredError'
    """
    return serialize_object(loss, Loss, "keras.losses", "loss", "a Loss or a loss function")


def deserialize(name: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A loss from a ``serialize`` config or a name, looking in ``custom_objects`` first.

    Args:
        name: a config dict (``class_name`` and ``config``) or a registered name.
        custom_objects: extra name -> class or function mappings.

    Example:
        >>> import tkeras
        >>> tkeras.losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
        2.0
    """
    return deserialize_object(name, custom_objects, "loss", REGISTRY, REGISTRY)


def get(identifier: Any) -> Any:
    """A loss from a name, config dict, class, instance or callable (None gives None).

    Function names (``'mse'``, ``'binary_crossentropy'``) give the function; class names
    (``'MeanSquaredError'``) give a new instance; a class gives a new instance; instances and
    callables are returned unchanged. An unknown name raises ValueError listing the valid names.

    Args:
        identifier: the loss to look up.

    Example:
        >>> import tkeras
        >>> tkeras.losses.get("mse").__name__
        'mean_squared_error'
    """
    return get_object(
        identifier,
        REGISTRY,
        deserialize,
        "loss",
        "a name, a config dict, a Loss class or instance, or a callable",
    )


def _is_binary_or_sparse(y_true: Any, y_pred: Any) -> tuple[bool, bool]:
    """Keras's rule: binary if y_pred has one unit; sparse if y_true lacks the class axis."""
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    is_binary = p_shape[-1] == 1
    is_sparse = len(t_shape) < len(p_shape) or (t_shape[-1] == 1 and p_shape[-1] > 1)
    return is_binary, is_sparse


def resolve(identifier: Any, y_true: Any, y_pred: Any) -> Loss | None:
    """The Loss that ``compile(loss=identifier)`` uses for one output, given a batch's tensors.

    ``'crossentropy'`` / ``'ce'`` (any case) pick binary, sparse categorical or categorical
    crossentropy from the shapes exactly as Keras's compile does: binary when ``y_pred`` has
    one unit, sparse when ``y_true`` lacks the class axis (or has a last axis of 1 while
    ``y_pred`` has more), categorical otherwise. Anything else goes through ``get``; a
    function is wrapped in a LossFunctionWrapper named after the string given (or the
    function's name).

    Args:
        identifier: the loss as given to ``compile`` (None gives None).
        y_true: a batch of targets (only ``.shape`` is read).
        y_pred: the model's output for that batch (only ``.shape`` is read).

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.resolve("ce", torch.zeros(4), torch.zeros(4, 3)).fn.__name__
        'sparse_categorical_crossentropy'
    """
    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        if is_binary:
            obj = crossentropy.binary_crossentropy
        elif is_sparse:
            obj = crossentropy.sparse_categorical_crossentropy
        else:
            obj = crossentropy.categorical_crossentropy
    else:
        obj = get(identifier)
    if isinstance(obj, Loss):
        return obj
    name = identifier if isinstance(identifier, str) else object_name(obj)
    return LossFunctionWrapper(obj, name=name)


def object_name(obj: Any) -> str:
    """Keras's display name of an object: ``.name``, else the snake-cased function/class name."""
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)
