"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout,
AlphaDropout (each random in training only and the identity at inference), and
ActivityRegularization (the identity, adding an activity penalty to the losses)."""

from tkeras.layers.regularization.activity_regularization import ActivityRegularization
from tkeras.layers.regularization.alpha_dropout import AlphaDropout
from tkeras.layers.regularization.dropout import Dropout
from tkeras.layers.regularization.gaussian_dropout import GaussianDropout
from tkeras.layers.regularization.gaussian_noise import GaussianNoise
from tkeras.layers.regularization.spatial_dropout1d import SpatialDropout1D
from tkeras.layers.regularization.spatial_dropout2d import SpatialDropout2D
from tkeras.layers.regularization.spatial_dropout3d import SpatialDropout3D

__all__ = [
    "ActivityRegularization",
    "AlphaDropout",
    "Dropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]
