"""AutoContrast: stretches each image's values to fill the value range."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _AugmentLayer, sorted_range, to_range
from tkeras.layers.preprocessing.base_image_layer import as_float


class AutoContrast(_AugmentLayer):
    """Stretches each channel of each image so that its minimum and maximum span ``value_range``.

    Deterministic, and applied in training and at inference alike, as in Keras. The minimum
    and maximum are taken over the axes 1 and 2 of the batch (height and width for
    ``channels_last``; Keras takes the same axes for ``channels_first``). A constant channel is
    left as it is. Outputs are float32.

    Args:
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        data_format: keyword only, as in Keras: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.AutoContrast()(torch.tensor([[[[10.0], [60.0]]]]))[0, 0, :, 0]
        tensor([  0., 255.])
    """

    def __init__(self, value_range: Any = (0, 255), **kwargs: Any) -> None:
        data_format = kwargs.pop("data_format", None)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = sorted_range(self, value_range)

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        self._check_images(inputs)
        x = self._to_nchw(inputs)
        return self._from_nchw(self._transform(x, None), inputs.dim() == 3)

    def _draw(self, images: torch.Tensor) -> None:
        return None  # deterministic (RandAugment and AugMix still ask)

    def _transform(self, images: torch.Tensor, params: Any) -> torch.Tensor:
        original = as_float(images)
        x = to_range(original, self.value_range, (0, 255))
        dims = (2, 3) if self._channels_last else (1, 2)  # the batch's axes 1 and 2
        low = x.amin(dim=dims, keepdim=True)
        high = x.amax(dim=dims, keepdim=True)
        scale = 255.0 / (high - low)
        out = torch.clamp(x * scale - low * scale, 0.0, 255.0)
        out = to_range(out, (0, 255), self.value_range)
        return torch.where(torch.isnan(out), original, out)
