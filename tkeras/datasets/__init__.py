"""Keras's datasets without TensorFlow (``tkeras.datasets.mnist.load_data()`` and the rest),
read from Keras's own cache (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``) or downloaded
from Keras's URLs with hash checks; plus ``digits``, which ships with tkeras."""

from tkeras.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    digits,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "digits",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
