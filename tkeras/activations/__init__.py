"""Keras's activation functions, by name (``'relu'``) and as functions (``activations.relu``)."""

from __future__ import annotations

import sys as _sys
from collections.abc import Callable
from typing import Any

from tkeras.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)
from tkeras.models.operation import install as _install
from tkeras.ops.keras_names import ACTIVATIONS as _ACTIVATIONS
from tkeras.utils.registry import Registry

# Each activation records a graph node when given a symbolic KerasTensor (functional models).
# Wrapped before the registry is filled, so `activations.get("tanh") is activations.tanh`
# (layers compare with them to pick fused kernels).

_install([_sys.modules[__name__]], _ACTIVATIONS)

REGISTRY = Registry("activation")
ALL_OBJECTS = (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    tanh,
    tanh_shrink,
    threshold,
)
for _fn in ALL_OBJECTS:
    REGISTRY.add(_fn.__name__, _fn)
REGISTRY.add("swish", silu)
REGISTRY.add("hard_swish", hard_silu)
ALL_OBJECTS_DICT = dict(REGISTRY.items())


def get(identifier: str | Callable[..., Any] | None) -> Callable[..., Any]:
    """An activation function from a name, a callable or None (None is ``linear``).

    Raises ValueError (listing the valid names for an unknown string) as Keras does.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return REGISTRY.lookup(identifier)
    if isinstance(identifier, dict):
        return REGISTRY.lookup(identifier.get("config", identifier.get("class_name")))
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret activation function identifier: {identifier!r}. Expected a "
        "string name, a callable or None."
    )


def serialize(activation: Callable[..., Any]) -> str | Callable[..., Any]:
    """The registered name of an activation, or the callable itself if it has none."""
    plain = getattr(activation, "__wrapped__", activation)
    for name, fn in REGISTRY.items():
        if getattr(fn, "__wrapped__", fn) is plain and name not in ("swish", "hard_swish"):
            return name
    return activation


def deserialize(config: Any, custom_objects: dict | None = None) -> Callable[..., Any]:
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return get(config)


__all__ = [
    "ALL_OBJECTS_DICT",
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]
