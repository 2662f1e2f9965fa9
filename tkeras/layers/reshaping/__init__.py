"""Reshaping layers: Flatten, Reshape."""

from tkeras.layers.reshaping.flatten import Flatten
from tkeras.layers.reshaping.reshape import Reshape

__all__ = ["Flatten", "Reshape"]
