"""Keras layers on torch modules: ``from tkeras.layers import Dense, Conv2D, LSTM, ...``."""

from tkeras.layers.activations.activation import Activation
from tkeras.layers.core.dense import Dense
from tkeras.layers.core.embedding import Embedding
from tkeras.layers.core.input_layer import Input, InputLayer
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.regularization.dropout import Dropout
from tkeras.layers.reshaping.flatten import Flatten
from tkeras.layers.reshaping.reshape import Reshape

__all__ = [
    "Activation",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "Reshape",
]
