"""Layer state hooks for weight files: ``save_own_variables(store)`` / ``load_own_variables``.

``.keras`` and ``.weights.h5`` saving hands each layer a store (a dict: key -> array) for its
own h5 group, as Keras does. The base writes the layer's own variables as ``"0"``, ``"1"``,
...; a layer that overrides either hook decides what goes into its group (an extra array, a
lookup table, variables in another order) and how it is read back.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def own_variables(layer: Any) -> list[Any]:
    """The layer's own variables (not its sublayers'), in Keras's order, each once."""
    seen, out = set(), []
    for var in [*layer._own_trainable, *layer._own_non_trainable]:
        if id(var) not in seen:
            seen.add(id(var))
            out.append(var)
    return out


def overrides_hooks(layer: Any) -> bool:
    """Whether ``layer``'s class overrides ``save_own_variables`` or ``load_own_variables``."""
    cls = type(layer)
    return (
        cls.save_own_variables is not LayerSavingMixin.save_own_variables
        or cls.load_own_variables is not LayerSavingMixin.load_own_variables
    )


def as_array(value: Any) -> np.ndarray:
    """A stored value (Variable, tensor, array, number) as a numpy array."""
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


class LayerSavingMixin:
    """The two hooks of Keras's Layer that weight files call."""

    def save_own_variables(self, store: Any) -> None:
        """Write the layer's own state into ``store`` (a dict) for ``model.save()``.

        The base stores each own variable as ``store["0"]``, ``store["1"]``, ... Override it
        (usually calling ``super().save_own_variables(store)`` first) to store more.

        Example:
            >>> layer = tkeras.layers.Dense(2)
            >>> layer.build((None, 3))
            >>> store = {}
            >>> layer.save_own_variables(store)
            >>> sorted(store)
            ['0', '1']
        """
        for i, var in enumerate(own_variables(self)):
            store[str(i)] = var.numpy()

    def load_own_variables(self, store: Any) -> None:
        """Read the layer's own state from ``store`` (what ``save_own_variables`` wrote).

        Raises ValueError, as Keras, when the store holds another number of entries than the
        layer has variables.
        """
        variables = own_variables(self)
        if len(store.keys()) != len(variables):
            if not variables and not self.built:
                raise ValueError(
                    f"Layer '{self.name}' was never built and thus it doesn't have any "
                    f"variables. However the weights file lists {len(store.keys())} variables "
                    "for this layer. Build it first (call it on data, or on a keras.Input), or "
                    "implement `build_from_config` so loading can rebuild it."
                )
            raise ValueError(
                f"Layer '{self.name}' expected {len(variables)} variables, but received "
                f"{len(store.keys())} variables during loading. "
                f"Expected: {[v.name for v in variables]}"
            )
        for i, var in enumerate(variables):
            var.assign(store[str(i)])
