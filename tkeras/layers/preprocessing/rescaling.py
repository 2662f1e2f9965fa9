"""Rescaling: multiplies inputs by ``scale`` and adds ``offset`` (e.g. pixels to [0, 1])."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tkeras import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing.base_image_layer import as_float, is_number


class Rescaling(Layer):
    """Rescales inputs to a new range: ``inputs * scale + offset``, in training and inference.

    Integer inputs (e.g. uint8 pixels) give float32 outputs. ``scale`` and ``offset`` may be
    per-channel arrays; when ``config.image_data_format()`` is ``'channels_first'`` a 1-D
    ``scale`` is laid along the channel axis of an image, as in Keras.

    Args:
        scale: float or array of floats, the multiplier.
        offset: float or array of floats added after scaling (default 0).

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.Rescaling(scale=1 / 127.5, offset=-1)
        >>> layer(torch.tensor([[0, 255]], dtype=torch.uint8))
        tensor([[-1.,  1.]])
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        for arg, value in (("scale", scale), ("offset", offset)):
            value = self._value(arg, value)
            if isinstance(value, torch.Tensor):  # a buffer follows the layer across devices
                self.register_buffer(f"_{arg}", value, persistent=False)
            else:
                setattr(self, f"_{arg}", value)
        self.supports_masking = True

    def _value(self, arg: str, value: Any) -> float | torch.Tensor:
        if is_number(value):
            return float(value)
        try:
            if isinstance(value, torch.Tensor):
                value = value.detach().cpu().numpy()
            array = np.asarray(value, dtype="float32")
        except (TypeError, ValueError):
            array = None
        if array is None or array.size == 0:
            raise ValueError(
                f"Rescaling {self.name!r}: the `{arg}` argument must be a number or an array "
                f"of numbers. Received: {arg}={value!r}"
            ) from None
        if arg == "scale" and array.ndim > 0 and config.image_data_format() == "channels_first":
            array = array.reshape(array.shape + (1,) * (3 - array.ndim))
        return torch.from_numpy(array)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs) * self._scale + self._offset

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)
