"""The inner layers of RandAugment and AugMix, built as Keras builds them from one factor."""

from __future__ import annotations

from typing import Any

from tkeras.layers.preprocessing.auto_contrast import AutoContrast
from tkeras.layers.preprocessing.equalization import Equalization
from tkeras.layers.preprocessing.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from tkeras.layers.preprocessing.random_contrast import RandomContrast
from tkeras.layers.preprocessing.random_posterization import RandomPosterization
from tkeras.layers.preprocessing.random_rotation import RandomRotation
from tkeras.layers.preprocessing.random_sharpness import RandomSharpness
from tkeras.layers.preprocessing.random_shear import RandomShear
from tkeras.layers.preprocessing.random_translation import RandomTranslation
from tkeras.layers.preprocessing.solarization import Solarization

# Keras's lists: RandAugment's order, and AugMix's (its first seven are the "not all_ops" set).
ORDERS = {
    "rand_augment": (
        "random_shear",
        "random_translation",
        "random_rotation",
        "random_brightness",
        "random_color_degeneration",
        "random_contrast",
        "random_sharpness",
        "random_posterization",
        "solarization",
        "auto_contrast",
        "equalization",
    ),
    "aug_mix": (
        "random_shear",
        "random_translation",
        "random_rotation",
        "random_posterization",
        "solarization",
        "auto_contrast",
        "equalization",
        "random_brightness",
        "random_color_degeneration",
        "random_contrast",
        "random_sharpness",
    ),
}


def augment_ops(layer: Any, all_ops: bool, order: str) -> dict[str, Any]:
    """The inner layers of ``layer`` (its factor, value range, interpolation, data format)."""
    factor, value_range, fmt = layer.factor, layer.value_range, layer.data_format
    geometric = {"interpolation": layer.interpolation, "data_format": fmt}
    colour = {"value_range": value_range, "data_format": fmt}
    build = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, **geometric),
        "random_translation": lambda: RandomTranslation(factor, factor, **geometric),
        "random_rotation": lambda: RandomRotation(factor, **geometric),
        "random_brightness": lambda: RandomBrightness(factor, **colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, **colour),
        "random_contrast": lambda: RandomContrast(factor, **colour),
        "random_sharpness": lambda: RandomSharpness(factor, **colour),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])), **colour),
        "solarization": lambda: Solarization(factor, factor, **colour),
        "auto_contrast": lambda: AutoContrast(**colour),
        "equalization": lambda: Equalization(**colour),
    }
    names = ORDERS[order] if all_ops else ORDERS["aug_mix"][:7]
    return {name: build[name]() for name in names}
