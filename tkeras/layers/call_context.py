"""Layer call context: the training flag passed down to sublayers, eager masks, and the small
input helpers (symbolic detection, shapes, tensor conversion) that ``Layer.__call__`` uses."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tkeras.backend.global_state import thread_state
from tkeras.models.symbolic import KerasTensor

# This thread's call state (the object is per thread; reading it is cheap).
_STATE = thread_state()


_FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")


def _attach_masks(outputs: Any, masks: Any) -> None:
    if masks is None:
        return
    if isinstance(outputs, (list, tuple)):
        if not isinstance(masks, (list, tuple)):
            masks = [masks] + [None] * (len(outputs) - 1)
        for out, mask in zip(outputs, masks):
            _attach_masks(out, mask)
    elif isinstance(outputs, torch.Tensor) and isinstance(masks, torch.Tensor):
        outputs._keras_mask = masks


def resolve_training(module: nn.Module, training: bool | None) -> bool:
    """Keras's training flag: the explicit value, else the enclosing call's, else the mode."""
    if training is None:
        training = _STATE.training
        if training is None:
            return module.training
    return bool(training)


def not_implemented(layer_name: str, **arguments: Any) -> None:
    """Raise NotImplementedError for any argument given a non-default (non-None) value."""
    for arg, value in arguments.items():
        if value is not None:
            raise NotImplementedError(
                f"{layer_name}: the argument `{arg}` is not supported by tkeras "
                f"(received {arg}={value!r}). Leave it at its default (None)."
            )


def _is_symbolic(x: Any) -> bool:
    cls = x.__class__
    if cls is KerasTensor:
        return True
    if cls is list or cls is tuple:
        for e in x:
            c = e.__class__
            if c is KerasTensor or ((c is list or c is tuple or c is dict) and _is_symbolic(e)):
                return True
        return False
    if cls is dict:
        return _is_symbolic(list(x.values()))
    return isinstance(x, KerasTensor)


def _shape_of(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_shape_of(e) for e in x]
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    return tuple(x.shape)


def _flat_tensors(x: Any) -> list[torch.Tensor]:
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, (list, tuple)):
        return [t for e in x for t in _flat_tensors(e)]
    return []


def _first_tensor(x: Any) -> Any:
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return x


def _keras_shape(shape: Any) -> Any:
    if isinstance(shape, list):
        return [_keras_shape(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _keras_shape(v) for k, v in shape.items()}
    return tuple(shape)


def _torch_dtype(dtype: Any) -> torch.dtype:
    from tkeras.backend.convert import standardize_dtype

    return standardize_dtype(dtype)


def _as_tensor(x: Any) -> torch.Tensor:
    from tkeras.backend.convert import convert_to_tensor

    return convert_to_tensor(x)
