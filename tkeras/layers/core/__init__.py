"""Core layers: Dense, Embedding, Input."""

from tkeras.layers.core.dense import Dense
from tkeras.layers.core.embedding import Embedding
from tkeras.layers.core.input_layer import Input, InputLayer

__all__ = ["Dense", "Embedding", "Input", "InputLayer"]
