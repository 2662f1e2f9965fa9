"""Keras 3's configs of Sequential and functional models and of Lambda layers, and the models
and layers rebuilt from them (configs written by Keras or by tkeras).

The functional format follows Keras: each layer entry carries its ``name`` and
``inbound_nodes`` (the call arguments, with ``__keras_tensor__`` references
``[layer name, node index, tensor index]``), and ``input_layers`` / ``output_layers`` keep the
model's input and output structure; a nested functional model counts one extra node there, as
Keras counts it.
"""

from __future__ import annotations

from typing import Any

from tkeras.saving import serialization as ser
from tkeras.saving.model_config import _to_shape, dtype_policy

# --------------------------------------------------------------------------- Sequential


def sequential_config(model: Any) -> dict[str, Any]:
    layers = []
    if model._input_layer is not None:
        layers.append(ser.serialize_keras_object(model._input_layer))
    layers.extend(ser.serialize_keras_object(layer) for layer in model.layers)
    cfg = {
        "name": model.name,
        "trainable": model.trainable,
        "dtype": dtype_policy(model.dtype_policy.name),
        "layers": layers,
    }
    shape = model._build_shape if model.built else None
    if shape is not None:
        cfg["build_input_shape"] = list(shape)
    return cfg


def sequential_from_config(cls: type, inner: Any, custom_objects: dict[str, Any]) -> Any:
    if isinstance(inner, list):  # Keras 1/2 wrote the layer list alone
        inner = {"layers": inner}
    layers = [ser._deserialize(entry, custom_objects) for entry in inner.get("layers", [])]
    kwargs = {"layers": layers, "name": inner.get("name")}
    if "trainable" in inner:
        kwargs["trainable"] = inner["trainable"]
    model = cls(**kwargs)
    shape = inner.get("build_input_shape")
    if not model.built and isinstance(shape, (list, tuple)) and model.layers:
        model.build_from_shape(_to_shape(shape))
    return model


# --------------------------------------------------------------------------- functional


def _kept_index(node: Any, own: set[int]) -> int:
    """The index of ``node`` among its layer's nodes that belong to the model (``own``)."""
    index = 0
    for other in node.layer._inbound_nodes:
        if other is node:
            return index
        if id(other) in own:
            index += 1
    raise RuntimeError(f"Internal error: node of layer {node.layer.name!r} not found.")


def operation_entry(op: Any, config: dict[str, Any]) -> dict[str, Any]:
    """An op node's entry as Keras 3 writes it (its class, and its constructor arguments)."""
    module, class_name, _ = op.keras_entry
    config = {"name": op.name, **op.constructor_kwargs, **config}
    return {
        "module": module,
        "class_name": class_name,
        "config": ser.serialize_keras_object(config),
        "registered_name": class_name,
    }


def _is_operation_entry(entry: Any) -> bool:
    module = entry.get("module") or ""
    return module.startswith(
        ("keras.src.ops.", "keras.src.activations", "tkeras.ops", "tkeras.random")
    )


def functional_config(model: Any) -> dict[str, Any]:
    from tkeras.models.functional import Functional
    from tkeras.models.operation import Operation
    from tkeras.models.symbolic import KerasTensor, map_kt

    own = {id(n) for n in model._all_nodes}

    def tensor_ref(t: KerasTensor) -> dict[str, Any]:
        history = [t.node.layer.name, _kept_index(t.node, own), t.index]
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": list(t.shape), "dtype": t.dtype, "keras_history": history},
        }

    layer_configs = []
    for layer in getattr(model, "_operations", model.layers):
        nodes = []
        op_config = None
        for node in layer._inbound_nodes:
            if id(node) not in own or not node.input_tensors:
                continue
            if isinstance(layer, Operation):
                op_config, args, kwargs = layer.split_arguments(node)
                kwargs = {k: v for k, v in kwargs.items() if k not in layer.constructor_kwargs}
            else:
                args, kwargs = list(node.args), dict(node.kwargs)
            nodes.append(
                {
                    "args": ser.serialize_keras_object(map_kt(tensor_ref, args)),
                    "kwargs": ser.serialize_keras_object(map_kt(tensor_ref, kwargs)),
                }
            )
        if isinstance(layer, Operation):
            entry = operation_entry(layer, op_config or {})
        else:
            entry = ser.serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = nodes
        layer_configs.append(entry)

    def endpoint(t: KerasTensor) -> list[Any]:
        # Keras counts a nested functional model's own construction as its node 0.
        offset = 1 if isinstance(t.node.layer, Functional) else 0
        return [t.node.layer.name, _kept_index(t.node, own) + offset, t.index]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": _plain(map_kt(endpoint, model._inputs_struct)),
        "output_layers": _plain(map_kt(endpoint, model._outputs_struct)),
    }


def _plain(struct: Any) -> Any:
    if isinstance(struct, dict):
        return {k: _plain(v) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return [_plain(v) for v in struct]
    return struct


def _is_endpoint(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    )


def functional_from_config(cls: type, inner: dict[str, Any], custom_objects: dict[str, Any]) -> Any:
    from tkeras.models.functional import Functional
    from tkeras.models.operation import operation_from_keras
    from tkeras.models.symbolic import KerasTensor, map_kt

    created: dict[str, Any] = {}
    pending: list[tuple[Any, list[Any]]] = []
    for entry in inner["layers"]:
        if _is_operation_entry(entry):
            op_config = ser._deserialize(entry.get("config") or {}, custom_objects)
            layer = operation_from_keras(entry["module"], entry["class_name"], op_config)
        else:
            layer = ser._deserialize(entry, custom_objects)
        name = entry.get("name") or entry.get("config", {}).get("name")
        created[name] = layer
        pending.append((layer, list(entry.get("inbound_nodes") or [])))

    def tensor_of(history: Any) -> Any:
        layer_name, node_index, tensor_index = history[0], history[1], history[2]
        if layer_name not in created:
            raise ValueError(
                f"Invalid functional model config: unknown layer {layer_name!r} in a node."
            )
        nodes = created[layer_name]._inbound_nodes
        if node_index >= len(nodes):
            raise IndexError(layer_name)
        return nodes[node_index].output_tensors[tensor_index]

    def call_node(layer: Any, node_data: Any) -> None:
        if isinstance(node_data, list):  # Keras 2: [[layer, node, tensor, kwargs], ...]
            tensors = [tensor_of(ref) for ref in node_data]
            kwargs = node_data[0][3] if node_data and len(node_data[0]) > 3 else {}
            args = (tensors[0] if len(tensors) == 1 else tensors,)
        else:
            args = ser._deserialize(node_data.get("args", []), custom_objects)
            kwargs = ser._deserialize(node_data.get("kwargs", {}), custom_objects) or {}

            def revive(t: KerasTensor) -> Any:
                history = getattr(t, "_saved_history", None)
                return t if history is None else tensor_of(history)

            args = tuple(map_kt(revive, list(args)))
            kwargs = map_kt(revive, dict(kwargs))
        # Keras stores the call's default training/mask; the model passes its own at run time.
        kwargs = {
            k: v for k, v in kwargs.items() if k != "training" and not (k == "mask" and v is None)
        }
        layer(*args, **kwargs)

    while pending:
        progressed = False
        remaining = []
        for layer, nodes in pending:
            done = 0
            for node_data in nodes:
                try:
                    call_node(layer, node_data)
                except IndexError:
                    break
                done += 1
            progressed = progressed or done > 0
            if done < len(nodes):
                remaining.append((layer, nodes[done:]))
        if remaining and not progressed:
            names = [layer.name for layer, _ in remaining]
            raise ValueError(
                "Invalid functional model config: the graph has loops or disconnected nodes. "
                f"Layers whose calls could not be resolved: {names}"
            )
        pending = remaining

    def endpoint(ref: list[Any]) -> Any:
        layer = created.get(ref[0])
        if layer is None:
            raise ValueError(f"Invalid functional model config: unknown layer {ref[0]!r}.")
        index = ref[1] - (1 if isinstance(layer, Functional) else 0)
        return layer._inbound_nodes[index].output_tensors[ref[2]]

    def endpoints(struct: Any) -> Any:
        if _is_endpoint(struct):
            return endpoint(struct)
        if isinstance(struct, dict):
            return {k: endpoints(v) for k, v in struct.items()}
        return [endpoints(v) for v in struct]

    inputs = endpoints(inner["input_layers"])
    outputs = endpoints(inner["output_layers"])
    if any(
        isinstance(n, list) for entry in inner["layers"] for n in entry.get("inbound_nodes", [])
    ):
        # Keras 2 wrote every endpoint list as a list, also for a single input or output.
        inputs = inputs[0] if isinstance(inputs, list) and len(inputs) == 1 else inputs
        outputs = outputs[0] if isinstance(outputs, list) and len(outputs) == 1 else outputs
    kwargs = {"name": inner.get("name")}
    if inner.get("trainable") is not None:
        kwargs["trainable"] = inner["trainable"]
    return cls(inputs, outputs, **kwargs)


# --------------------------------------------------------------------------- Lambda


def _function_entry(fn: Any) -> Any:
    if getattr(fn, "__name__", None) == "<lambda>":
        code, defaults, closure = ser.func_dump(fn)
        return {
            "class_name": "__lambda__",
            "config": {
                "code": code,
                "defaults": ser.serialize_keras_object(defaults),
                "closure": ser.serialize_keras_object(closure),
            },
        }
    return ser.serialize_keras_object(fn)


def lambda_config(layer: Any) -> dict[str, Any]:
    cfg = layer.get_config()
    out = {
        "name": layer.name,
        "trainable": layer.trainable,
        "dtype": dtype_policy(layer.dtype_policy.name),
        "function": _function_entry(cfg["function"]),
    }
    shape = cfg.get("output_shape")
    if shape is not None:
        out["output_shape"] = _function_entry(shape) if callable(shape) else _plain(shape)
    mask = cfg.get("mask")
    if mask is not None:
        out["mask"] = _function_entry(mask) if callable(mask) else ser.serialize_keras_object(mask)
    out["arguments"] = ser.serialize_keras_object(cfg.get("arguments") or {})
    return out


def _load_function(entry: Any, custom_objects: dict[str, Any], what: str) -> Any:
    if isinstance(entry, dict) and entry.get("class_name") == "__lambda__":
        ser.check_lambda_allowed(f"a `Lambda` layer whose `{what}` is a Python lambda")
        inner = entry["config"]
        if "value" in inner:
            return ser.func_load(inner["value"])
        return ser.func_load(inner["code"], inner.get("defaults"), inner.get("closure"))
    return ser._deserialize(entry, custom_objects)


def lambda_from_config(inner: dict[str, Any], custom_objects: dict[str, Any]) -> Any:
    from tkeras.layers.core.lambda_layer import Lambda

    inner = dict(inner)
    inner["function"] = _load_function(inner["function"], custom_objects, "function")
    if inner.get("output_shape") is not None:
        shape = _load_function(inner["output_shape"], custom_objects, "output_shape")
        inner["output_shape"] = _to_shape(shape) if isinstance(shape, list) else shape
    if inner.get("mask") is not None:
        inner["mask"] = _load_function(inner["mask"], custom_objects, "mask")
    if "arguments" in inner:
        inner["arguments"] = ser._deserialize(inner["arguments"], custom_objects)
    return Lambda(**inner)
