"""Legacy Keras ``.h5`` files: whole models (``model_config`` attribute, ``model_weights`` group,
``training_config`` and ``optimizer_weights``) and Keras 2 weights-only files.

Weights are matched to layers by order (each layer with weights, in ``model.layers`` order, to
the saved layers with weights, in ``layer_names`` order) or, with ``by_name=True``, by layer
name. A layer's weights are its trainable then non-trainable weights, in Keras's layouts. As
everywhere in tkeras, every array is checked before any is assigned.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import h5py
import numpy as np

from tkeras.saving import weights_h5
from tkeras.saving.atomic import atomic_path
from tkeras.saving.keras_zip import KERAS_FORMAT_VERSION

# Keras 2 optimizer-config keys that Keras 3 optimizers no longer take.
_OBSOLETE_OPTIMIZER_KEYS = ("is_legacy_optimizer", "jit_compile")


def _attr_list(group: Any, name: str) -> list[str]:
    """A list attribute of strings, also when Keras split it into ``name0``, ``name1``, ..."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, chunk = [], 0
        while f"{name}{chunk}" in group.attrs:
            values.extend(group.attrs[f"{name}{chunk}"])
            chunk += 1
    return [v.decode("utf8") if hasattr(v, "decode") else str(v) for v in values]


def _decode(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "decode"):
        value = value.decode("utf-8")
    return json.loads(value)


def _legacy_weights(layer: Any) -> list[Any]:
    return [*layer.trainable_weights, *layer.non_trainable_weights]


def _group(parent: Any, name: str, filename: str) -> Any:
    group = weights_h5._safe_group(parent, name)
    if group is None:
        raise ValueError(f"{filename}: expected an h5 group {name!r}, found none.")
    return group


def _values(group: Any, filename: str) -> list[np.ndarray]:
    return [
        weights_h5.read_dataset(group, name, filename) for name in _attr_list(group, "weight_names")
    ]


def _stage(
    weights: list[Any],
    values: list[np.ndarray],
    what: str,
    filename: str,
    skip_mismatch: bool,
    plan: weights_h5.LoadPlan,
) -> None:
    for var, value in zip(weights, values):
        expected = tuple(var.shape)
        if tuple(value.shape) != expected:
            message = (
                f"{filename}: shape mismatch in {what} for weight {var.path}: the weight expects "
                f"shape {expected}, but the file has shape {tuple(value.shape)}."
            )
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights: {message}", stacklevel=4)
                continue
            raise ValueError(message)
        plan.assignments.append((var, value))


def _top_level(model: Any, group: Any, filename: str, skip_mismatch: bool, plan) -> None:
    if "top_level_model_weights" not in group:
        return
    weights = weights_h5.own_variables(model)
    values = _values(_group(group, "top_level_model_weights", filename), filename)
    if len(values) != len(weights):
        message = (
            f"{filename}: weight count mismatch for the top-level weights of model "
            f"{model.name!r}: it expects {len(weights)}, the file has {len(values)}."
        )
        if skip_mismatch:
            warnings.warn(message, stacklevel=4)
            return
        raise ValueError(message)
    _stage(weights, values, "the top-level model", filename, skip_mismatch, plan)


def plan_by_order(
    model: Any, group: Any, filename: str, skip_mismatch: bool, plan: weights_h5.LoadPlan
) -> None:
    layers = [layer for layer in model.layers if _legacy_weights(layer)]
    names = [
        name
        for name in _attr_list(group, "layer_names")
        if _attr_list(_group(group, name, filename), "weight_names")
    ]
    if len(names) != len(layers):
        raise ValueError(
            f"{filename}: layer count mismatch when loading weights: the model has "
            f"{len(layers)} layers with weights {[l.name for l in layers]}, the file has "
            f"{len(names)} saved layers {names}."
        )
    for k, (name, layer) in enumerate(zip(names, layers)):
        weights = _legacy_weights(layer)
        values = _values(_group(group, name, filename), filename)
        if len(values) != len(weights):
            raise ValueError(
                f"{filename}: weight count mismatch for layer #{k} (named {layer.name!r} in the "
                f"current model, {name!r} in the file): the layer expects {len(weights)} "
                f"weight(s), the file has {len(values)}."
            )
        _stage(weights, values, f"layer #{k} (named {layer.name!r})", filename, skip_mismatch, plan)
    _top_level(model, group, filename, skip_mismatch, plan)


def plan_by_name(
    model: Any, group: Any, filename: str, skip_mismatch: bool, plan: weights_h5.LoadPlan
) -> None:
    index: dict[str, list[Any]] = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    for k, name in enumerate(_attr_list(group, "layer_names")):
        values = _values(_group(group, name, filename), filename)
        for layer in index.get(name, []):
            weights = _legacy_weights(layer)
            if len(values) != len(weights):
                message = (
                    f"{filename}: weight count mismatch for layer #{k} (named {layer.name!r}): "
                    f"the layer expects {len(weights)} weight(s), the file has {len(values)}."
                )
                if skip_mismatch:
                    warnings.warn(f"Skipping loading weights: {message}", stacklevel=3)
                    continue
                raise ValueError(message)
            _stage(weights, values, f"layer #{k} (named {name!r})", filename, skip_mismatch, plan)
    _top_level(model, group, filename, skip_mismatch, plan)


def load_weights(model: Any, filepath: str, skip_mismatch: bool = False, by_name: bool = False):
    """Load a legacy ``.h5`` (weights-only or whole-model) file's weights into ``model``."""
    plan = weights_h5.LoadPlan()
    with h5py.File(filepath, "r") as f:
        group = f
        if "layer_names" not in f.attrs and "model_weights" in f:
            group = _group(f, "model_weights", filepath)
        if "layer_names" not in group.attrs:
            raise ValueError(
                f"{filepath}: not a legacy Keras weights file (no `layer_names` attribute). A "
                "Keras 3 weights file must be named `*.weights.h5`."
            )
        (plan_by_name if by_name else plan_by_order)(model, group, filepath, skip_mismatch, plan)
    plan.apply()


def _upgrade_config(config: Any) -> Any:
    """Keras 2 spellings in a legacy model config, rewritten as Keras 3 reads them."""
    if isinstance(config, list):
        return [_upgrade_config(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: _upgrade_config(v) for k, v in config.items()}
    inner = out.get("config")
    if "class_name" in out and isinstance(inner, dict):
        shape = inner.pop("batch_input_shape", None)
        if shape is not None:
            inner["batch_shape" if out["class_name"] == "InputLayer" else "batch_input_shape"] = (
                shape
            )
        axis = inner.get("axis")
        if isinstance(axis, list) and len(axis) == 1:
            inner["axis"] = int(axis[0])
        if out["class_name"] == "Lambda" and isinstance(inner.get("function"), list):
            code, defaults, closure = inner["function"]
            inner["function"] = {
                "class_name": "__lambda__",
                "config": {"code": code, "defaults": defaults, "closure": closure},
            }
            for key in ("function_type", "module", "output_shape_type", "output_shape_module"):
                inner.pop(key, None)
    return out


def load_model(
    filepath: str, custom_objects: Any = None, compile: bool = True, safe_mode: bool = True
) -> Any:
    """The model of a legacy whole-model ``.h5`` file (Keras 2, or Keras 3's legacy writer)."""
    from tkeras.optimizers import Optimizer
    from tkeras.saving.api import model_from_config
    from tkeras.saving.serialization import deserialize_keras_object

    plan = weights_h5.LoadPlan()
    with h5py.File(filepath, "r") as f:
        config = _decode(f.attrs.get("model_config"))
        if config is None:
            raise ValueError(f"No model config found in the file at {filepath}.")
        model = model_from_config(
            _upgrade_config(config), custom_objects, compile=False, safe_mode=safe_mode
        )
        plan_by_order(model, _group(f, "model_weights", filepath), filepath, False, plan)
        training_config = _decode(f.attrs.get("training_config")) if compile else None
        if compile and training_config is None:
            warnings.warn(
                "No training configuration found in the save file, so the model was *not* "
                "compiled. Compile it manually.",
                stacklevel=3,
            )
        if training_config is not None:
            optimizer_config = dict(training_config["optimizer_config"])
            optimizer_config["config"] = {
                k: v
                for k, v in (optimizer_config.get("config") or {}).items()
                if k not in _OBSOLETE_OPTIMIZER_KEYS
            }
            args = {
                key: deserialize_keras_object(training_config.get(key), custom_objects)
                for key in ("loss", "metrics", "weighted_metrics", "loss_weights")
            }
            args["optimizer"] = deserialize_keras_object(optimizer_config, custom_objects)
            model.compile(**args)
            if isinstance(model.optimizer, Optimizer) and "optimizer_weights" in f:
                model.optimizer.build(model.trainable_weights)
                group = _group(f, "optimizer_weights", filepath)
                store = {str(i): v for i, v in enumerate(_values(group, filepath))}
                entry = weights_h5.Saveable(
                    "optimizer", model.optimizer.name, model.optimizer, "optimizer"
                )
                try:
                    weights_h5._plan_optimizer(entry, store, filepath, plan)
                except ValueError as error:
                    warnings.warn(
                        f"Error in loading the saved optimizer state ({error}). As a result, "
                        "your model is starting with a freshly initialized optimizer.",
                        stacklevel=3,
                    )
    plan.apply()
    return model


# --------------------------------------------------------------------------- writing


def _write_subset(group: Any, weights: list[Any], values: list[np.ndarray], names: list[str]):
    group.attrs["weight_names"] = (
        np.array([n.encode("utf8") for n in names], dtype=object)
        if names
        else np.array([], dtype=np.float64)
    )
    for name, value in zip(names, values):
        group.create_dataset(name, data=value)


def save_model(model: Any, filepath: str, include_optimizer: bool = True) -> None:
    """Write ``model`` in the legacy whole-model ``.h5`` layout (as Keras 3's legacy writer)."""
    from tkeras.optimizers import Optimizer
    from tkeras.saving import model_config as mc
    from tkeras.saving.serialization import class_identity, serialize_keras_object

    full = serialize_keras_object(model)
    attrs = {
        "backend": "torch",
        "keras_version": KERAS_FORMAT_VERSION,
        "model_config": json.dumps(
            {"class_name": class_identity(model)[1], "config": full["config"]}
        ),
    }
    training = None
    if include_optimizer and getattr(model, "compiled", False):
        compile_config = mc.get_compile_config(model)
        if compile_config is not None:
            optimizer = compile_config.pop("optimizer")
            compile_config["optimizer_config"] = {
                "class_name": optimizer["class_name"],
                "config": optimizer["config"],
            }
            training = compile_config
            attrs["training_config"] = json.dumps(training)
    with atomic_path(filepath, make_dirs=True) as tmp, h5py.File(tmp, "w") as f:
        for key, value in attrs.items():
            f.attrs[key] = value
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = np.array(
            [layer.name.encode("utf8") for layer in model.layers], dtype=object
        )
        group.attrs["backend"] = b"torch"
        group.attrs["keras_version"] = KERAS_FORMAT_VERSION.encode("utf8")
        for layer in sorted(model.layers, key=lambda l: l.name):
            weights = _legacy_weights(layer)
            _write_subset(
                group.create_group(layer.name),
                weights,
                [w.numpy() for w in weights],
                [w.path for w in weights],
            )
        own = weights_h5.own_variables(model)
        _write_subset(
            group.create_group("top_level_model_weights"),
            own,
            [w.numpy() for w in own],
            [w.path for w in own],
        )
        optimizer = getattr(model, "optimizer", None)
        if training is not None and isinstance(optimizer, Optimizer):
            store: dict[str, Any] = {}
            optimizer.save_own_variables(store)
            names = [f"{optimizer.name}/variable_{k}" for k in store]
            _write_subset(
                f.create_group("optimizer_weights"),
                [],
                [np.asarray(store[k]) for k in store],
                names,
            )
