"""The private base of SpatialDropout1D/2D/3D: dropout of whole channels (feature maps)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import resolve_training
from tkeras.layers.regularization.base_noise import _Noise
from tkeras.layers.validation import data_format as check_data_format
from tkeras.layers.validation import rate as check_rate

_LAYOUTS = {
    ("channels_last", 1): "(batch, steps, channels)",
    ("channels_last", 2): "(batch, height, width, channels)",
    ("channels_first", 2): "(batch, channels, height, width)",
    ("channels_last", 3): "(batch, depth, height, width, channels)",
    ("channels_first", 3): "(batch, channels, depth, height, width)",
}


class _SpatialDropout(_Noise):
    """Drops whole channels in training, scaling the kept ones by ``1/(1 - rate)`` (private).

    One Bernoulli draw per (sample, channel) is broadcast over every spatial position: the
    mask has shape ``(N, 1, ..., 1, C)`` (channels_last) or ``(N, C, 1, ..., 1)``.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        rate: float in [0, 1), the fraction of channels to drop.
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config default).
        seed: None or an int (the layer's own generator).
    """

    # Keras's SpatialDropout configs write the dtype as a plain string.
    _dtype_is_policy = False

    def __init__(
        self,
        rank: int,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(self, rate)
        self.data_format = check_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self._rank = rank
        self._keep = 1.0 - self.rate
        self._channels_last = self.data_format == "channels_last"
        self._ones = (1,) * rank

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if self.rate == 0.0 or not resolve_training(self, training):
            return inputs
        inputs = self._floating(inputs)
        n = inputs.shape[0]
        if self._channels_last:
            shape = (n, *self._ones, inputs.shape[-1])
        else:
            shape = (n, inputs.shape[1], *self._ones)
        mask = torch.empty(shape, dtype=inputs.dtype, device=inputs.device)
        mask.bernoulli_(self._keep, generator=self._generator(inputs.device))
        return inputs * mask.div_(self._keep)

    def get_config(self) -> dict[str, Any]:
        # Keras's SpatialDropout layers take no `trainable` (nor other base arguments).
        config = super().get_config()
        config.pop("trainable", None)
        return config

    def _input_hint(self) -> str:
        return (
            f"{type(self).__name__} expects a {self._rank + 2}D input "
            f"{_LAYOUTS[self.data_format, self._rank]} with data_format={self.data_format!r}."
        )
