"""RepeatVector: repeats a (batch, features) input n times along a new steps axis."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.validation import positive_int


class RepeatVector(Layer):
    """Repeats the input vector ``n`` times: (batch, features) -> (batch, n, features).

    Typically feeds an encoder's summary vector to every step of a decoder RNN.

    Args:
        n: positive int, the number of repetitions.

    Differences from Keras:
        The output is a broadcast view of the input (``expand``, no copy), so it costs no memory
        or time; its values and gradients are Keras's. Writing into it in place raises, as for
        any expanded tensor: call ``.clone()`` first.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.RepeatVector(3)(torch.ones(2, 32)).shape
        torch.Size([2, 3, 32])
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = positive_int(self, "n", n)
        self.input_spec = InputSpec(ndim=2)
        self.built = True
        self._expand = (-1, self.n, -1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.unsqueeze(1).expand(self._expand)

    def _input_hint(self) -> str:
        return "RepeatVector expects a 2D input (batch, features)."

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != 2:
            raise ValueError(
                f"RepeatVector {self.name!r}: expected an input shape of rank 2 "
                f"(batch, features), received input_shape={shape}."
            )
        return (shape[0], self.n, shape[1])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["n"] = self.n
        return config
