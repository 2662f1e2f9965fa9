"""Utilities: ``to_categorical``, ``set_random_seed``, ``Progbar``, ``PyDataset``, and Keras's
``keras.utils`` spellings of the custom-object registry and session helpers."""

from tkeras.backend.session import clear_session, is_keras_tensor
from tkeras.config import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from tkeras.saving.object_registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from tkeras.saving.serialization import deserialize_keras_object, serialize_keras_object
from tkeras.utils.numerical import normalize, to_categorical
from tkeras.utils.progbar import Progbar
from tkeras.utils.py_dataset import PyDataset, Sequence
from tkeras.utils.random import set_random_seed

__all__ = [
    "CustomObjectScope",
    "Progbar",
    "PyDataset",
    "Sequence",
    "clear_session",
    "custom_object_scope",
    "deserialize_keras_object",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "normalize",
    "register_keras_serializable",
    "serialize_keras_object",
    "set_random_seed",
    "to_categorical",
]
