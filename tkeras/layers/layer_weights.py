"""Layer weights: ``add_weight`` and Keras's weight lists, trainability and get/set_weights."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from tkeras import constraints, initializers, regularizers
from tkeras.backend.layout import IDENTITY, Layout
from tkeras.backend.variable import Variable
from tkeras.layers.call_context import _torch_dtype
from tkeras.layers.layer_call import bump_routing

if TYPE_CHECKING:
    from tkeras.layers.layer import Layer


_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")


def _check_weight_options(
    layer_name: str, autocast: Any, aggregation: Any, overwrite_with_gradient: Any
) -> None:
    if not isinstance(autocast, bool):
        raise ValueError(
            f"Layer {layer_name!r}: add_weight expects `autocast` to be a bool. "
            f"Received: autocast={autocast!r}"
        )
    if aggregation not in _AGGREGATIONS:
        raise ValueError(
            f"Layer {layer_name!r}: invalid value for argument `aggregation`. Expected one of "
            f"{_AGGREGATIONS}. Received: aggregation={aggregation!r}"
        )
    if aggregation in ("sum", "only_first_replica"):
        raise NotImplementedError(
            f"Layer {layer_name!r}: add_weight(aggregation={aggregation!r}) is not supported by "
            "tkeras; use 'none' or 'mean'."
        )
    if overwrite_with_gradient:
        raise NotImplementedError(
            f"Layer {layer_name!r}: add_weight(overwrite_with_gradient=True) is not supported "
            "by tkeras (the optimizer never overwrites a variable with its gradient)."
        )


class LayerWeightsMixin:
    """The weight half of ``Layer`` (mixed into it; not used on its own)."""

    # torch's state_dict version of a tkeras layer: 2 since Variables have Keras's shapes.
    _version = 2

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, errors
    ) -> None:
        version = local_metadata.get("version")
        if version is not None and version < 2:
            moved = [
                v.name
                for v in (*self._own_trainable, *self._own_non_trainable)
                if v.keras_layout is not IDENTITY
            ]
            if moved:
                raise ValueError(
                    f"Layer {self.name!r}: this state_dict was saved by a tkeras release whose "
                    f"weights had torch's layouts (state_dict version {version}); its "
                    f"{', '.join(moved)} cannot be loaded into Keras-shaped Variables. Load the "
                    "weights through a .keras or .weights.h5 file, or transpose them to Keras's "
                    "layout and call set_weights()."
                )
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, errors
        )

    def add_weight(
        self,
        shape: Sequence[int] | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
        *,
        layout: Layout = IDENTITY,
    ) -> Variable:
        """Create a weight of Keras shape ``shape``, initialized as Keras initializes it.

        ``regularizer`` adds ``regularizer(weight)`` (Keras's layout) to ``losses`` while the
        weight is trainable; ``constraint`` projects the weight after each optimizer update.
        ``layout`` (tkeras only) lays the weight's memory out for the torch op that uses it
        (``backend/layout.py``); the Variable keeps Keras's shape either way. Custom layers
        leave it as the identity.

        ``autocast`` and ``aggregation`` are recorded on the variable (``var.autocast``,
        ``var.aggregation``) as Keras records them; with no mixed-precision policy the
        variable is always in the compute dtype, so autocasting never changes it.

        Differences from Keras: ``aggregation`` takes ``'none'`` or ``'mean'`` (what data
        parallel training does to gradients); ``'sum'`` and ``'only_first_replica'`` and
        ``overwrite_with_gradient=True`` raise NotImplementedError.
        """
        _check_weight_options(self.name, autocast, aggregation, overwrite_with_gradient)
        regularizer = regularizers.get(regularizer)
        constraint = constraints.get(constraint)
        shape = tuple(int(d) for d in (shape or ()))
        if any(d < 0 for d in shape):
            raise ValueError(f"Layer {self.name!r}: add_weight got a negative shape {shape}.")
        if dtype is None:
            dtype = getattr(self, "_variable_torch", None) or torch.float32
        else:
            dtype = _torch_dtype(dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating_point else "zeros"
        init = initializers.get(initializer)
        value = torch.as_tensor(init(shape, dtype=dtype)).to(dtype).reshape(shape)
        name = name or "variable"
        key = name
        i = 1
        while key in self._parameters or key in self._modules or key in self.__dict__:
            key, i = f"{name}_{i}", i + 1
        var = Variable(
            layout.allocate(value),
            # A layer made with trainable=False has frozen variables, as in Keras.
            trainable=trainable and self._trainable,
            name=name,
            layout=layout,
            path=f"{self.name}/{name}",
        )
        if regularizer is not None:
            var.regularizer = regularizer
            bump_routing()
        if constraint is not None:
            var.constraint = constraint
        var.autocast = bool(autocast)
        var.aggregation = aggregation
        self.register_parameter(key, var)
        (self._own_trainable if trainable else self._own_non_trainable).append(var)
        return var

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Variable):
            params = self.__dict__.get("_parameters")
            if params is not None:
                for key, existing in list(params.items()):
                    if existing is value and key != name:
                        del params[key]
        elif isinstance(value, torch.nn.Module):
            bump_routing()  # a new sublayer may add losses or create masks
        super().__setattr__(name, value)

    def _sublayers(self) -> list[Layer]:
        found = []
        for child in self.children():
            if isinstance(child, LayerWeightsMixin):
                found.append(child)
            else:
                found.extend(c for c in child.children() if isinstance(c, LayerWeightsMixin))
        return found

    @property
    def weights(self) -> list[Variable]:
        """Every weight in Keras's order: own trainable, own non-trainable, then sublayers'."""
        out, seen = [], set()
        for var in [*self._own_trainable, *self._own_non_trainable]:
            if id(var) not in seen:
                seen.add(id(var))
                out.append(var)
        for layer in self._sublayers():
            for var in layer.weights:
                if id(var) not in seen:
                    seen.add(id(var))
                    out.append(var)
        return out

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for var in self._own_trainable:
            var.trainable = value
        for layer in self._sublayers():
            layer.trainable = value

    def get_weights(self) -> list[np.ndarray]:
        """The weights as numpy arrays in Keras's layouts and order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from arrays in Keras's layouts and order; validates all first."""
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"Layer {self.name!r} expects {len(params)} weights, but the weights list has "
                f"{len(weights)} elements."
            )
        arrays = []
        for i, (var, value) in enumerate(zip(params, weights)):
            arr = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
            if tuple(arr.shape) != tuple(var.shape):
                raise ValueError(
                    f"Layer {self.name!r} weight {i} ({var.name}) expects shape "
                    f"{tuple(var.shape)}, but received shape {tuple(arr.shape)}."
                )
            arrays.append(arr)
        for var, arr in zip(params, arrays):
            var.assign(arr)

    def count_params(self) -> int:
        """The number of weight values (Keras's variables only)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name!r}, but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))
