"""RandomSaturation: scales the HSV saturation of each image by a random factor, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import config
from tkeras.layers.preprocessing.base_augment import _FactorLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import as_float
from tkeras.ops.image_filters import hsv_to_rgb, rgb_to_hsv


class RandomSaturation(_FactorLayer):
    """Randomly changes the saturation of RGB images in training; identity at inference.

    Per image, ``f`` is drawn uniformly in ``factor`` (a number ``f0`` means ``[-f0, f0]``, as
    in Keras) and the HSV saturation is multiplied by ``f / (1 - f + epsilon)`` and clipped to
    ``value_range`` (Keras's formula: ``f = 0.5`` keeps the image, 0 or less gives grayscale,
    1 the most saturated colours). Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        factor: a number in [-1, 1] or a pair.
        value_range, data_format, seed: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomSaturation(factor=(0, 0))
        >>> layer(torch.tensor([[[[200.0, 100.0, 0.0]]]]), training=True)[0, 0, 0]
        tensor([200., 200., 200.])
    """

    _factor_bounds = (-1, 1)

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor, value_range, data_format, seed, **kwargs)

    def _draw(self, images: torch.Tensor) -> dict:
        factor = self._uniform((images.shape[0],), *self.factor, images.device)
        return {"factor": factor / (1 - factor + config.epsilon())}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        hsv = rgb_to_hsv(as_float(images), data_format="channels_first")
        factor = per_image(params["factor"].to(hsv.dtype))[:, 0]
        low, high = float(self.value_range[0]), float(self.value_range[1])
        saturation = torch.clamp(hsv[:, 1] * factor, low, high)
        hsv = torch.stack((hsv[:, 0], saturation, hsv[:, 2]), dim=1)
        return hsv_to_rgb(hsv, data_format="channels_first")
