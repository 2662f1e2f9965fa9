"""RandomBrightness: adds a random offset to each image, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_image_layer import (
    _RandomImageLayer,
    as_float,
    factor_range,
)
from tkeras.layers.preprocessing.base_image_layer import value_range as check_value_range


class RandomBrightness(_RandomImageLayer):
    """Randomly brightens or darkens images in training; identity at inference.

    Per image, a delta drawn uniformly from ``factor`` (a number ``f`` means ``[-f, f]``),
    times the width of ``value_range``, is added to every pixel, and the result is clipped to
    ``value_range``. Float outputs are float32; integer images stay integers (the delta is
    truncated to the integer dtype, as in Keras).

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()`` to augment. The input is
    never modified (Keras's torch backend adds the delta in place, into the caller's tensor).

    Args:
        factor: a number in [-1, 1] or a pair ``(lower, upper)``: the delta as a fraction of
            the value range.
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``; sorted).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: keyword only, accepted and checked as Keras accepts it; a delta per
            image does not depend on the layout.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomBrightness((0.1, 0.1), value_range=(0, 1))
        >>> layer(torch.tensor([[[[0.2], [0.95]]]]), training=True)[0, 0, :, 0]
        tensor([0.3000, 1.0000])
    """

    _kwargs_config = ("data_format",)

    def __init__(
        self, factor: Any, value_range: Any = (0, 255), seed: int | None = None, **kwargs: Any
    ) -> None:
        data_format = kwargs.pop("data_format", None)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range(self, "factor", factor, (-1, 1), "[-1, 1]")
        self.value_range = sorted(check_value_range(self, value_range))

    def _inference(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs) if inputs.is_floating_point() else inputs

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        """The deltas, (N,), in pixel units."""
        low, high = self.value_range
        delta = self._uniform((images.shape[0],), *self.factor, images.device)
        return delta * (high - low)

    def _transform(self, images: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
        if images.is_floating_point():
            images = as_float(images)
        out = images + delta.to(images.dtype)[:, None, None, None]
        low, high = self.value_range
        if not out.is_floating_point():  # float bounds would promote an integer image
            low, high = int(low), int(high)
        return torch.clamp(out, low, high)
