"""The private base of ZeroPadding1D/2D/3D: one constant pad of the spatial axes."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.reshaping.spatial import edge_pairs, input_hint, spatial_axes
from tkeras.layers.validation import data_format as check_data_format


class BaseZeroPadding(Layer):
    """Adds rows of zeros before and after each spatial axis (private base; never instantiated).

    The pad runs on the tensor in its own layout (``F.pad`` takes any axes), so there is no
    layout view: the output is one new tensor in the input's layout.

    Args:
        padding: Keras's forms, see ``spatial.edge_pairs``.
        rank: the number of spatial axes (1, 2 or 3).
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config default).
    """

    def __init__(
        self, padding: Any, *, rank: int, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        pairs = edge_pairs(self, "padding", padding, rank)
        # Keras keeps rank 1's as one (before, after) pair, higher ranks' as a pair per axis.
        self.padding = pairs[0] if rank == 1 else pairs
        self.data_format = check_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

        self._rank = rank
        self._pairs = pairs
        self._axes = spatial_axes(self.data_format, rank)
        # F.pad lists (before, after) from the last axis backwards; a trailing channels axis
        # gets (0, 0).
        flat = (0, 0) if self.data_format == "channels_last" else ()
        self._flat = flat + tuple(p for pair in reversed(pairs) for p in pair)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.pad(inputs, self._flat)

    def _input_hint(self) -> str:
        return input_hint(self, self._rank, True)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = list(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected an input shape of rank "
                f"{self._rank + 2}, received input_shape={tuple(input_shape)}."
            )
        for axis, (before, after) in zip(self._axes, self._pairs):
            if shape[axis] is not None:
                shape[axis] += before + after
        return tuple(shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(padding=self.padding, data_format=self.data_format)
        return config
