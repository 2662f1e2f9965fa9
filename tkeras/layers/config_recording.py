"""Config recording: subclass ``__init__`` wrappers that record constructor arguments."""

from __future__ import annotations

import functools
import inspect
from typing import Any

_BASE_KEYS = ("name", "trainable", "dtype", "autocast", "activity_regularizer")


def _recording_init(init: Any) -> Any:
    """Wrap a subclass ``__init__`` so the most-derived call records its arguments for config."""
    sig = inspect.signature(init)

    @functools.wraps(init)
    def wrapped(self, *args: Any, **kwargs: Any) -> None:
        if "_init_config" not in self.__dict__:
            try:
                bound = sig.bind(self, *args, **kwargs)
            except TypeError:
                bound = None
            if bound is not None:
                bound.apply_defaults()
                cfg = {}
                for pname, value in list(bound.arguments.items())[1:]:
                    kind = sig.parameters[pname].kind
                    if kind is inspect.Parameter.VAR_KEYWORD:
                        cfg.update({k: v for k, v in value.items() if k not in _BASE_KEYS})
                    elif kind is not inspect.Parameter.VAR_POSITIONAL and pname not in _BASE_KEYS:
                        cfg[pname] = value
                object.__setattr__(self, "_init_config", cfg)
        init(self, *args, **kwargs)

    wrapped._records_config = True
    return wrapped


# Arguments Keras's get_config leaves out while they are None (deprecated or opt-in).
_OMITTED_WHEN_NONE = ("lora_rank", "lora_alpha", "gptq_unpacked_column_size")
# Arguments Keras accepts but never writes (tkeras-only, or deprecated in Keras).
_TKERAS_ONLY = ("use_cudnn", "input_length")
_PLAIN = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def keras_ready(layer: Any, config: dict[str, Any]) -> dict[str, Any]:
    """``config`` as Keras's ``get_config`` returns it for a tkeras layer: each argument as the
    layer normalized it (``kernel_size=3`` -> ``(3,)``, ``data_format=None`` ->
    ``'channels_last'``, as Keras's ``get_config`` reads its attributes), dtype as a policy
    dict, initializers/regularizers/constraints/activations and nested layers serialized as
    Keras writes them; tuples and plain values stay as they are (JSON-ready)."""
    from tkeras.saving import model_config

    cfg = dict(config)
    # Keras arguments taken through **kwargs that Keras's get_config always writes, as the
    # layer resolved them (LayerNormalization's rms_scaling, an image layer's data_format).
    for key in getattr(layer, "_kwargs_config", ()):
        cfg.setdefault(key, getattr(layer, key))
    base = _base_attributes()
    for key, value in cfg.items():
        if key in base:
            continue
        try:
            normalized = getattr(layer, key, value)
        except Exception:  # noqa: BLE001 - a property that needs a built layer: keep the value
            continue
        if normalized is not value and _plain(normalized) and _plain(value):
            cfg[key] = normalized
    for key, default in getattr(layer, "_config_defaults", {}).items():
        cfg.setdefault(key, default)
    if isinstance(cfg.get("dtype"), str) and getattr(layer, "_dtype_is_policy", True):
        cfg["dtype"] = model_config.dtype_policy(cfg["dtype"])
    if "activity_regularizer" in _init_parameters(type(layer)):
        cfg.setdefault("activity_regularizer", None)
    for key in getattr(layer, "_config_omit_if_none", ()):
        if key in cfg and cfg[key] is None:
            del cfg[key]
    cfg.pop("weights", None)  # initial weights go to the weights file, never into a config
    for key in _OMITTED_WHEN_NONE:
        if key in cfg and cfg[key] is None:
            del cfg[key]
    for key in _TKERAS_ONLY:
        cfg.pop(key, None)
    model_config._keras_style_values(cfg)
    return {key: _json_ready(value) for key, value in cfg.items()}


@functools.cache
def _base_attributes() -> frozenset[str]:
    """Names the Layer base defines (``output_shape``, ``trainable``...): never an argument's
    normalized value."""
    from tkeras.layers.layer import Layer

    return frozenset(dir(Layer))


@functools.cache
def _init_parameters(cls: type) -> frozenset[str]:
    return frozenset(inspect.signature(cls.__init__).parameters)


def _json_ready(value: Any) -> Any:
    from tkeras.saving import serialization as ser

    if value is None or isinstance(value, ser.PLAIN_TYPES):
        return value
    if isinstance(value, tuple):
        return tuple(_json_ready(v) for v in value)
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    return ser.serialize_keras_object(value)


def revive(config: dict[str, Any]) -> dict[str, Any]:
    """A Keras config's values as constructor arguments: serialized objects (initializers,
    regularizers, nested layers, dtype policies, ...) deserialized, plain values kept."""
    from tkeras.saving import object_registry
    from tkeras.saving import serialization as ser

    custom = object_registry.all_custom_objects()
    return {key: _revive(value, custom, ser) for key, value in config.items()}


def _revive(value: Any, custom: dict[str, Any], ser: Any) -> Any:
    if isinstance(value, dict):
        if "class_name" in value and "config" in value:
            return ser._deserialize(value, custom)
        return {k: _revive(v, custom, ser) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v, custom, ser) for v in value]
    return value


def keras_get_config(get_config: Any) -> Any:
    """Wrap a tkeras layer's own ``get_config`` so its result is Keras-shaped (keras_ready)."""

    @functools.wraps(get_config)
    def wrapped(self: Any) -> dict[str, Any]:
        return keras_ready(self, get_config(self))

    wrapped._keras_ready = True
    return wrapped


def keras_from_config(from_config: Any) -> Any:
    """Wrap a tkeras layer's own ``from_config`` so it accepts configs written by Keras."""
    fn = from_config.__func__

    @functools.wraps(fn)
    def wrapped(cls: type, config: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        return fn(cls, revive(config), *args, **kwargs)

    wrapped._keras_ready = True
    return classmethod(wrapped)
