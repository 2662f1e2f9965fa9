"""AdaptiveAveragePooling2D: average pooling of 2D inputs to a fixed output size."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Adaptive average pooling for 2D inputs: each channel is pooled to ``output_size``.

    The input is split into ``output_size`` bins of near-equal size (torch's adaptive bins,
    as Keras's torch backend) and each bin gives its average.

    Args:
        output_size: an int or a tuple of 2 ints, the output's spatial size.
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.AdaptiveAveragePooling2D((2, 3))(torch.ones(2, 7, 9, 3)).shape
        torch.Size([2, 2, 3, 3])
    """

    def __init__(self, output_size: Any, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(output_size, data_format, rank=2, mode="average", **kwargs)
