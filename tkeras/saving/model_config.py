"""Keras 3's configs of layers: the layer config itself (initializers, activations and dtype
written as Keras writes them), the build and compile configs, and instantiating any object from
its config. Sequential, functional and Lambda configs are in ``graph_config``.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import torch

from tkeras import config as _config
from tkeras.backend.global_state import thread_state
from tkeras.saving import object_registry
from tkeras.saving import serialization as ser
from tkeras.saving.class_resolution import short_config


def dtype_policy(name: str) -> dict[str, Any]:
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": name},
        "registered_name": None,
    }


# --------------------------------------------------------------------------- layer configs


def layer_config(layer: Any) -> dict[str, Any]:
    """A layer's inner config in Keras's format (JSON-ready)."""
    from tkeras.layers.core.input_layer import InputLayer
    from tkeras.layers.core.lambda_layer import Lambda
    from tkeras.layers.core.torch_module_wrapper import TorchModuleWrapper
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential
    from tkeras.saving import graph_config

    cls = type(layer)
    if cls is Sequential:
        return graph_config.sequential_config(layer)
    if cls is Functional:
        return graph_config.functional_config(layer)
    if cls is Lambda:
        return graph_config.lambda_config(layer)
    if isinstance(layer, TorchModuleWrapper):
        raise ValueError(
            f"Layer {layer.name!r} (TorchModuleWrapper) cannot be written to a model config: "
            "its config would be a pickled torch module, and tkeras never pickles or unpickles "
            "models. Save the weights with `model.save_weights('x.weights.h5')` and rebuild the "
            "model in code."
        )
    cfg = dict(layer.get_config())
    policy = getattr(layer, "_dtype_is_policy", True)
    if not isinstance(layer, InputLayer) and policy and isinstance(cfg.get("dtype"), str):
        cfg["dtype"] = dtype_policy(cfg["dtype"])
    if ser.public_module(cls) == "keras.layers":
        # Initial `weights` are in the weights file; Keras's own configs never hold them.
        cfg.pop("weights", None)
        _keras_style_values(cfg)
    try:
        return ser.serialize_dict(cfg)
    except TypeError as error:
        raise TypeError(f"Layer {layer.name!r}: its config cannot be serialized: {error}") from None


def _keras_style_values(cfg: dict[str, Any]) -> None:
    """Initializers, regularizers, constraints and activations as Keras's own get_config
    writes them."""
    from tkeras import activations, constraints, initializers, regularizers

    for key, value in cfg.items():
        if key.endswith("_initializer") and isinstance(value, (str, dict)):
            cfg[key] = initializers.get(value)
        elif key.endswith("_regularizer") and isinstance(value, (str, dict, type)):
            cfg[key] = regularizers.get(value)
        elif key.endswith("_constraint") and isinstance(value, (str, dict, type)):
            cfg[key] = constraints.get(value)
        elif key in ("activation", "recurrent_activation") and (
            value is None or isinstance(value, str)
        ):
            cfg[key] = activations.serialize(activations.get(value))
        elif key in ("activation", "recurrent_activation") and callable(value):
            name = activations.serialize(value)
            cfg[key] = name if isinstance(name, str) else value


def get_build_config(layer: Any) -> dict[str, Any] | None:
    """Keras's ``{"input_shape": ...}`` for a built layer (None when there is nothing to build)."""
    from tkeras.layers.core.input_layer import InputLayer
    from tkeras.models.functional import Functional
    from tkeras.models.symbolic import is_shape

    custom = getattr(layer, "get_build_config", None)
    if custom is not None:
        return custom()
    if isinstance(layer, InputLayer):
        return None
    if isinstance(layer, Functional):
        return {"input_shape": None}
    if not layer.built or layer._build_shape is None:
        return None
    names = _build_arg_names(type(layer))
    shape = layer._build_shape
    if len(names) > 1 and isinstance(shape, list) and all(s is None or is_shape(s) for s in shape):
        # build(query_shape, value_shape, ...): Keras records each given shape by name.
        shapes = dict(zip(names, shape))
        return {"shapes_dict": {k: v for k, v in shapes.items() if v is not None}}
    return {"input_shape": layer._build_shape}


def _build_arg_names(cls: type) -> list[str]:
    """The shape arguments of ``cls.build`` (``['input_shape']`` for most layers)."""
    try:
        params = list(inspect.signature(cls.build).parameters.values())[1:]
    except (TypeError, ValueError):
        return ["input_shape"]
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _to_shape(value: Any) -> Any:
    """A JSON shape back to tkeras's: a tuple, a list of tuples or a dict of tuples."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _to_shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value):
        return tuple(value)
    return [_to_shape(v) for v in value]


def build_from_config(layer: Any, build_config: dict[str, Any]) -> None:
    """Create a deserialized layer's weights from its build config, as Keras does."""
    from tkeras.layers.layer import Layer
    from tkeras.models.model import Model

    custom = getattr(layer, "build_from_config", None)
    if custom is not None:
        custom(build_config)
        return
    if "shapes_dict" in build_config:
        shapes = {k: _to_shape(v) for k, v in build_config["shapes_dict"].items()}
        if len(shapes) == 1:
            layer.build_from_shape(next(iter(shapes.values())))
        elif shapes:
            layer.build(**shapes)
            layer.built = True
        return
    shape = _to_shape(build_config.get("input_shape"))
    if shape is None:
        return
    if isinstance(layer, Model) and type(layer).build is Layer.build:
        _build_by_call(layer, shape)
    else:
        layer.build_from_shape(shape)


def _build_by_call(model: Any, shape: Any) -> None:
    """Build a subclassed model (no ``build`` of its own) by one inference call on zeros."""

    def zeros(s: Any, dtype: torch.dtype) -> Any:
        if isinstance(s, dict):
            return {k: zeros(v, dtype) for k, v in s.items()}
        if isinstance(s, list):
            return [zeros(v, dtype) for v in s]
        return torch.zeros([1 if d is None else d for d in s], dtype=dtype)

    errors = []
    for dtype in (_config.floatx_torch(), torch.int64):
        try:
            with torch.no_grad():
                model(zeros(shape, dtype), training=False)
            model.built = True
            return
        except Exception as error:  # noqa: BLE001 - retried with integer inputs, then reported
            errors.append(error)
    warnings.warn(
        f"Model {model.name!r} could not be built from its saved input shape {shape}: "
        f"{errors[-1]!r}. Implement `build_from_config(config)` on the class to rebuild it.",
        stacklevel=3,
    )


# --------------------------------------------------------------------------- instantiation


def instantiate(cls: type, config: dict[str, Any], custom_objects: dict[str, Any]) -> Any:
    """An instance of ``cls`` from a full Keras config, then built and compiled as saved."""
    from tkeras.layers.core.input_layer import InputLayer
    from tkeras.layers.core.lambda_layer import Lambda
    from tkeras.layers.core.torch_module_wrapper import TorchModuleWrapper
    from tkeras.layers.layer import Layer
    from tkeras.models.functional import Functional
    from tkeras.models.model import Model
    from tkeras.models.sequential import Sequential
    from tkeras.saving import graph_config

    inner = dict(config.get("config") or {})
    if cls is InputLayer and "batch_input_shape" in inner:  # Keras 2's spelling
        inner["batch_shape"] = inner.pop("batch_input_shape")
    if isinstance(cls, type) and issubclass(cls, Layer) and isinstance(inner.get("dtype"), dict):
        inner["dtype"] = ser._deserialize(inner["dtype"], custom_objects)
    try:
        if isinstance(cls, type) and issubclass(cls, Sequential):
            obj = graph_config.sequential_from_config(cls, inner, custom_objects)
        elif isinstance(cls, type) and issubclass(cls, Functional):
            obj = graph_config.functional_from_config(cls, inner, custom_objects)
        elif cls is Lambda:
            obj = graph_config.lambda_from_config(inner, custom_objects)
        elif isinstance(cls, type) and issubclass(cls, TorchModuleWrapper):
            raise ValueError(
                "A TorchModuleWrapper config holds a pickled torch module; tkeras never "
                "unpickles. Rebuild the model in code and load its weights with "
                "`model.load_weights(...)`."
            )
        elif _is_builtin(cls):
            inner = {k: ser._deserialize(v, custom_objects) for k, v in inner.items()}
            obj = cls.from_config(inner)
        else:
            with object_registry.CustomObjectScope(custom_objects):
                obj = cls.from_config(inner)
    except TypeError as error:
        raise TypeError(
            f"{cls} could not be deserialized properly: {error}. Components that are Python "
            "objects (layers, models, ...) returned by get_config() must be deserialized "
            f"explicitly in from_config(). Config: {short_config(config)}"
        ) from error
    build_config = config.get("build_config")
    if build_config and isinstance(obj, Layer) and not obj.built:
        build_from_config(obj, build_config)
    compile_config = config.get("compile_config")
    # thread_state().compile: False inside load_model(compile=False).
    if compile_config and thread_state().compile and isinstance(obj, Model):
        compile_from_config(obj, compile_config, custom_objects)
    return obj


def _is_builtin(cls: Any) -> bool:
    return isinstance(cls, type) and ser.public_module(cls) is not None


# --------------------------------------------------------------------------- compile


def get_compile_config(model: Any) -> dict[str, Any] | None:
    """Keras's compile config of a compiled model (None if it is not compiled or cannot be
    written, e.g. with a torch.optim optimizer or a torch loss module)."""
    if not getattr(model, "compiled", False):
        return None
    from tkeras.optimizers import Optimizer

    optimizer = model.optimizer
    compile_loss = getattr(model, "_compile_loss", None)
    compile_metrics = getattr(model, "_compile_metrics", None)
    loss = getattr(compile_loss, "_user_loss", None)
    parts = {
        "optimizer": optimizer,
        "loss": loss,
        "loss_weights": getattr(compile_loss, "_user_weights", None),
        "metrics": getattr(compile_metrics, "_user_metrics", None),
        "weighted_metrics": getattr(compile_metrics, "_user_weighted", None),
    }
    if not isinstance(optimizer, Optimizer) or isinstance(loss, torch.nn.Module):
        warnings.warn(
            f"Model {model.name!r}: the compile config is not saved, because a torch.optim "
            "optimizer or a torch loss module cannot be written to a Keras config. Compile the "
            "loaded model again.",
            stacklevel=4,
        )
        return None
    try:
        cfg = {key: ser.serialize_keras_object(value) for key, value in parts.items()}
    except TypeError as error:
        warnings.warn(
            f"Model {model.name!r}: the compile config is not saved ({error}). Compile the loaded "
            "model again.",
            stacklevel=4,
        )
        return None
    cfg.update(
        {
            "run_eagerly": bool(getattr(model, "_run_eagerly", False)),
            "steps_per_execution": int(getattr(model, "steps_per_execution", 1)),
            "jit_compile": bool(getattr(model, "_jit_compile", False)),
        }
    )
    return cfg


def compile_from_config(model: Any, config: dict[str, Any], custom_objects: dict[str, Any]) -> None:
    """Compile ``model`` from a compile config and build its optimizer, as Keras does."""
    from tkeras.optimizers import Optimizer
    from tkeras.trainers.trainer import Trainer

    if type(model).compile is not Trainer.compile:
        warnings.warn(
            "`compile()` was not called as part of model loading because the model's "
            "`compile()` method is custom. Call `compile()` manually after loading.",
            stacklevel=4,
        )
        return
    args = ser._deserialize(dict(config), custom_objects)
    known = (
        "optimizer",
        "loss",
        "loss_weights",
        "metrics",
        "weighted_metrics",
        "run_eagerly",
        "steps_per_execution",
        "jit_compile",
        "auto_scale_loss",
    )
    model.compile(**{k: v for k, v in args.items() if k in known})
    if isinstance(model.optimizer, Optimizer) and model.built:
        model.optimizer.build(model.trainable_weights)
