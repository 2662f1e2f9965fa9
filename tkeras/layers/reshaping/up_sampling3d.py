"""UpSampling3D: repeats each cell of a volume along its three spatial axes."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_up_sampling import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    """Upsampling for 3D volumes: repeats each cell ``size[i]`` times along spatial axis ``i``.

    Input ``(batch, dim1, dim2, dim3, channels)`` (channels_last) or
    ``(batch, channels, dim1, dim2, dim3)`` (channels_first); each spatial size is multiplied by
    its factor, in the same layout.

    Args:
        size: int or tuple of 3 positive ints, the factors for (dim1, dim2, dim3).
            Default (2, 2, 2).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.UpSampling3D()(torch.ones(2, 2, 3, 4, 5)).shape
        torch.Size([2, 4, 6, 8, 5])
    """

    def __init__(
        self, size: Any = (2, 2, 2), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(size, rank=3, data_format=data_format, **kwargs)
