"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, and the 1D/2D/3D UpSampling,
ZeroPadding and Cropping families."""

from tkeras.layers.reshaping.cropping1d import Cropping1D
from tkeras.layers.reshaping.cropping2d import Cropping2D
from tkeras.layers.reshaping.cropping3d import Cropping3D
from tkeras.layers.reshaping.flatten import Flatten
from tkeras.layers.reshaping.permute import Permute
from tkeras.layers.reshaping.repeat_vector import RepeatVector
from tkeras.layers.reshaping.reshape import Reshape
from tkeras.layers.reshaping.up_sampling1d import UpSampling1D
from tkeras.layers.reshaping.up_sampling2d import UpSampling2D
from tkeras.layers.reshaping.up_sampling3d import UpSampling3D
from tkeras.layers.reshaping.zero_padding1d import ZeroPadding1D
from tkeras.layers.reshaping.zero_padding2d import ZeroPadding2D
from tkeras.layers.reshaping.zero_padding3d import ZeroPadding3D

__all__ = [
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Flatten",
    "Permute",
    "RepeatVector",
    "Reshape",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
]
