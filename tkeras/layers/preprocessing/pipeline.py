"""Pipeline: a plain layer that applies a list of layers in order."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tkeras.layers.layer import Layer
from tkeras.layers.rnn._nest import nest_paths


class Pipeline(Layer):
    """Apply a series of layers to an input, e.g. an image augmentation pipeline.

    Unlike a ``Sequential`` model it is a plain layer (no compile/fit). ``training`` passes to
    every layer whose call takes it, and each layer's output mask to the next one's ``mask``.

    Args:
        layers: the list of layers to apply, in order.
        name: optional layer name.

    Differences from Keras: with no ``training`` argument the layers follow tkeras's rule
    (the enclosing call's flag, else their mode: inference outside ``fit``), where Keras's
    Pipeline defaults to ``training=True``.

    Example:
        >>> import torch, tkeras
        >>> L = tkeras.layers
        >>> pipe = L.Pipeline([L.Rescaling(1 / 255), L.RandomFlip("horizontal", seed=1)])
        >>> pipe(torch.ones(2, 8, 8, 3), training=True).shape
        torch.Size([2, 8, 8, 3])
    """

    def __init__(self, layers: list, name: str | None = None) -> None:
        super().__init__(name=name)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise ValueError(
                f"Pipeline {self.name!r}: `layers` must be a list of keras.layers.Layer "
                f"instances. Received: layers={layers!r}"
            )
        self._pipeline_layers = nn.ModuleList(layers)

    @property
    def layers(self) -> list:
        return list(self._pipeline_layers)

    def build(self, input_shape: Any) -> None:
        shape = input_shape
        for layer in self._pipeline_layers:
            if not layer.built:
                layer.build_from_shape(shape)
                nest_paths(self, layer)
            shape = layer.compute_output_shape(shape)

    def call(
        self, inputs: torch.Tensor, training: bool | None = None, mask: Any = None
    ) -> torch.Tensor:
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask:
                kwargs["mask"] = mask
            if layer._call_has_training and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            mask = getattr(outputs, "_keras_mask", None)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {"layers": self.layers, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Pipeline:
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized "
                f"layers. Received config with layers={layers}."
            )
        return cls(**config)
