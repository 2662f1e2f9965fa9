"""Identity: returns its input unchanged."""

from __future__ import annotations

from typing import Any

from tkeras.layers.layer import Layer


class Identity(Layer):
    """A layer that returns its input unchanged (the same object), mask included.

    Useful as a placeholder, e.g. to switch a block off without changing a model's structure.

    Example:
        >>> import torch, tkeras
        >>> x = torch.ones(2, 3)
        >>> tkeras.layers.Identity()(x) is x
        True
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape
