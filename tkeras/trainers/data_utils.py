"""Batch structures for the trainer: nested lists/dicts of tensors, ``(x, y, sample_weight)``
packing, conversion to floatx tensors, cardinality checks and class weights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from tkeras import config
from tkeras.backend.convert import is_string_data, to_string_array
from tkeras.utils.py_dataset import PyDataset

Batch = tuple[Any, Any, Any]


def tree_map(fn: Callable[[Any], Any], struct: Any) -> Any:
    """Apply ``fn`` to every leaf of nested lists, tuples and dicts; None stays None."""
    if struct is None:
        return None
    if isinstance(struct, (list, tuple)):
        return type(struct)(tree_map(fn, s) for s in struct)
    if isinstance(struct, dict):
        return {k: tree_map(fn, v) for k, v in struct.items()}
    return fn(struct)


def flatten(struct: Any) -> list:
    """The non-None leaves of nested lists, tuples and dicts, in order."""
    if struct is None:
        return []
    if isinstance(struct, (list, tuple)):
        return [leaf for s in struct for leaf in flatten(s)]
    if isinstance(struct, dict):
        return [leaf for v in struct.values() for leaf in flatten(v)]
    return [struct]


def to_tensor(x: Any) -> Any:
    """A torch tensor for an array-like; float64 becomes floatx, as Keras casts its data.
    Text stays a numpy array of str on the host (torch has no string dtype)."""
    if isinstance(x, torch.Tensor):
        t = x
    else:
        if is_string_data(x):
            return to_string_array(x)
        arr = np.asarray(x)
        if arr.dtype == object:
            raise ValueError(f"Cannot convert an array of dtype object to a tensor: {arr!r:.100}")
        t = torch.from_numpy(np.ascontiguousarray(arr))
    if t.dtype == torch.float64:
        t = t.to(config.floatx_torch())
    return t


def text_as_arrays(struct: Any) -> Any:
    """Lists of strings in a data structure as numpy arrays of str, so each is one array."""
    if isinstance(struct, (list, tuple)) and is_string_data(struct):
        return to_string_array(struct)
    if isinstance(struct, (list, tuple)):
        return type(struct)(text_as_arrays(s) for s in struct)
    if isinstance(struct, dict):
        return {k: text_as_arrays(v) for k, v in struct.items()}
    return struct


def to_device(x: Any, device: torch.device) -> Any:
    """A tensor on ``device``; text (a numpy array) stays on the host."""
    return x if isinstance(x, np.ndarray) else x.to(device, non_blocking=True)


def take(x: Any, index: torch.Tensor) -> Any:
    """Rows ``index`` of a tensor (``index_select``) or of a host numpy array."""
    if isinstance(x, np.ndarray):
        return x[index.cpu().numpy()]
    return x.index_select(0, index)


def _is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, torch.Tensor)) or (
        hasattr(x, "__array__") and not isinstance(x, (PyDataset, torch.utils.data.Dataset))
    )


def is_array_structure(*structs: Any) -> bool:
    """Whether every leaf is an array (numpy, torch, anything with ``__array__``)."""
    leaves = [leaf for s in structs for leaf in flatten(s)]
    return bool(leaves) and all(_is_array(leaf) for leaf in leaves)


def unpack(data: Any) -> Batch:
    """``(x, y, sample_weight)`` from a batch ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sw)``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, *(None,) * (3 - len(data)))
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a tuple of {len(data)} elements: {str(data)[:200]}"
    )


def pack(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The batch Keras hands to ``train_step``: ``x`` alone (a tuple/list ``x`` as ``(x,)``),
    ``(x, y)`` or ``(x, y, sample_weight)``."""
    if sample_weight is not None:
        return (x, y, sample_weight)
    if y is not None:
        return (x, y)
    return (x,) if isinstance(x, (list, tuple)) else x


def check_cardinality(x: Any, y: Any, sample_weight: Any) -> int:
    """The common number of samples of all arrays; ValueError naming the sizes otherwise."""
    sizes = {int(leaf.shape[0]) for s in (x, y, sample_weight) for leaf in flatten(s)}
    if len(sizes) > 1:
        parts = []
        for label, struct in (("x", x), ("y", y), ("sample_weight", sample_weight)):
            if struct is not None:
                parts.append(
                    f"'{label}' sizes: " + ", ".join(str(int(t.shape[0])) for t in flatten(struct))
                )
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of "
            "samples. " + "; ".join(parts)
        )
    return sizes.pop()


class ClassWeights:
    """``{class: weight}`` as a lookup table: one weight per sample from its class.

    The class is the argmax of a one-hot target, else the (rounded) integer label; classes
    missing from the dict get weight 1, as in Keras. The table is copied to each device once.
    """

    def __init__(self, class_weight: dict) -> None:
        if not isinstance(class_weight, dict):
            raise ValueError(
                f"`class_weight` must be a dict mapping class indices to weights. "
                f"Received: class_weight={class_weight!r}"
            )
        keys = [int(k) for k in class_weight]
        self.size = max(max(keys, default=0) + 1, 1)
        table = torch.ones(self.size, dtype=config.floatx_torch())
        for key, weight in class_weight.items():
            if int(key) >= 0:
                table[int(key)] = float(weight)
        self._tables = {table.device: table}

    def __call__(self, y: Any) -> torch.Tensor:
        if isinstance(y, (list, tuple, dict)):
            raise ValueError("`class_weight` is only supported for Models with a single output.")
        y = to_tensor(y)
        if y.ndim > 1:
            y = y.argmax(-1) if y.shape[-1] != 1 else y.squeeze(-1)
        ids = torch.round(y.to(torch.float64)).long() if y.is_floating_point() else y.long()
        table = self._tables.get(ids.device)
        if table is None:
            table = self._tables[ids.device] = next(iter(self._tables.values())).to(ids.device)
        inside = (ids >= 0) & (ids < self.size)
        return torch.where(inside, table[ids.clamp(0, self.size - 1)], table.new_ones(()))


def class_weight_to_sample_weight(y: Any, class_weight: dict) -> torch.Tensor:
    """One weight per sample from its class (see ``ClassWeights``); every key must be a class
    of ``y`` (an index of a one-hot target, or a label that occurs)."""
    weights = ClassWeights(class_weight)
    if isinstance(class_weight, dict) and not isinstance(y, (list, tuple, dict)):
        t = to_tensor(y)
        if t.ndim > 1 and t.shape[-1] != 1:
            classes = set(range(int(t.shape[-1])))
        else:
            classes = {int(v) for v in torch.unique(t.reshape(-1).round().long()).tolist()}
        unknown = sorted(k for k in class_weight if int(k) not in classes)
        if unknown:
            raise ValueError(
                f"`class_weight` has keys {unknown} that are not classes of `y` (classes found: "
                f"{sorted(classes)[:20]}). Use the class indices of your targets as keys."
            )
    return weights(y)


def float_bools(t: Any) -> Any:
    """Boolean targets as floatx (Keras's losses and metrics cast them so)."""
    if isinstance(t, torch.Tensor) and t.dtype == torch.bool:
        return t.to(config.floatx_torch())
    return t


def move(struct: Any, device: torch.device) -> Any:
    """Convert every leaf to a tensor on ``device`` (non-blocking from pinned memory)."""
    return tree_map(lambda t: to_device(to_tensor(t), device), struct)
