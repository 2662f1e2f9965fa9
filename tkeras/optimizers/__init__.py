"""Keras's optimizers on torch tensors: ``tkeras.optimizers.Adam``, ``get('adam')``, schedules.

Every optimizer is built on a list of torch Parameters and updates them with ``step()`` (from
``.grad``, torch-style) or ``apply(grads, variables)`` (Keras-style), with Keras's formulas.
"""

from __future__ import annotations

from typing import Any

from tkeras.optimizers import schedules
from tkeras.optimizers._base import OPTIMIZERS, Optimizer
from tkeras.optimizers.adadelta import Adadelta
from tkeras.optimizers.adafactor import Adafactor
from tkeras.optimizers.adagrad import Adagrad
from tkeras.optimizers.adam import Adam
from tkeras.optimizers.adamax import Adamax
from tkeras.optimizers.adamw import AdamW
from tkeras.optimizers.ftrl import Ftrl
from tkeras.optimizers.lamb import Lamb
from tkeras.optimizers.lion import Lion
from tkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer
from tkeras.optimizers.muon import Muon
from tkeras.optimizers.nadam import Nadam
from tkeras.optimizers.rmsprop import RMSprop
from tkeras.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from tkeras.optimizers.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "Muon",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "ScheduleFreeAdamW",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

# Optimizers Keras resolves by name that tkeras does not implement yet: named, not "unknown".
_NOT_IMPLEMENTED = {
    "multioptimizer": "MultiOptimizer",
}


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """An optimizer as Keras's serialized dict (``class_name`` and ``config``).

    Example:
        >>> serialize(Adam())["class_name"]
        'Adam'
    """
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def _resolve(name: str) -> type[Optimizer]:
    # Keras matches optimizer names case-insensitively ('Adam', 'adam', 'ADAM').
    key = name if name in OPTIMIZERS else name.lower()
    if key in _NOT_IMPLEMENTED:
        raise NotImplementedError(
            f"The Keras optimizer {_NOT_IMPLEMENTED[key]!r} (requested as {name!r}) is not "
            f"implemented in tkeras yet. Available: "
            f"{', '.join(sorted(cls.__name__ for _, cls in OPTIMIZERS.items()))}."
        )
    if key not in OPTIMIZERS:
        key = name  # the registry's error names what the user wrote and lists valid names
    return OPTIMIZERS.lookup(key)


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
    """An optimizer from a dict written by ``serialize`` (or by Keras).

    Args:
        config: ``{"class_name": ..., "config": {...}}``.
        custom_objects: extra name -> class entries for user-defined optimizers or schedules.

    Example:
        >>> deserialize({"class_name": "SGD", "config": {"momentum": 0.9}}).momentum
        0.9
    """
    name = config["class_name"]
    if custom_objects and name in custom_objects:
        cls = custom_objects[name]
    else:
        cls = _resolve(name)
    return cls.from_config(dict(config.get("config") or {}), custom_objects)


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a name (``'adam'``, ``'SGD'``, ...), a config dict or an instance.

    Args:
        identifier: a name (case-insensitive, as in Keras), a dict from ``serialize``, an
            ``Optimizer`` (returned as is) or None (returns None).

    Example:
        >>> type(get("rmsprop")).__name__
        'RMSprop'
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _resolve(identifier)()
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. Expected an optimizer name "
        f"such as 'adam', a config dict or a tkeras optimizer instance."
    )
