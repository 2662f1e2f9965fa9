"""The private base of GlobalAveragePooling1D/2D/3D and GlobalMaxPooling1D/2D/3D: one reduction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.pooling.base_pooling import _AXES
from tkeras.layers.validation import data_format as check_data_format

# torch.amax, not torch.max: on ties it shares the gradient between the maxima, as Keras does.
_REDUCTIONS: dict[str, Callable[..., torch.Tensor]] = {"average": torch.mean, "max": torch.amax}


class BaseGlobalPooling(Layer):
    """Mean or maximum over every spatial axis (private base; never instantiated).

    The reduction runs on the tensor as it is, in either data format: no layout view or copy.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        mode: ``'average'`` or ``'max'``.
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config default).
        keepdims: keep the spatial axes with length 1.
    """

    def __init__(
        self,
        *,
        rank: int,
        mode: str,
        data_format: str | None = None,
        keepdims: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = check_data_format(self, data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True  # no weights: Keras builds global pooling layers at construction too

        self._rank = rank
        self._channels_last = self.data_format == "channels_last"
        first = 1 if self._channels_last else 2
        self._axes = tuple(range(first, first + rank))
        self._keepdim = bool(keepdims)
        self._reduce = _REDUCTIONS[mode]

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._reduce(inputs, dim=self._axes, keepdim=self._keepdim)

    def _input_hint(self) -> str:
        return (
            f"{type(self).__name__} expects a {self._rank + 2}D input "
            f"{_AXES[self.data_format, self._rank]} with data_format={self.data_format!r}."
        )

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected an input shape of rank "
                f"{self._rank + 2} {_AXES[self.data_format, self._rank]}, received "
                f"input_shape={shape}."
            )
        channels = shape[-1] if self._channels_last else shape[1]
        if not self._keepdim:
            return (shape[0], channels)
        ones = (1,) * self._rank
        if self._channels_last:
            return (shape[0], *ones, channels)
        return (shape[0], channels, *ones)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(data_format=self.data_format, keepdims=self.keepdims)
        return config
