"""Saving and loading in Keras 3's formats: ``.keras`` zips, ``.weights.h5``, legacy ``.h5``.

Files move between Keras and tkeras in both directions: configs use Keras's class names,
modules and registered names, and weights are stored in Keras's layouts and h5 paths. Loading
never unpickles anything; writes are atomic; loads are all-or-nothing.
"""

from tkeras.saving.api import (
    load_model,
    load_weights,
    save_model,
    save_weights,
)
from tkeras.saving.api import (
    model_from_config as model_from_config,
)
from tkeras.saving.api import (
    model_from_json as model_from_json,
)
from tkeras.saving.cloning import clone_model as clone_model
from tkeras.saving.object_registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from tkeras.saving.serialization import (
    deserialize_keras_object,
    enable_unsafe_deserialization,
    serialize_keras_object,
)

# keras.saving's names, plus enable_unsafe_deserialization (keras.config's switch). clone_model,
# model_from_json and model_from_config live here too and are public as tkeras.models.*.
__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "enable_unsafe_deserialization",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
