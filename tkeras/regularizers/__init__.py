"""Keras's regularizers: ``'l1'``, ``'l2'``, ``'l1l2'``, ``'orthogonal_regularizer'`` and their
classes. Give one to a layer (``Dense(4, kernel_regularizer='l2')``) and ``fit()`` adds its
penalty to the loss, as Keras does."""

from tkeras.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    deserialize,
    get,
    l1,
    l1_l2,
    l2,
    orthogonal_regularizer,
    serialize,
)

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
