"""Solarization: inverts the pixels above a random threshold, after a random brightening."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _AugmentLayer, sorted_range, to_range
from tkeras.layers.preprocessing.base_image_layer import as_float, is_number


class Solarization(_AugmentLayer):
    """Randomly solarizes images in training; identity at inference.

    On the 0-255 scale, per image, an addition drawn uniformly in
    ``[addition_factor[0], addition_factor[1] * 255]`` is added (then clipped to [0, 255]) and
    every value at or above a threshold drawn in ``[threshold_factor[0],
    threshold_factor[1] * 255]`` becomes ``255 - value`` (Keras's ranges: only the upper end is
    scaled). A number ``f`` means ``(0, f)``. Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer;
    pass ``training=True`` or call ``layer.train()``.

    Args:
        addition_factor: a number in [0, 1] or a pair (default 0: no addition).
        threshold_factor: a number in [0, 1] or a pair (default 0: every pixel is inverted).
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: keyword only, as in Keras.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.Solarization(value_range=(0, 1))
        >>> layer(torch.tensor([[[[0.25], [1.0]]]]), training=True)[0, 0, :, 0]
        tensor([0.7500, 0.0000])
    """

    def __init__(
        self,
        addition_factor: Any = 0.0,
        threshold_factor: Any = 0.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        data_format = kwargs.pop("data_format", None)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.addition_factor = self._factor(addition_factor, "addition_factor")
        self.threshold_factor = self._factor(threshold_factor, "threshold_factor")
        self.value_range = sorted_range(self, value_range)

    def _factor(self, value: Any, name: str) -> tuple:
        values = value if isinstance(value, (tuple, list)) else [value]
        if not (
            (len(values) == 2 or not isinstance(value, (tuple, list)))
            and all(is_number(v) and 0 <= v <= 1 for v in values)
        ):
            raise ValueError(
                f"Solarization {self.name!r}: the `addition_factor` and `threshold_factor` "
                "arguments should be a number (or a list of two numbers) in the range [0, 1]. "
                f"Received: {name}={value!r}"
            )
        return tuple(sorted(values)) if isinstance(value, (tuple, list)) else (0, value)

    def _draw(self, images: torch.Tensor) -> dict:
        n, device = images.shape[0], images.device
        shape = (n, 1, 1, 1)
        low, high = self.addition_factor
        additions = self._uniform(shape, low, high * 255, device)
        low, high = self.threshold_factor
        return {"additions": additions, "thresholds": self._uniform(shape, low, high * 255, device)}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = to_range(as_float(images), self.value_range, (0, 255))
        x = torch.clamp(x + params["additions"], 0, 255)
        x = torch.where(x < params["thresholds"], x, 255 - x)
        return to_range(x, (0, 255), self.value_range)
