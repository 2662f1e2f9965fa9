"""Regularization layers: Dropout."""

from tkeras.layers.regularization.dropout import Dropout

__all__ = ["Dropout"]
