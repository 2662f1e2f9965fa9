"""Activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax."""

from tkeras.layers.activations.activation import Activation
from tkeras.layers.activations.elu import ELU
from tkeras.layers.activations.leaky_relu import LeakyReLU
from tkeras.layers.activations.prelu import PReLU
from tkeras.layers.activations.relu import ReLU
from tkeras.layers.activations.softmax import Softmax

__all__ = ["Activation", "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
