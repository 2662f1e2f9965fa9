"""Utilities: ``to_categorical``, ``set_random_seed``, ``Progbar``, ``PyDataset``."""

from tkeras.utils.file_utils import get_file
from tkeras.utils.numerical import normalize, to_categorical
from tkeras.utils.progbar import Progbar
from tkeras.utils.py_dataset import PyDataset, Sequence
from tkeras.utils.random import set_random_seed

__all__ = [
    "Progbar",
    "PyDataset",
    "Sequence",
    "get_file",
    "normalize",
    "set_random_seed",
    "to_categorical",
]
