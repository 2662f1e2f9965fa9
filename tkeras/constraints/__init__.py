"""Keras's weight constraints: ``'max_norm'``, ``'non_neg'``, ``'unit_norm'``,
``'min_max_norm'`` and their classes. Give one to a layer (``Dense(4,
kernel_constraint='max_norm')``) and the optimizer projects the weight after every update, as
Keras's does."""

from tkeras.constraints.constraints import (
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
    deserialize,
    get,
    max_norm,
    min_max_norm,
    non_neg,
    serialize,
    unit_norm,
)

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
