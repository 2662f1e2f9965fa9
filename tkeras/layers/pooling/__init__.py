"""Pooling layers: MaxPooling1D/2D/3D and AveragePooling1D/2D/3D, with Keras's aliases."""

from tkeras.layers.pooling.average_pooling1d import AveragePooling1D
from tkeras.layers.pooling.average_pooling2d import AveragePooling2D
from tkeras.layers.pooling.average_pooling3d import AveragePooling3D
from tkeras.layers.pooling.max_pooling1d import MaxPooling1D
from tkeras.layers.pooling.max_pooling2d import MaxPooling2D
from tkeras.layers.pooling.max_pooling3d import MaxPooling3D

# Keras exports each pooling class under a second, shorter name.
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
]
