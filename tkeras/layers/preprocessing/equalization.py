"""Equalization: histogram equalization of each channel, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _AugmentLayer, sorted_range, to_range
from tkeras.layers.preprocessing.base_image_layer import as_float


class Equalization(_AugmentLayer):
    """Equalizes the histogram of each channel in training; identity at inference.

    Per channel, the values are binned into ``bins`` bins over the value range and mapped
    through the normalized cumulative histogram, as Keras does: one histogram per channel over
    the whole batch. A channel with a single occupied bin is left as it is. Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()``.

    Args:
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        bins: the number of histogram bins (default 256).
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> x = torch.tensor([[[[0.0], [0.0], [100.0], [200.0]]]])
        >>> tkeras.layers.Equalization()(x, training=True)[0, 0, :, 0]
        tensor([  0.,   0., 128., 255.])
    """

    def __init__(
        self, value_range: Any = (0, 255), bins: int = 256, data_format: str | None = None, **kwargs
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = sorted_range(self, value_range)

    def _draw(self, images: torch.Tensor) -> None:
        return None

    def _equalize(self, channel: torch.Tensor) -> torch.Tensor:
        bins = self.bins
        indices = torch.clamp((channel * (bins - 1) / 255.0).to(torch.int32), 0, bins - 1)
        hist = torch.bincount(indices.flatten().long(), minlength=bins)
        if torch.count_nonzero(hist) <= 1:
            return channel
        cdf = torch.cumsum(hist, 0)
        cdf_min = cdf[torch.nonzero(cdf)[0, 0]]
        denominator = cdf[-1] - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        lookup = torch.clamp(torch.round((cdf - cdf_min) * 255 / denominator), 0, 255)
        index = torch.clamp(channel / 255.0 * (bins - 1), 0, bins - 1).to(torch.int64)
        return lookup[index].to(channel.dtype)

    def _transform(self, images: torch.Tensor, params: Any) -> torch.Tensor:
        x = to_range(as_float(images), self.value_range, (0, 255))
        out = torch.stack([self._equalize(x[:, c]) for c in range(x.shape[1])], dim=1)
        return to_range(out, (0, 255), self.value_range)
