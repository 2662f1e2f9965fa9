"""RandomSharpness: sharpens or blurs each image by a random amount, in training."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers.preprocessing.base_augment import _FactorLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import as_float


class RandomSharpness(_FactorLayer):
    """Randomly adjusts the sharpness of images in training; identity at inference.

    Per image, ``f`` is drawn uniformly in ``factor`` (a number ``f0`` means ``[0, f0]``) and
    the image becomes ``x + (1 - 2 f) * (smooth(x) - x)``, clipped to ``value_range``, where
    ``smooth`` is Keras's 3x3 smoothing filter (centre 5/13, neighbours 1/13, zero padding):
    ``f = 0.5`` keeps the image, 0 blurs it, 1 sharpens it. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        factor: a number in [0, 1] or a pair.
        value_range, data_format, seed: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomSharpness(factor=(0.5, 0.5))
        >>> x = torch.rand(1, 4, 4, 3) * 255
        >>> torch.allclose(layer(x, training=True), x)
        True
    """

    _factor_bounds = (0, 1)

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
        return {"factor": self._uniform((images.shape[0],), *self.factor, images.device)}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        a, b = 1.0 / 13.0, 5.0 / 13.0
        kernel = torch.full((3, 3), a, dtype=x.dtype, device=x.device)
        kernel[1, 1] = b
        channels = x.shape[1]
        smooth = F.conv2d(x, kernel.expand(channels, 1, 3, 3), padding=1, groups=channels)
        sharpness = per_image(params["factor"].to(x.dtype) * 2)
        out = x + (1.0 - sharpness) * (smooth - x)
        return self._clip(out)
