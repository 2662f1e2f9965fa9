"""Utilities: ``to_categorical``, ``set_random_seed``."""

from tkeras.utils.numerical import normalize, to_categorical
from tkeras.utils.random import set_random_seed

__all__ = ["normalize", "set_random_seed", "to_categorical"]
