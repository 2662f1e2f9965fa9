"""Preprocessing layers: Rescaling, Normalization (with adapt), Resizing, CenterCrop, the
image augmentation layers RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
RandomCrop, RandomContrast and RandomBrightness (random in training only), and the text and
lookup layers TextVectorization, StringLookup, IntegerLookup, CategoryEncoding,
Discretization, Hashing and HashedCrossing (no TensorFlow needed)."""

from tkeras.layers.preprocessing.category_encoding import CategoryEncoding
from tkeras.layers.preprocessing.center_crop import CenterCrop
from tkeras.layers.preprocessing.discretization import Discretization
from tkeras.layers.preprocessing.hashed_crossing import HashedCrossing
from tkeras.layers.preprocessing.hashing import Hashing
from tkeras.layers.preprocessing.integer_lookup import IntegerLookup
from tkeras.layers.preprocessing.mel_spectrogram import MelSpectrogram
from tkeras.layers.preprocessing.normalization import Normalization
from tkeras.layers.preprocessing.pipeline import Pipeline
from tkeras.layers.preprocessing.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.random_contrast import RandomContrast
from tkeras.layers.preprocessing.random_crop import RandomCrop
from tkeras.layers.preprocessing.random_flip import RandomFlip
from tkeras.layers.preprocessing.random_rotation import RandomRotation
from tkeras.layers.preprocessing.random_translation import RandomTranslation
from tkeras.layers.preprocessing.random_zoom import RandomZoom
from tkeras.layers.preprocessing.rescaling import Rescaling
from tkeras.layers.preprocessing.resizing import Resizing
from tkeras.layers.preprocessing.stft_spectrogram import STFTSpectrogram
from tkeras.layers.preprocessing.string_lookup import StringLookup
from tkeras.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "MelSpectrogram",
    "Normalization",
    "Pipeline",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "STFTSpectrogram",
    "StringLookup",
    "TextVectorization",
]
