"""RandomInvert: inverts images (``max - x``) with a random probability, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _FactorLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import as_float


class RandomInvert(_FactorLayer):
    """Randomly inverts images in training; identity at inference.

    Per image, a probability is drawn uniformly in ``factor`` (a number ``f`` means
    ``[0, f]``) and the image becomes ``value_range[1] - x`` with that probability (Keras's
    formula: the upper bound, not ``min + max``). ``factor=1.0`` draws probabilities in
    [0, 1], so half the images on average; ``(1, 1)`` inverts every image. Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer;
    pass ``training=True`` or call ``layer.train()``.

    Args:
        factor: a number in [0, 1] or a pair (default 1.0).
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomInvert(factor=(1, 1), value_range=(0, 1))
        >>> layer(torch.tensor([[[[0.25], [1.0]]]]), training=True)[0, 0, :, 0]
        tensor([0.7500, 0.0000])
    """

    _factor_bounds = (0, 1)
    _sorts_range = False

    def __init__(
        self,
        factor: Any = 1.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor, value_range, data_format, seed, **kwargs)

    def _draw(self, images: torch.Tensor) -> dict:
        return {"apply_inversion": self._apply_mask(images.shape[0], images.device)}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        apply = per_image(params["apply_inversion"])
        return torch.where(apply, float(self.value_range[1]) - x, x)
