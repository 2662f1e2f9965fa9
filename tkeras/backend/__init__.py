"""Device choice, tensor conversion and the Keras <-> torch layout table."""

from tkeras.backend import layout
from tkeras.backend.convert import convert_to_numpy, convert_to_tensor, standardize_dtype
from tkeras.backend.variable import Variable

__all__ = ["Variable", "convert_to_numpy", "convert_to_tensor", "layout", "standardize_dtype"]
