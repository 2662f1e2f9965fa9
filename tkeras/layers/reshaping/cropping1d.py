"""Cropping1D: drops steps at the start and end of a sequence."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_cropping import BaseCropping


class Cropping1D(BaseCropping):
    """Cropping for temporal data: removes steps from the start and end of the steps axis.

    Input ``(batch, steps, features)``; output ``(batch, steps - before - after, features)``,
    a view of the input.

    Args:
        cropping: non-negative int (as many steps off each end) or a tuple of 2 non-negative
            ints ``(before, after)``. Default (1, 1).

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Cropping1D((1, 2))(torch.ones(2, 6, 3)).shape
        torch.Size([2, 3, 3])
    """

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, rank=1, **kwargs)
