"""Which class or function a Keras config names: custom objects first, then tkeras's.

A config's ``module`` is Keras's public module (``keras.layers``, ``keras.src.losses.losses``,
...); the tkeras family of the same name is searched first, then the others.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

# tkeras package -> Keras public module, most specific first.
FAMILIES = (
    ("tkeras.layers", "keras.layers"),
    ("tkeras.initializers", "keras.initializers"),
    ("tkeras.regularizers", "keras.regularizers"),
    ("tkeras.constraints", "keras.constraints"),
    ("tkeras.optimizers.schedules", "keras.optimizers.schedules"),
    ("tkeras.optimizers", "keras.optimizers"),
    ("tkeras.losses", "keras.losses"),
    ("tkeras.metrics", "keras.metrics"),
    ("tkeras.activations", "keras.activations"),
    ("tkeras.random", "keras.random"),
)
# Keras families that hold plain functions, searched for ``module == "builtins"`` functions.
_FUNCTION_FAMILIES = ("tkeras.activations", "tkeras.losses", "tkeras.metrics")


def resolve_function(config: dict[str, Any], custom_objects: dict[str, Any]) -> Any:
    """The function named by a ``{"class_name": "function", ...}`` config."""
    name = config.get("config")
    if not isinstance(name, str):
        raise TypeError(f"Expected 'config' to be a function name (str). Full config: {config}")
    module = config.get("module") or ""
    registered = config.get("registered_name") or name
    for key in (name, registered):
        if key in custom_objects:
            return custom_objects[key]
    if module.startswith(("keras", "tkeras")) or module == "builtins":
        for tk_module in _candidate_families(module, _FUNCTION_FAMILIES):
            fn = getattr(importlib.import_module(tk_module), name, None)
            if isinstance(fn, types.FunctionType):
                return fn
        # Keras <= 3.6 saved registered functions by bare name.
        for key, obj in custom_objects.items():
            if key.endswith(f">{name}"):
                return obj
    raise TypeError(
        f"Could not locate function {name!r} (module {module!r}). Make sure custom functions "
        "are decorated with `@tkeras.saving.register_keras_serializable()` and imported before "
        f"loading, or pass them in `custom_objects`. Full object config: {config}"
    )


def _candidate_families(module: str, families: tuple[str, ...]) -> list[str]:
    """The tkeras families to search for an object of Keras module ``module``, likeliest first."""
    tail = module.replace("tkeras", "keras")
    first = [
        tk
        for tk, keras_module in FAMILIES
        if tail == keras_module or keras_module.rsplit(".", 1)[-1] in tail.split(".")
    ]
    return [*[f for f in first if f in families], *[f for f in families if f not in first]]


def resolve_class(config: dict[str, Any], custom_objects: dict[str, Any]) -> Any:
    """The class of a config: a custom object first, then tkeras's class of that Keras name."""
    class_name = config["class_name"]
    module = config.get("module")
    registered = config.get("registered_name") or class_name
    for key in (registered, class_name):
        if key in custom_objects:
            return custom_objects[key]
    if module is None or str(module).startswith(("keras", "tkeras")):
        found = _tkeras_class(class_name, module or "", config)
        if found is not None:
            return found
        if module is not None:
            _raise_missing(class_name, module, config, builtin=True)
    _raise_missing(class_name, module, config, builtin=False)


def _raise_missing(class_name: str, module: Any, config: dict, builtin: bool) -> None:
    if builtin:
        raise TypeError(
            f"Could not deserialize class {class_name!r} (module {module!r}): tkeras has no "
            "class of that name yet. Full object config: "
            f"{short_config(config)}"
        )
    raise TypeError(
        f"Could not locate class {class_name!r}. Make sure custom classes are decorated with "
        "`@tkeras.saving.register_keras_serializable()` and imported before loading, or pass "
        f"them in `custom_objects`. Full object config: {short_config(config)}"
    )


def short_config(config: dict) -> str:
    text = repr(config)
    return text if len(text) < 600 else text[:600] + "...}"


def _tkeras_class(class_name: str, module: str, config: dict) -> Any:
    from tkeras.layers.core.input_layer import InputLayer
    from tkeras.models.functional import Functional
    from tkeras.models.model import Model
    from tkeras.models.sequential import Sequential

    special = {"Sequential": Sequential, "Functional": Functional, "InputLayer": InputLayer}
    if class_name in special:
        return special[class_name]
    if class_name == "Model":
        inner = config.get("config") or {}
        return Functional if "input_layers" in inner else Model
    for tk_module in _candidate_families(module, tuple(f for f, _ in FAMILIES)):
        obj = getattr(importlib.import_module(tk_module), class_name, None)
        if isinstance(obj, type):
            return obj
    return None
