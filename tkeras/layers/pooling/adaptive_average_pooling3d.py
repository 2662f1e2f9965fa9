"""AdaptiveAveragePooling3D: average pooling of 3D inputs to a fixed output size."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Adaptive average pooling for 3D inputs: each channel is pooled to ``output_size``.

    The input is split into ``output_size`` bins of near-equal size (torch's adaptive bins,
    as Keras's torch backend) and each bin gives its average.

    Args:
        output_size: an int or a tuple of 3 ints, the output's spatial size.
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.AdaptiveAveragePooling3D(2)(torch.ones(1, 4, 5, 6, 2)).shape
        torch.Size([1, 2, 2, 2, 2])
    """

    def __init__(self, output_size: Any, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(output_size, data_format, rank=3, mode="average", **kwargs)
