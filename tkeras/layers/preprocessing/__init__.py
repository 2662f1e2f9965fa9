"""Preprocessing layers: Rescaling, Normalization (with adapt), Resizing, CenterCrop, and the
image augmentation layers RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
RandomCrop, RandomContrast and RandomBrightness (random in training only)."""

from tkeras.layers.preprocessing.center_crop import CenterCrop
from tkeras.layers.preprocessing.normalization import Normalization
from tkeras.layers.preprocessing.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.random_contrast import RandomContrast
from tkeras.layers.preprocessing.random_crop import RandomCrop
from tkeras.layers.preprocessing.random_flip import RandomFlip
from tkeras.layers.preprocessing.random_rotation import RandomRotation
from tkeras.layers.preprocessing.random_translation import RandomTranslation
from tkeras.layers.preprocessing.random_zoom import RandomZoom
from tkeras.layers.preprocessing.rescaling import Rescaling
from tkeras.layers.preprocessing.resizing import Resizing

__all__ = [
    "CenterCrop",
    "Normalization",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
]
