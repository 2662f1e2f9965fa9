"""Keras 3's object configs: ``serialize_keras_object`` / ``deserialize_keras_object``.

A serialized object is Keras's dict ``{"module", "class_name", "config", "registered_name",
"build_config", "compile_config"}`` with Keras's public module names (``keras.layers``,
``keras.initializers``, ...), so a config written by tkeras loads in Keras and the reverse.
Deserialization never unpickles; Python lambdas (stored as marshalled bytecode, as Keras
stores them) load only with ``safe_mode=False``.
"""

from __future__ import annotations

import importlib
import types
import warnings
from typing import Any

import numpy as np
import torch

from tkeras.backend.global_state import thread_state
from tkeras.saving import object_registry
from tkeras.saving.class_resolution import FAMILIES, resolve_class, resolve_function
from tkeras.saving.safe_mode import (
    SafeModeScope,
    check_lambda_allowed,
    enable_unsafe_deserialization,
    func_dump,
    func_load,
    in_safe_mode,
)

# Safe mode and lambda bytecode live in safe_mode.py; their names stay importable from here.
__all__ = [
    "SafeModeScope",
    "SharingScope",
    "check_lambda_allowed",
    "deserialize_keras_object",
    "enable_unsafe_deserialization",
    "func_dump",
    "func_load",
    "in_safe_mode",
    "serialize_keras_object",
]

PLAIN_TYPES = (str, int, float, bool)
_SLICE_KEYS = ("start", "stop", "step")

_DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy", "Policy")


# --------------------------------------------------------------------------- serializing


def serialize_keras_object(obj: Any) -> Any:
    """An object as Keras 3's JSON-ready config dict (plain values are returned as they are).

    Layers, models, initializers, optimizers, schedules, losses and metrics of tkeras are
    written under Keras's public module names; registered custom classes under their
    ``"package>name"``; functions as ``{"class_name": "function", ...}``.

    Args:
        obj: the object to serialize.

    Example:
        >>> import tkeras
        >>> cfg = tkeras.saving.serialize_keras_object(tkeras.layers.Dense(2, name="d"))
        >>> cfg["module"], cfg["class_name"], cfg["config"]["units"]
        ('keras.layers', 'Dense', 2)
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                k: serialize_keras_object(getattr(obj, k)) for k in ("start", "stop", "step")
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, torch.dtype):
        return str(obj).replace("torch.", "")
    if isinstance(obj, torch.Tensor):
        value = obj.detach().cpu()
        return {
            "class_name": "__tensor__",
            "config": {"value": value.tolist(), "dtype": str(value.dtype).replace("torch.", "")},
        }
    if isinstance(obj, np.ndarray) and obj.ndim > 0:
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, (np.generic, np.ndarray)):
        return obj.item()
    from tkeras.models.symbolic import KerasTensor

    if isinstance(obj, KerasTensor):
        node = obj.node
        history = [node.layer.name, node.index, obj.index] if node is not None else None
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": list(obj.shape), "dtype": obj.dtype, "keras_history": history},
        }
    if isinstance(obj, types.FunctionType):
        return serialize_function(obj)
    if isinstance(obj, type):
        return object_registry.get_registered_name(obj)
    return _serialize_instance(obj)


def serialize_dict(obj: dict) -> dict:
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def serialize_function(fn: Any) -> dict[str, Any]:
    """A function as Keras's ``{"class_name": "function", ...}`` (or ``__lambda__``) config."""
    if fn.__name__ == "<lambda>":
        warnings.warn(
            "The object being serialized includes a `lambda`. This is unsafe: to reload it "
            "you will have to pass `safe_mode=False` to the loading function. Use named "
            "functions registered with `@tkeras.saving.register_keras_serializable()` instead.",
            stacklevel=3,
        )
        return {"class_name": "__lambda__", "config": {"value": func_dump(fn)}}
    registered = object_registry.GLOBAL_CUSTOM_NAMES.get(fn)
    if registered is not None:
        return _function_config(fn.__module__, registered)
    plain = getattr(fn, "__wrapped__", fn)  # an op wrapped for symbolic dispatch
    for tk_module, keras_module in FAMILIES:
        found = getattr(importlib.import_module(tk_module), fn.__name__, None)
        if found is fn or getattr(found, "__wrapped__", None) is plain:
            return _function_config(keras_module, fn.__name__)
    return _function_config(plain.__module__, fn.__name__)


def _function_config(module: str, name: str) -> dict[str, Any]:
    return {"module": module, "class_name": "function", "config": name, "registered_name": name}


def public_module(cls: type) -> str | None:
    """Keras's public module for a tkeras class (``'keras.layers'``...), or None."""
    if not cls.__module__.startswith("tkeras."):
        return None
    for tk_module, keras_module in FAMILIES:
        if getattr(importlib.import_module(tk_module), cls.__name__, None) is cls:
            return keras_module
    return None


def class_identity(obj: Any) -> tuple[str | None, str, str | None]:
    """``(module, class_name, registered_name)`` as Keras writes them for ``obj``'s class."""
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    cls = type(obj)
    registered = object_registry.GLOBAL_CUSTOM_NAMES.get(cls)
    if registered is not None:
        return cls.__module__, cls.__name__, registered
    if cls is Sequential:
        return "keras", "Sequential", None
    if cls is Functional:
        return "keras.src.models.functional", "Functional", "Functional"
    keras_module = public_module(cls)
    if keras_module is not None:
        return keras_module, cls.__name__, None
    module = None if cls.__module__ == "__main__" else cls.__module__
    return module, cls.__name__, cls.__name__


def _serialize_instance(obj: Any) -> dict[str, Any]:
    from tkeras.layers.layer import Layer
    from tkeras.saving import model_config

    if isinstance(obj, Layer):
        inner = model_config.layer_config(obj)
    elif hasattr(obj, "get_config"):
        inner = obj.get_config()
        if not isinstance(inner, dict):
            raise TypeError(
                f"The get_config() method of {obj!r} should return a dict. It returned: {inner!r}"
            )
        inner = serialize_dict(inner)
    else:
        raise TypeError(
            f"Cannot serialize object {obj!r} of type {type(obj).__name__}: to be serializable, "
            "a class must implement get_config() (and be registered with "
            "@tkeras.saving.register_keras_serializable() to load back)."
        )
    module, class_name, registered_name = class_identity(obj)
    config = {
        "module": module,
        "class_name": class_name,
        "config": inner,
        "registered_name": registered_name,
    }
    if isinstance(obj, Layer):
        build_config = model_config.get_build_config(obj)
        if build_config is not None:
            config["build_config"] = serialize_dict(build_config)
        compile_config = model_config.get_compile_config(obj)
        if compile_config:
            config["compile_config"] = compile_config
    return config


# --------------------------------------------------------------------------- deserializing


def deserialize_keras_object(
    config: Any, custom_objects: dict[str, Any] | None = None, safe_mode: bool = True, **kwargs: Any
) -> Any:
    """The object described by a Keras 3 config dict (written by Keras or by tkeras).

    Args:
        config: the dict (or a plain value, list or name).
        custom_objects: extra ``{name: class or function}`` for custom objects.
        safe_mode: refuse Python lambdas (stored bytecode). A surrounding
            ``SafeModeScope`` or ``enable_unsafe_deserialization()`` takes precedence.
        **kwargs: ``module_objects`` (a dict of names to look up first) is accepted.

    Example:
        >>> import tkeras
        >>> layer = tkeras.saving.deserialize_keras_object(
        ...     {"module": "keras.layers", "class_name": "Dense", "config": {"units": 3},
        ...      "registered_name": None})
        >>> type(layer).__name__, layer.units
        ('Dense', 3)
    """
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    if thread_state().safe_mode is not None:
        safe_mode = thread_state().safe_mode
    custom_objects = object_registry.all_custom_objects(custom_objects)
    if module_objects:
        custom_objects = {**module_objects, **custom_objects}
    with SafeModeScope(safe_mode):
        return _deserialize(config, custom_objects)


def _deserialize(config: Any, custom_objects: dict[str, Any]) -> Any:
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        found = custom_objects.get(config)
        return found if found is not None else config
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {key: _deserialize(value, custom_objects) for key, value in config.items()}
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, custom_objects)
    if special is not _NOT_SPECIAL:
        return special
    if class_name == "function":
        return resolve_function(config, custom_objects)
    if not isinstance(inner, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {class_name}, instead got "
            f"{type(inner).__name__}. Full config: {config}"
        )
    if class_name in _DTYPE_POLICIES:
        return _policy_name(config)
    shared = thread_state().shared
    if shared is not None and config.get("shared_object_id") in shared:
        return shared[config["shared_object_id"]]
    cls = resolve_class(config, custom_objects)
    if isinstance(cls, types.FunctionType):
        return cls
    from tkeras.saving import model_config

    instance = model_config.instantiate(cls, config, custom_objects)
    if shared is not None and "shared_object_id" in config:
        shared[config["shared_object_id"]] = instance
    return instance


_NOT_SPECIAL = object()


def _deserialize_special(class_name: str, inner: Any, custom_objects: dict[str, Any]) -> Any:
    if class_name == "__keras_tensor__":
        from tkeras.models.symbolic import KerasTensor

        tensor = KerasTensor(tuple(inner["shape"]), inner.get("dtype"))
        tensor._saved_history = inner.get("keras_history")
        return tensor
    if class_name == "__tensor__":
        return torch.as_tensor(np.asarray(inner["value"], dtype=inner["dtype"]))
    if class_name == "__numpy__":
        return np.asarray(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(_deserialize(inner[k], custom_objects) for k in ("start", "stop", "step")))
    if class_name == "__lambda__":
        check_lambda_allowed("a Python lambda")
        if "value" in inner:
            return func_load(inner["value"])
        return func_load(inner["code"], inner.get("defaults"), inner.get("closure"))
    if class_name == "__typespec__":
        raise TypeError("TensorFlow TypeSpec configs cannot be deserialized by tkeras.")
    return _NOT_SPECIAL


def _policy_name(config: dict[str, Any]) -> str:
    inner = config.get("config") or {}
    return inner.get("name", "float32")


class SharingScope:
    """Reuse objects that a config lists twice (``shared_object_id``) during one load."""

    def __enter__(self) -> SharingScope:
        state = thread_state()
        self._previous = state.shared
        state.shared = {}
        return self

    def __exit__(self, *exc: Any) -> None:
        thread_state().shared = self._previous
