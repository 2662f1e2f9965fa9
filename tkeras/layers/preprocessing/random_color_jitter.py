"""RandomColorJitter: random brightness, contrast, saturation and hue changes in one layer."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import given_range
from tkeras.layers.preprocessing.base_compound import _CompoundLayer
from tkeras.layers.preprocessing.base_image_layer import as_float
from tkeras.layers.preprocessing.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.random_contrast import RandomContrast
from tkeras.layers.preprocessing.random_hue import RandomHue
from tkeras.layers.preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(_CompoundLayer):
    """Randomly jitters the colours of images in training; identity at inference.

    Applies, in this order, ``RandomBrightness``, ``RandomContrast``, ``RandomSaturation`` and
    ``RandomHue`` with the given factors (each one only if its factor is not None), on
    ``value_range``; all draws come from this layer's generator. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        brightness_factor: RandomBrightness's ``factor``, or None.
        contrast_factor: RandomContrast's ``factor``, or None.
        saturation_factor: RandomSaturation's ``factor``, or None.
        hue_factor: RandomHue's ``factor``, or None.
        seed, data_format: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomColorJitter(brightness_factor=(0.1, 0.1))
        >>> layer(torch.zeros(1, 2, 2, 3), training=True)[0, 0, 0]
        tensor([25.5000, 25.5000, 25.5000])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        brightness_factor: Any = None,
        contrast_factor: Any = None,
        saturation_factor: Any = None,
        hue_factor: Any = None,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = given_range(self, value_range)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        kinds = {
            "random_brightness": (RandomBrightness, brightness_factor),
            "random_contrast": (RandomContrast, contrast_factor),
            "random_saturation": (RandomSaturation, saturation_factor),
            "random_hue": (RandomHue, hue_factor),
        }
        self._add_ops(
            {
                name: cls(factor=factor, value_range=value_range, data_format=self.data_format)
                for name, (cls, factor) in kinds.items()
                if factor is not None
            }
        )

    def _draw(self, images: torch.Tensor) -> dict:
        return {name: self._draw_op(name, images) for name in self._op_names}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        for name in self._op_names:
            x = as_float(self._run_op(name, x, params[name]))
        return x
