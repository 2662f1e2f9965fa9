"""Permute: reorders the non-batch axes (a view, no copy)."""

from __future__ import annotations

import numbers
from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer


class Permute(Layer):
    """Permutes the axes of the input after the batch axis, e.g. to swap steps and features.

    The output is a view of the input (``Tensor.permute``), as in Keras's torch backend.

    Args:
        dims: a permutation of ``1..n`` for an input of rank ``n + 1``: output axis ``i``
            (counting from 1) is input axis ``dims[i - 1]``. The batch axis never moves.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Permute((2, 1))(torch.ones(2, 10, 64)).shape
        torch.Size([2, 64, 10])
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            entries = tuple(dims)
        except TypeError:
            entries = None
        if entries is None or sorted(
            int(d) if isinstance(d, numbers.Integral) and not isinstance(d, bool) else -1
            for d in entries
        ) != list(range(1, len(entries) + 1)):
            raise ValueError(
                f"Permute {self.name!r}: the `dims` argument must be a permutation of the "
                "non-batch axes 1..n (each of 1, 2, ..., n exactly once; the batch axis 0 stays "
                f"first). Received: dims={dims!r}"
            )
        self.dims = tuple(int(d) for d in entries)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.built = True
        self._perm = (0, *self.dims)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.permute(self._perm)

    def _input_hint(self) -> str:
        return f"Permute with dims={self.dims} expects inputs of rank {len(self.dims) + 1}."

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != len(self.dims) + 1:
            raise ValueError(
                f"Permute {self.name!r}: dims={self.dims} needs an input shape of rank "
                f"{len(self.dims) + 1}, received input_shape={shape}."
            )
        return (shape[0], *(shape[d] for d in self.dims))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["dims"] = self.dims
        return config
