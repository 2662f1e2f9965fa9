"""``Model``: a Layer that groups layers, with Keras's model API (summary, get_layer, ...)."""

from __future__ import annotations

from typing import Any

from tkeras.layers.layer import _LOSSES_USED, Layer
from tkeras.trainers.trainer import Trainer


class Model(Trainer, Layer):
    """A model: layers grouped under one ``torch.nn.Module`` with Keras's model API.

    ``Model(inputs, outputs)`` builds a functional model; or subclass it and define
    ``__init__`` and ``call(inputs, training=None)``; or use ``Sequential``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from tkeras.models.functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__ got positional arguments {args!r}: a Model "
                "subclass takes keyword arguments (name=, trainable=) only."
            )
        super().__init__(**kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _LOSSES_USED[0]:
            self._clear_losses()
        return super().__call__(*args, **kwargs)

    @property
    def layers(self) -> list[Layer]:
        """The model's direct sublayers, in the order they were assigned."""
        return self._sublayers()

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by its unique name or by its index in ``layers``."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[l.name for l in layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(
        self,
        line_length: int | None = None,
        positions: list[float] | None = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print Keras's summary table: each layer's name (type), output shape and params."""
        from tkeras.models.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )
