"""The name -> class registry of saving: ``register_keras_serializable`` and custom objects.

A class or function registered here is found by ``deserialize_keras_object`` and ``load_model``
under ``"package>name"``, as Keras finds it, so configs written by Keras for a registered
custom layer load in tkeras once the same class is registered here (and the reverse).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from tkeras.backend.global_state import PROCESS, thread_state

# Process-wide, as in Keras: registering a class makes it visible to every thread.
GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = PROCESS.custom_objects
GLOBAL_CUSTOM_NAMES: dict[Any, str] = PROCESS.custom_names


class CustomObjectScope:
    """Make custom classes and functions visible to deserialization inside a ``with`` block.

    Args:
        custom_objects: a dict ``{name: class or function}``.

    Example:
        >>> import tkeras
        >>> def my_act(x):
        ...     return x
        >>> with tkeras.saving.custom_object_scope({"my_act": my_act}):
        ...     tkeras.saving.get_registered_object("my_act") is my_act
        True
    """

    def __init__(self, custom_objects: dict[str, Any] | None) -> None:
        self.custom_objects = dict(custom_objects or {})
        self._backup: dict[str, Any] | None = None

    def __enter__(self) -> CustomObjectScope:
        # The objects of the innermost scope, per thread (Keras keeps one dict, not a stack).
        state = thread_state()
        self._backup = state.custom_objects
        state.custom_objects = self.custom_objects
        return self

    def __exit__(self, *exc: Any) -> None:
        thread_state().custom_objects = self._backup if self._backup is not None else {}


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict[str, Any]:
    """The live global dict of registered custom objects (``"package>name"`` -> object).

    Example:
        >>> import tkeras
        >>> isinstance(tkeras.saving.get_custom_objects(), dict)
        True
    """
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(
    package: str = "Custom", name: str | None = None
) -> Callable[[Any], Any]:
    """Register a custom class or function for saving under ``"package>name"``.

    Args:
        package: the package part of the registered name.
        name: the name part; by default the object's ``__name__``.

    Example:
        >>> import tkeras
        >>> @tkeras.saving.register_keras_serializable(package="doc")
        ... class Twice(tkeras.layers.Layer):
        ...     def call(self, x):
        ...         return 2 * x
        >>> tkeras.saving.get_registered_name(Twice)
        'doc>Twice'
    """

    def decorator(obj: Any) -> Any:
        key = f"{package}>{name if name is not None else obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register the class {obj.__name__!r}: it has no get_config() method, "
                "so it could not be saved. Define get_config() (and from_config if needed)."
            )
        PROCESS.custom_objects[key] = obj
        PROCESS.custom_names[obj] = key
        return obj

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` was registered under, else its ``__name__``.

    Example:
        >>> import tkeras
        >>> tkeras.saving.get_registered_name(len)
        'len'
    """
    try:
        return GLOBAL_CUSTOM_NAMES[obj]
    except (KeyError, TypeError):
        return obj.__name__


def get_registered_object(
    name: str,
    custom_objects: dict[str, Any] | None = None,
    module_objects: dict[str, Any] | None = None,
) -> Any:
    """The object registered (or given in a scope or ``custom_objects``) as ``name``, or None.

    Looked up in Keras's order: the active ``custom_object_scope``, the global registry,
    ``custom_objects``, ``module_objects``.

    Example:
        >>> import tkeras
        >>> tkeras.saving.get_registered_object("no>such") is None
        True
    """
    for table in (
        thread_state().custom_objects,
        GLOBAL_CUSTOM_OBJECTS,
        custom_objects,
        module_objects,
    ):
        if table and name in table:
            return table[name]
    return None


def all_custom_objects(custom_objects: dict[str, Any] | None = None) -> dict[str, Any]:
    """The given ``custom_objects`` merged with the active scope and the global registry."""
    return {**(custom_objects or {}), **thread_state().custom_objects, **GLOBAL_CUSTOM_OBJECTS}
