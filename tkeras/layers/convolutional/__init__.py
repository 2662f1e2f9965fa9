"""Convolutional layers: Conv1D, Conv2D, Conv3D (and Keras's Convolution1D/2D/3D aliases)."""

from tkeras.layers.convolutional.conv1d import Conv1D
from tkeras.layers.convolutional.conv2d import Conv2D
from tkeras.layers.convolutional.conv3d import Conv3D

# Keras's aliases: the same classes under their long names.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"]
