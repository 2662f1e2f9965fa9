"""Reshape: gives the non-batch axes a new shape (one entry may be -1)."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras.layers.layer import Layer


class Reshape(Layer):
    """Reshapes the input (excluding the batch axis) to ``target_shape``.

    Args:
        target_shape: a tuple of non-negative ints; at most one may be -1, inferred from the
            input size.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Reshape((-1, 2))(torch.ones(3, 8)).shape
        torch.Size([3, 4, 2])
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            target = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise ValueError(
                f"Reshape {self.name!r}: `target_shape` must be a tuple of ints. "
                f"Received: target_shape={target_shape!r}"
            ) from None
        if any(d < -1 for d in target):
            raise ValueError(
                f"Reshape {self.name!r}: each dimension in `target_shape` must be a "
                "non-negative integer, or -1 for a single unknown dimension. "
                f"Received: target_shape={target_shape!r}"
            )
        if sum(d == -1 for d in target) > 1:
            raise ValueError(
                f"Reshape {self.name!r}: there must be at most one unknown "
                f"dimension (-1) in `target_shape`. "
                f"Received: target_shape={target_shape!r}"
            )
        self.target_shape = target
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        try:
            return inputs.reshape(inputs.shape[0], *self.target_shape)
        except RuntimeError:
            self.compute_output_shape(tuple(inputs.shape))
            raise

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = tuple(input_shape)[1:]
        if any(d is None for d in rest):
            out = tuple(None if d == -1 else d for d in self.target_shape)
            return (input_shape[0], *out)
        size = math.prod(rest)
        known = math.prod(d for d in self.target_shape if d != -1)
        if (-1 in self.target_shape and (known == 0 or size % known)) or (
            -1 not in self.target_shape and known != size
        ):
            raise ValueError(
                f"Reshape {self.name!r}: the total size of the tensor must be unchanged. "
                f"Received: input_shape={rest}, target_shape={self.target_shape}"
            )
        out = tuple(size // known if d == -1 else d for d in self.target_shape)
        return (input_shape[0], *out)
