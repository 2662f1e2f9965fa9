"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

Each takes a list of tensors and returns one; the lowercase helpers (``add([x1, x2])``) create
the layer and call it, as in Keras.
"""

from tkeras.layers.merging.add import Add, add
from tkeras.layers.merging.average import Average, average
from tkeras.layers.merging.concatenate import Concatenate, concatenate
from tkeras.layers.merging.dot import Dot, dot
from tkeras.layers.merging.maximum import Maximum, maximum
from tkeras.layers.merging.minimum import Minimum, minimum
from tkeras.layers.merging.multiply import Multiply, multiply
from tkeras.layers.merging.subtract import Subtract, subtract

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
