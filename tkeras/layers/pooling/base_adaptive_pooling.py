"""The shared base of AdaptiveAverage/MaxPooling1D/2D/3D (private, never instantiated)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import config
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.ops.nn_extra import adaptive_average_pool, adaptive_max_pool

_OPS = {"average": adaptive_average_pool, "max": adaptive_max_pool}


class BaseAdaptivePooling(Layer):
    """Pool each channel to a fixed ``output_size`` over ``rank`` spatial axes (torch's bins)."""

    def __init__(
        self, output_size: Any, data_format: Any, *, rank: int, mode: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        name = type(self).__name__
        sizes = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
        if len(sizes) != rank or not all(isinstance(s, int) and s > 0 for s in sizes):
            raise ValueError(
                f"{name}: `output_size` must be a positive int or a tuple of {rank} positive "
                f"ints. Received: output_size={output_size!r}"
            )
        data_format = config.image_data_format() if data_format is None else data_format
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{name}: `data_format` must be 'channels_last' or 'channels_first'. "
                f"Received: data_format={data_format!r}"
            )
        self.output_size = sizes
        self.data_format = data_format
        self._op = _OPS[mode]
        self._rank = rank
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._op(inputs, self.output_size, self.data_format)

    def get_config(self) -> dict[str, Any]:
        # Keras stores the normalized values: a tuple size and the resolved data format.
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)
