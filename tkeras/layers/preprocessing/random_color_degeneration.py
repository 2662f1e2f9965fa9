"""RandomColorDegeneration: blends each image with its grayscale version by a random amount."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _FactorLayer, grayscale
from tkeras.layers.preprocessing.base_image_layer import as_float


class RandomColorDegeneration(_FactorLayer):
    """Randomly reduces (or boosts) the colour of images in training; identity at inference.

    Per image, ``f`` is drawn uniformly in ``factor`` (a number ``f0`` means ``[-f0, f0]``) and
    the image becomes ``x + f * (gray(x) - x)``, clipped to ``value_range``: ``f = 1`` is
    grayscale, negative ``f`` saturates. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        factor: a number in [-1, 1] or a pair.
        value_range, data_format, seed: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomColorDegeneration(factor=(1, 1))
        >>> layer(torch.tensor([[[[100.0, 0.0, 0.0]]]]), training=True)[0, 0, 0]
        tensor([29.8900, 29.8900, 29.8900])
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
        return {"factor": self._uniform((images.shape[0], 1, 1, 1), *self.factor, images.device)}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        out = x + params["factor"] * (grayscale(x) - x)
        return self._clip(out)
