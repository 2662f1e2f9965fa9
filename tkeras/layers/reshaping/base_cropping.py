"""The private base of Cropping1D/2D/3D: one slice of the spatial axes (a view, no copy)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.reshaping.spatial import edge_pairs, input_hint, spatial_axes
from tkeras.layers.validation import data_format as check_data_format


class BaseCropping(Layer):
    """Drops cells at the start and end of each spatial axis (private base; never instantiated).

    The output is a view of the input (basic slicing), as in Keras's torch backend.

    Args:
        cropping: Keras's forms, see ``spatial.edge_pairs``.
        rank: the number of spatial axes (1, 2 or 3).
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config default).
    """

    def __init__(
        self,
        cropping: Any,
        *,
        rank: int,
        data_format: str | None = "channels_last",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        pairs = edge_pairs(self, "cropping", cropping, rank)
        # Keras keeps rank 1's as one (before, after) pair, higher ranks' as a pair per axis.
        self.cropping = pairs[0] if rank == 1 else pairs
        self.data_format = check_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

        self._rank = rank
        self._pairs = pairs
        self._axes = spatial_axes(self.data_format, rank)
        crops = dict(zip(self._axes, pairs))
        self._index = tuple(
            slice(crops[axis][0], -crops[axis][1] or None) if axis in crops else slice(None)
            for axis in range(rank + 2)
        )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        y = inputs[self._index]
        # Slicing never fails: an axis cropped to nothing just comes out empty.
        if not y.numel() and inputs.numel():
            self.compute_output_shape(tuple(inputs.shape))
        return y

    def _input_hint(self) -> str:
        return input_hint(self, self._rank, "data_format" in getattr(self, "_init_config", {}))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected an input shape of rank "
                f"{self._rank + 2}, received input_shape={tuple(input_shape)}."
            )
        for axis, (before, after) in zip(self._axes, self._pairs):
            if shape[axis] is None:
                continue
            if before + after >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: the `cropping` argument must remove "
                    f"fewer cells than each spatial axis holds, but it removes {before + after} "
                    f"of the {shape[axis]} cells of axis {axis}. Received: "
                    f"cropping={self.cropping}, input_shape={tuple(input_shape)}"
                )
            shape[axis] -= before + after
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["cropping"] = self.cropping
        if "data_format" in config:
            config["data_format"] = self.data_format
        return config
