"""The private base of UpSampling1D/2D/3D: nearest repeats, or bilinear/bicubic through torch."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.backend import layout
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.reshaping.spatial import input_hint, spatial_axes
from tkeras.layers.validation import data_format as check_data_format
from tkeras.layers.validation import int_tuple, positive_int

# Keras's torch backend resizes with F.interpolate(align_corners=False, antialias=False) in
# these modes (antialiasing only acts when shrinking, never here). 'nearest' is Keras's repeat.
_INTERPOLATIONS = {"nearest": None, "bilinear": "bilinear", "bicubic": "bicubic"}
# Accepted by Keras's other backends only; its torch backend rejects them at call time.
_NOT_ON_TORCH = ("lanczos3", "lanczos5", "area")


class BaseUpSampling(Layer):
    """Repeats each cell ``size`` times along each spatial axis (private base; never instantiated).

    'nearest' is a broadcast view of the input, reshaped: one copy, in the input's layout.
    'bilinear' and 'bicubic' (rank 2) run ``F.interpolate`` on the channels-first view.

    Args:
        size: the factor per spatial axis: an int for rank 1, else an int or tuple of ``rank``.
        rank: the number of spatial axes (1, 2 or 3).
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config default).
        interpolation: ``'nearest'``, ``'bilinear'`` or ``'bicubic'`` (case-insensitive).
    """

    def __init__(
        self,
        size: Any,
        *,
        rank: int,
        data_format: str | None = "channels_last",
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if rank == 1:
            self.size = positive_int(self, "size", size)
            factors = (self.size,)
        else:
            self.size = factors = int_tuple(self, "size", size, rank)
        self.data_format = check_data_format(self, data_format)
        self.interpolation = self._check_interpolation(interpolation)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

        self._rank = rank
        self._channels_last = self.data_format == "channels_last"
        self._mode = _INTERPOLATIONS[self.interpolation]
        self._float_size = tuple(float(f) for f in factors)
        axes = dict(zip(spatial_axes(self.data_format, rank), factors))
        # A unit axis after each spatial axis, broadcast to its factor and merged back into it.
        index: list[Any] = []
        expand: list[int] = []
        for axis in range(rank + 2):
            index.append(slice(None))
            expand.append(-1)
            if axis in axes:
                index.append(None)
                expand.append(axes[axis])
        self._index = tuple(index)
        self._expand = tuple(expand)
        self._scale = tuple(axes.get(axis, 1) for axis in range(rank + 2))

    def _check_interpolation(self, value: Any) -> str:
        mode = value.lower() if isinstance(value, str) else value
        if mode in _NOT_ON_TORCH:
            raise NotImplementedError(
                f"{type(self).__name__} {self.name!r}: interpolation={value!r} is not supported: "
                "Keras offers it on its TensorFlow/JAX backends only and its torch backend "
                "rejects it. Use 'nearest', 'bilinear' or 'bicubic'."
            )
        if mode not in _INTERPOLATIONS:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the `interpolation` argument must be one "
                f"of {tuple(_INTERPOLATIONS)}. Received: interpolation={value!r}"
            )
        return mode

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self._mode is None:
            shape = [n * f for n, f in zip(inputs.shape, self._scale)]
            return inputs[self._index].expand(self._expand).reshape(shape)
        if self._channels_last:
            y = F.interpolate(
                layout.channels_first_view(inputs, 2),
                scale_factor=self._float_size,
                mode=self._mode,
                align_corners=False,
            )
            return layout.channels_last_view(y, 2)
        return F.interpolate(
            inputs, scale_factor=self._float_size, mode=self._mode, align_corners=False
        )

    def _input_hint(self) -> str:
        return input_hint(self, self._rank, "data_format" in getattr(self, "_init_config", {}))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected an input shape of rank "
                f"{self._rank + 2}, received input_shape={shape}."
            )
        return tuple(None if n is None else n * f for n, f in zip(shape, self._scale))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        for key in ("size", "data_format", "interpolation"):
            if key in config:
                config[key] = getattr(self, key)
        return config
