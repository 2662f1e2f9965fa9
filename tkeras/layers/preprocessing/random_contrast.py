"""RandomContrast: scales each image's deviation from its mean by a random factor, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_image_layer import (
    _RandomImageLayer,
    as_float,
    factor_range,
)
from tkeras.layers.preprocessing.base_image_layer import value_range as check_value_range


class RandomContrast(_RandomImageLayer):
    """Randomly adjusts the contrast of images in training; identity at inference.

    Per image, a factor ``c`` is drawn uniformly from ``[1 - lower, 1 + upper]``; every channel
    becomes ``(x - mean) * c + mean`` (``mean`` over the pixels of that channel), clipped to
    ``value_range``. As in Keras, a number ``factor=f`` gives ``lower = 0``, ``upper = f``
    (contrast only increases); a pair ``(lower, upper)`` is taken as is, so ``(-0.3, 0.3)``
    always multiplies by 1.3. Float outputs are float32; integer inputs become float32 in
    training.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()`` to augment.

    Args:
        factor: a number in [0, 1] or a pair ``(lower, upper)``.
        value_range: ``(min, max)`` of the pixel values; outputs are clipped to it
            (default ``(0, 255)``).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: keyword only, as in Keras: ``'channels_last'`` or ``'channels_first'``;
            None reads ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomContrast((-0.5, 0.5), value_range=(0, 10))
        >>> layer(torch.tensor([[[[2.0], [4.0]]]]), training=True)[0, 0, :, 0]
        tensor([1.5000, 4.5000])
    """

    _kwargs_config = ("data_format",)

    def __init__(
        self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any
    ) -> None:
        data_format = kwargs.pop("data_format", None)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range(self, "factor", factor, (0, 1), "[0, 1]")
        self.value_range = value_range
        self._low, self._high = check_value_range(self, value_range)

    def _inference(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs) if inputs.is_floating_point() else inputs

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        """The contrast factors, (N,), uniform in ``[1 - lower, 1 + upper]``."""
        lower, upper = self.factor
        return self._uniform((images.shape[0],), 1.0 - lower, 1.0 + upper, images.device)

    def _transform(self, images: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
        images = as_float(images)
        # Keras averages over the height, then over the width.
        mean = images.mean(dim=2, keepdim=True).mean(dim=3, keepdim=True)
        out = (images - mean) * factor[:, None, None, None] + mean
        return torch.clamp(out, self._low, self._high)
