"""``Sequential``: a linear stack of layers, built lazily or at once from an ``Input``."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import torch
from torch import nn

from tkeras.backend.convert import input_torch_dtype, is_string_data
from tkeras.layers.core.input_layer import InputLayer
from tkeras.layers.layer import Layer
from tkeras.layers.layer_call import bump_routing
from tkeras.models.layer_list import LayerList
from tkeras.models.model import Model
from tkeras.models.symbolic import KerasTensor


def _makes_masks(layers: tuple[Layer, ...]) -> bool:
    """Whether some layer creates a mask that a later layer could use."""
    for i, layer in enumerate(layers):
        if layer._creates_mask:
            following = layers[i + 1 :]
            for nxt in following:
                if not nxt.supports_masking:
                    warnings.warn(
                        f"Layer {nxt.name!r} (of type {type(nxt).__name__}) does not support "
                        "masking, so the mask made upstream is dropped there. Downstream "
                        "layers will not see the mask.",
                        stacklevel=3,
                    )
                    break
            return True
    return False


class Sequential(Model):
    """A plain stack of layers where each layer has one input and one output.

    Built at once when the first entry is ``tkeras.Input(shape)`` (or the first layer has
    ``input_shape=``), else on the first call. Once built it is a plain ``nn.Module``:
    ``model(torch_tensor)`` runs each layer in turn.

    Args:
        layers: an optional list of layers (and optionally a leading ``Input``).
        trainable: whether the model's weights are trainable.
        name: the model name.

    Example:
        >>> import tkeras
        >>> model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Dense(2)])
        >>> model.output_shape
        (None, 2)
    """

    def __init__(
        self, layers: list[Any] | None = None, trainable: bool = True, name: str | None = None
    ) -> None:
        super().__init__(trainable=trainable, name=name)
        self._modules["layers"] = nn.ModuleList()
        self._input_shape: tuple | None = None
        self._input_layer: InputLayer | None = None
        self._graph_output: KerasTensor | None = None
        self._call_layers: tuple[Layer, ...] = ()
        self._input_torch_dtype: torch.dtype | None = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    @property
    def layers_(self) -> nn.ModuleList:
        # Registered as "layers", so state_dict keys read "layers.0.kernel".
        return self._modules["layers"]

    @property
    def layers(self) -> list[Layer]:
        return LayerList(self._modules["layers"])

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or, first, an ``Input`` / ``InputLayer``) to the stack."""
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if len(self.layers_) or self._input_shape is not None:
                raise ValueError(
                    f"Sequential model {self.name!r}: an Input may only be the first entry; "
                    f"received {layer.name!r} after {len(self.layers_)} layers."
                )
            self._input_shape = layer.batch_shape
            self._input_layer = layer
            return
        if isinstance(layer, nn.Module) and not isinstance(layer, Layer):
            from tkeras.layers.core.torch_module_wrapper import TorchModuleWrapper

            layer = TorchModuleWrapper(layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `tkeras.layers.Layer` (or torch.nn.Module) can be added to a "
                "Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if any(existing.name == layer.name for existing in self.layers_):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name "
                f"{layer.name!r} is already the name of a layer in this model. Update the `name` "
                "argument to pass a unique name."
            )
        if not len(self.layers_) and self._input_shape is None:
            self._input_shape = layer._batch_input_shape
        self.layers_.append(layer)
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not len(self.layers_):
            raise TypeError("There are no layers in the model.")
        layer = self.layers_[-1]
        del self.layers_[-1]
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self._call_layers = tuple(self.layers_)
        self._output_shape = None
        if self._input_shape is not None and len(self.layers_):
            self.build_from_shape(self._input_shape)

    def _first_or_symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        # First called on text without an Input: its Input is a string one, as in Keras.
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        if not self.built and isinstance(inputs, np.ndarray) and is_string_data(inputs):
            self._input_layer = InputLayer(batch_shape=inputs.shape, dtype="string")
        return super()._first_or_symbolic_call(args, kwargs)

    def build(self, input_shape: Any) -> None:
        # Run the stack once on KerasTensors: builds every layer, checks each input against
        # the layer's spec, and records the graph (layer.input/output, model.inputs/outputs).
        if self._input_layer is None or self._input_layer.batch_shape != tuple(input_shape):
            self._input_layer = InputLayer(batch_shape=tuple(input_shape))
        x = self._input_layer.output
        self._input_torch_dtype = input_torch_dtype(self._input_layer.input_dtype)
        for layer in self.layers_:
            x = layer(x)
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    "All layers added to a Sequential model should have a single output tensor. "
                    f"Layer {layer.name!r} returned {len(x)} tensors; use the functional API "
                    "(tkeras.Model(inputs, outputs)) for multi-output layers."
                )
            layer._output_shape = x.shape
        self._graph_output = x
        self._call_layers = tuple(self.layers_)
        # Masks then travel on the tensors (Layer's mask routing), as in Keras; _makes_masks
        # warns about a mask dropped by a layer that does not support masking.
        _makes_masks(self._call_layers)
        bump_routing()
        self.built = True

    def build_from_shape(self, input_shape: Any) -> None:
        if self.built:
            return
        self.build(input_shape)
        self._build_shape = tuple(input_shape)

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> Any:
        # Masks (Embedding(mask_zero=True), Masking) ride on the tensors between layers: a layer
        # that supports masking reads and passes them on, any other layer drops them.
        x = inputs
        want = self._input_torch_dtype
        if want is not None and isinstance(x, torch.Tensor) and x.dtype is not want:
            x = x.to(want)  # Keras converts the data to the Input's dtype (bool one-hots...)
        if not isinstance(x, torch.Tensor):  # text: host layers first (docs/data.md)
            return self._call_on_text(x)
        for layer in self._call_layers:
            x = layer(x)
        return x

    def _call_on_text(self, x: Any) -> Any:
        # Text layers return host tensors: they join the device of the model's weights.
        first = next(itertools.chain(self.parameters(), self.buffers()), None)
        for layer in self._call_layers:
            x = layer(x)
            if first is not None and isinstance(x, torch.Tensor) and x.device != first.device:
                x = x.to(first.device)
        return x

    @property
    def inputs(self) -> list[KerasTensor]:
        if self._input_layer is None or not self.built:
            raise AttributeError(
                f"Sequential model {self.name!r} has no input yet: build it or "
                "start it with tkeras.Input(shape)."
            )
        return [self._input_layer.output]

    @property
    def outputs(self) -> list[KerasTensor]:
        self.inputs  # noqa: B018  (raises the same error when unbuilt)
        return [self._graph_output]

    @property
    def input(self) -> KerasTensor:
        if self._inbound_nodes:
            return super().input
        return self.inputs[0]

    @property
    def output(self) -> KerasTensor:
        if self._inbound_nodes:
            return super().output
        return self.outputs[0]

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        for layer in self.layers_:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict[str, Any]:
        """Keras's Sequential config, the one ``.keras`` files hold (saving/graph_config.py)."""
        from tkeras.saving import graph_config

        return graph_config.sequential_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Sequential:
        """The model of a Sequential config written by ``get_config``, a ``.keras`` file or
        Keras."""
        from tkeras.saving import graph_config, object_registry

        custom = object_registry.all_custom_objects(custom_objects)
        return graph_config.sequential_from_config(cls, config, custom)
