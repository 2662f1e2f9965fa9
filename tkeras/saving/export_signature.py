"""Input signatures of ``model.export()``: the InputSpecs of a model's inputs, resolved from
``input_signature=`` or the model, and the dynamic axes handed to ``torch.export``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from tkeras import config
from tkeras.layers.input_spec import InputSpec
from tkeras.models.symbolic import KerasTensor


def get_input_signature(model: Any) -> list:
    """The model's positional call arguments as specs with a ``None`` batch axis (Keras's
    ``get_input_signature``).

    Args:
        model: a built tkeras model.

    Example:
        >>> import tkeras
        >>> from tkeras.saving.export import get_input_signature
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> [(s.shape, s.dtype) for s in get_input_signature(model)]
        [((None, 3), 'float32')]
    """
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    if not getattr(model, "built", False):
        raise ValueError(
            f"The model {getattr(model, 'name', model)!r} has not yet been built. It must be "
            "built before export: call it on data, call model.build(input_shape), or start it "
            "with tkeras.Input(shape)."
        )
    if isinstance(model, Functional):
        return [_map(_spec_of, model.input)]
    if isinstance(model, Sequential):
        return [_spec_of(model.inputs[0])]
    shape = model._build_shape
    if shape is None:
        raise ValueError(
            f"Cannot infer the input signature of model {model.name!r}: it was built without "
            "an input shape. Call it on data once, or pass input_signature="
            "[tkeras.layers.InputSpec(shape=(None, ...), dtype='float32')]."
        )
    return [_map(lambda s: InputSpec(shape=(None, *s[1:]), dtype=config.floatx()), shape, True)]


def _spec_of(x: Any) -> InputSpec:
    """An InputSpec (batch axis None for tensors and KerasTensors) of one signature leaf."""
    if isinstance(x, InputSpec):
        if x.shape is None or x.dtype is None:
            raise ValueError(
                "The `shape` and `dtype` of an InputSpec in input_signature must be provided. "
                f"Received: shape={x.shape}, dtype={x.dtype}"
            )
        return x
    if isinstance(x, KerasTensor):
        return InputSpec(shape=(None, *x.shape[1:]), dtype=x.dtype, name=x.name)
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        dtype = str(x.dtype).replace("torch.", "")
        return InputSpec(shape=(None, *tuple(x.shape)[1:]), dtype=dtype)
    raise TypeError(
        f"Unsupported input_signature entry {x!r} of type {type(x).__name__}. Supported types "
        "are: tkeras.layers.InputSpec, KerasTensor, torch.Tensor and numpy arrays (or "
        "lists/dicts of them)."
    )


def _resolve_signature(model: Any, signature: Any) -> list:
    if signature is None:
        return get_input_signature(model)
    if not isinstance(signature, (list, tuple)):
        signature = [signature]
    from tkeras.models.functional import Functional

    # A flat list of one spec per input of a multi-input functional model is that model's one
    # positional argument (Keras wants it wrapped: [[spec_a, spec_b]]).
    if (
        isinstance(model, Functional)
        and isinstance(model.input, (list, tuple))
        and len(signature) == len(model.inputs) > 1
        and not any(isinstance(s, (list, tuple, dict)) for s in signature)
    ):
        signature = [list(signature)]
    return [_map(_spec_of, s) for s in signature]


def _map(fn: Callable, struct: Any, shapes: bool = False) -> Any:
    """``fn`` over the leaves of nested lists/tuples/dicts; with ``shapes``, a tuple of
    ints/None is a leaf (a build shape)."""
    if shapes and isinstance(struct, (list, tuple)):
        if all(d is None or isinstance(d, int) for d in struct):
            return fn(tuple(struct))
    if isinstance(struct, dict):
        return {k: _map(fn, v, shapes) for k, v in struct.items()}
    if isinstance(struct, (list, tuple)):
        return [_map(fn, v, shapes) for v in struct]
    return fn(struct)


def _leaves(struct: Any) -> list:
    if isinstance(struct, dict):
        return [leaf for v in struct.values() for leaf in _leaves(v)]
    if isinstance(struct, (list, tuple)):
        return [leaf for v in struct for leaf in _leaves(v)]
    return [struct]


def _dynamic(spec: InputSpec) -> dict[int, Any]:
    return {i: torch.export.Dim.AUTO for i, d in enumerate(spec.shape) if d is None}


def _normalize_dynamic_shapes(dynamic_shapes: Any, signature: list) -> Any:
    """Keras's forms: ``{0: Dim}`` for a one-tensor model means ``({0: Dim},)``."""
    one_tensor = len(signature) == 1 and isinstance(signature[0], InputSpec)
    if isinstance(dynamic_shapes, dict) and one_tensor:
        if all(isinstance(k, int) for k in dynamic_shapes):
            return (dynamic_shapes,)
    return dynamic_shapes
