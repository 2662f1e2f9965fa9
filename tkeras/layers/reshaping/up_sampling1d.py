"""UpSampling1D: repeats each timestep ``size`` times."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_up_sampling import BaseUpSampling


class UpSampling1D(BaseUpSampling):
    """Upsampling for temporal data: repeats each step ``size`` times along the steps axis.

    Input ``(batch, steps, features)``; output ``(batch, steps * size, features)``.

    Args:
        size: positive int, the repetition factor (default 2).

    Example:
        >>> import torch, tkeras
        >>> x = torch.tensor([[[1.0], [2.0]]])
        >>> tkeras.layers.UpSampling1D(2)(x).flatten().tolist()
        [1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(size, rank=1, **kwargs)
