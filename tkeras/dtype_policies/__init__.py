"""Keras's ``keras.dtype_policies``: ``DTypePolicy``, ``FloatDTypePolicy``, get/serialize."""

from tkeras.mixed_precision.policy import (
    DTypePolicy,
    FloatDTypePolicy,
    deserialize,
    get,
    serialize,
)

__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "get", "serialize"]
