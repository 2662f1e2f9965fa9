"""Preprocessing layers: Rescaling, Normalization (with adapt), Resizing, CenterCrop, the
image augmentation layers RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
RandomCrop, RandomContrast and RandomBrightness (random in training only), and the text and
lookup layers TextVectorization, StringLookup, IntegerLookup, CategoryEncoding,
Discretization, Hashing and HashedCrossing (no TensorFlow needed)."""

from tkeras.layers.preprocessing.aug_mix import AugMix
from tkeras.layers.preprocessing.auto_contrast import AutoContrast
from tkeras.layers.preprocessing.category_encoding import CategoryEncoding
from tkeras.layers.preprocessing.center_crop import CenterCrop
from tkeras.layers.preprocessing.cut_mix import CutMix
from tkeras.layers.preprocessing.discretization import Discretization
from tkeras.layers.preprocessing.equalization import Equalization
from tkeras.layers.preprocessing.hashed_crossing import HashedCrossing
from tkeras.layers.preprocessing.hashing import Hashing
from tkeras.layers.preprocessing.integer_lookup import IntegerLookup
from tkeras.layers.preprocessing.max_num_bounding_boxes import MaxNumBoundingBoxes
from tkeras.layers.preprocessing.mel_spectrogram import MelSpectrogram
from tkeras.layers.preprocessing.mix_up import MixUp
from tkeras.layers.preprocessing.normalization import Normalization
from tkeras.layers.preprocessing.pipeline import Pipeline
from tkeras.layers.preprocessing.rand_augment import RandAugment
from tkeras.layers.preprocessing.random_brightness import RandomBrightness
from tkeras.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from tkeras.layers.preprocessing.random_color_jitter import RandomColorJitter
from tkeras.layers.preprocessing.random_contrast import RandomContrast
from tkeras.layers.preprocessing.random_crop import RandomCrop
from tkeras.layers.preprocessing.random_elastic_transform import RandomElasticTransform
from tkeras.layers.preprocessing.random_erasing import RandomErasing
from tkeras.layers.preprocessing.random_flip import RandomFlip
from tkeras.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur
from tkeras.layers.preprocessing.random_grayscale import RandomGrayscale
from tkeras.layers.preprocessing.random_hue import RandomHue
from tkeras.layers.preprocessing.random_invert import RandomInvert
from tkeras.layers.preprocessing.random_perspective import RandomPerspective
from tkeras.layers.preprocessing.random_posterization import RandomPosterization
from tkeras.layers.preprocessing.random_rotation import RandomRotation
from tkeras.layers.preprocessing.random_saturation import RandomSaturation
from tkeras.layers.preprocessing.random_sharpness import RandomSharpness
from tkeras.layers.preprocessing.random_shear import RandomShear
from tkeras.layers.preprocessing.random_translation import RandomTranslation
from tkeras.layers.preprocessing.random_zoom import RandomZoom
from tkeras.layers.preprocessing.rescaling import Rescaling
from tkeras.layers.preprocessing.resizing import Resizing
from tkeras.layers.preprocessing.solarization import Solarization
from tkeras.layers.preprocessing.stft_spectrogram import STFTSpectrogram
from tkeras.layers.preprocessing.string_lookup import StringLookup
from tkeras.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "AugMix",
    "AutoContrast",
    "CategoryEncoding",
    "CenterCrop",
    "CutMix",
    "Discretization",
    "Equalization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "MaxNumBoundingBoxes",
    "MelSpectrogram",
    "MixUp",
    "Normalization",
    "Pipeline",
    "RandAugment",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPerspective",
    "RandomPosterization",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "STFTSpectrogram",
    "Solarization",
    "StringLookup",
    "TextVectorization",
]
