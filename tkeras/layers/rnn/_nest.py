"""Helpers shared by the RNN wrappers: nested state structures, weight paths, layer clones."""

from __future__ import annotations

import copy
from typing import Any

from torch import nn


def is_nested(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def flatten(structure: Any) -> list:
    """The leaves of a nest of lists/tuples, depth first (Keras's ``tree.flatten``)."""
    if is_nested(structure):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack(structure: Any, leaves: Any) -> Any:
    """``leaves`` in the nesting of ``structure``, every level a list (Keras's states)."""
    it = iter(leaves)

    def rebuild(node: Any) -> Any:
        if is_nested(node):
            return [rebuild(item) for item in node]
        return next(it)

    return rebuild(structure)


def nest_paths(owner: Any, layer: Any) -> None:
    """Prefix the variable paths of ``layer`` (just built by ``owner``) with ``owner``'s name,
    as Keras's name scopes do: ``rnn/lstm_cell/kernel``."""
    for var in getattr(layer, "weights", ()):
        var.path = f"{owner.name}/{var.path}"


def clone_layer(layer: Any, **overrides: Any) -> Any:
    """A fresh, unbuilt copy of ``layer`` from its config (nested layers cloned too), as Keras's
    serialize/deserialize round trip makes one: no weights or states are shared."""
    from tkeras.layers.layer import Layer

    if not isinstance(layer, Layer):
        return copy.deepcopy(layer)
    config = layer.get_config()
    config.update(overrides)
    for key, value in config.items():
        if isinstance(value, nn.Module):
            config[key] = clone_layer(value)
        elif is_nested(value) and any(isinstance(v, nn.Module) for v in value):
            config[key] = [clone_layer(v) for v in value]
    return type(layer).from_config(config)
