"""Wrapper: the base of layers that take another layer and augment it."""

from __future__ import annotations

from typing import Any

from tkeras.layers.layer import Layer


class Wrapper(Layer):
    """Abstract base of layers that wrap another layer (``SpectralNormalization``).

    It holds the wrapped layer as ``self.layer``, builds it from the wrapper's input shape,
    and serializes it under the ``layer`` config key, as Keras's ``Wrapper``. Subclasses define
    ``call``; the base itself has none, as in Keras.

    Args:
        layer: the ``keras.layers.Layer`` instance to wrap.

    Example:
        >>> import tkeras
        >>> class Twice(tkeras.layers.Wrapper):
        ...     def call(self, x):
        ...         return 2 * self.layer(x)
        >>> Twice(tkeras.layers.Dense(3))(tkeras.ops.ones((2, 4))).shape
        torch.Size([2, 3])
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer!r} supplied to {type(self).__name__} isn't a supported layer "
                "type: `layer` must be a keras.layers.Layer instance."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer.build_from_shape(input_shape)
            from tkeras.layers.rnn._nest import nest_paths  # rnn imports normalization

            nest_paths(self, self.layer)  # Keras's name scope: wrapper/dense/kernel
