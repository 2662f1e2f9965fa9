"""``clone_model``: the same architecture with new layers (fresh weights), as Keras clones."""

from __future__ import annotations

from typing import Any

from tkeras.saving import model_config
from tkeras.saving import serialization as ser


def _default_clone(layer: Any) -> Any:
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    if type(layer) in (Sequential, Functional):
        # Their own get_config is tkeras's; the Keras-format round trip rebuilds them.
        return ser.deserialize_keras_object(ser.serialize_keras_object(layer))
    return type(layer).from_config(layer.get_config())


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Any = None,
    call_function: Any = None,
    recursive: bool = False,
    **kwargs: Any,
) -> Any:
    """A copy of a model's architecture with new layers and freshly initialized weights.

    Sequential and functional models are rebuilt layer by layer (``clone_function(layer)``,
    by default ``type(layer).from_config(layer.get_config())``); other models through their
    config. A compiled model's clone is compiled the same way (with a new optimizer).

    Args:
        model: the model to clone.
        input_tensors: optional KerasTensor(s) to build the clone on (same structure as
            ``model.input``).
        clone_function: ``layer -> new layer``; it may return the layer itself to share it.
        call_function: functional models only: ``(layer, *args, **kwargs) -> outputs``, to
            change how each cloned layer is called.
        recursive: also clone the layers inside nested Sequential and functional models with
            ``clone_function``.

    Example:
        >>> import tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> clone = tkeras.models.clone_model(model)
        >>> clone.layers[0] is model.layers[0], clone.output_shape
        (False, (None, 2))
    """
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs)}")
    if isinstance(model, (Sequential, Functional)):
        wrapped = _wrap(clone_function, call_function, recursive, {} if cache is None else cache)
        if isinstance(model, Sequential):
            if call_function is not None:
                raise ValueError(
                    "`call_function` is only supported for functional models; "
                    f"{model.name!r} is a Sequential model."
                )
            clone = _clone_sequential(model, wrapped, input_tensors)
        else:
            clone = _clone_functional(model, wrapped, input_tensors, call_function)
        if getattr(model, "compiled", False):
            compile_config = model_config.get_compile_config(model)
            if compile_config:
                model_config.compile_from_config(clone, compile_config, {})
        return clone
    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported for Sequential "
            f"and functional models. Received model of type {type(model).__name__}."
        )
    if call_function is not None:
        raise ValueError("Argument `call_function` is only supported for functional models.")
    return ser.deserialize_keras_object(ser.serialize_keras_object(model))


def _wrap(clone_function: Any, call_function: Any, recursive: bool, cache: dict) -> Any:
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    base = clone_function or _default_clone
    if not callable(base):
        raise ValueError(
            f"Expected `clone_function` argument to be a callable. Received: {clone_function!r}"
        )

    def wrapped(layer: Any) -> Any:
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, (Sequential, Functional)):
            clone = clone_model(
                layer,
                clone_function=clone_function,
                call_function=call_function if isinstance(layer, Functional) else None,
                recursive=True,
                cache=cache,
            )
        else:
            clone = base(layer)
        cache[id(layer)] = clone
        return clone

    return wrapped


def _clone_sequential(model: Any, clone: Any, input_tensors: Any) -> Any:
    from tkeras.layers.core.input_layer import Input
    from tkeras.models.sequential import Sequential
    from tkeras.models.symbolic import KerasTensor

    layers = [clone(layer) for layer in model.layers]
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError("Argument `input_tensors` must contain a single tensor.")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError(
                "Argument `input_tensors` must be a KerasTensor. Received invalid value: "
                f"input_tensors={input_tensors!r}"
            )
        layers = [input_tensors, *layers]
    elif model._input_layer is not None:
        ref = model._input_layer
        layers = [Input(batch_shape=ref.batch_shape, dtype=ref.input_dtype, name=ref.name), *layers]
    return Sequential(layers, name=model.name, trainable=model.trainable)


def _clone_functional(model: Any, clone: Any, input_tensors: Any, call_function: Any) -> Any:
    from tkeras.layers.core.input_layer import Input
    from tkeras.models.functional import Functional
    from tkeras.models.operation import Operation
    from tkeras.models.symbolic import KerasTensor, flatten_kt, map_kt

    if input_tensors is not None:
        given = flatten_kt(input_tensors)
        if len(given) != len(model._flat_inputs) or not all(
            isinstance(t, KerasTensor) for t in given
        ):
            raise ValueError(
                "`input_tensors` must have the same structure as model.input, with KerasTensors "
                f"only. Reference structure: {model.input}. Received: {input_tensors}"
            )
        new_inputs = input_tensors
    else:
        new_inputs = map_kt(
            lambda t: Input(batch_shape=t.shape, dtype=t.dtype, name=t.node.layer.name),
            model._inputs_struct,
        )
    values = {id(old): new for old, new in zip(model._flat_inputs, flatten_kt(new_inputs))}
    for node in model._nodes:
        op = node.layer
        # Ops (x + y, ops.sum) are re-applied, as Keras's clone does; layers are cloned.
        layer = op.fresh() if isinstance(op, Operation) else clone(op)
        args = map_kt(lambda t: values[id(t)], list(node.args))
        kwargs = map_kt(lambda t: values[id(t)], dict(node.kwargs))
        if call_function is not None:
            out = call_function(layer, *args, **kwargs)
        else:
            out = layer(*args, **kwargs)
        for old, new in zip(node.output_tensors, flatten_kt(out)):
            values[id(old)] = new
    outputs = map_kt(lambda t: values[id(t)], model._outputs_struct)
    cls = type(model) if type(model) is Functional else Functional
    return cls(new_inputs, outputs, name=model.name)
