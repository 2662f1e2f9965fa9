"""Fashion-MNIST: ``keras.datasets.fashion_mnist.load_data`` without TensorFlow."""

from __future__ import annotations

import gzip
import os

import numpy as np

from tkeras.datasets._remote import KERAS_ORIGIN, fetch

FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def _read(path: str, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data():
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)`` (Keras's files and URLs).

    The four IDX files are cached in ``datasets/fashion-mnist`` under ``$KERAS_HOME`` or
    ``~/.keras``, as Keras caches them (Keras publishes no hashes for them).

    Returns:
        uint8 arrays: images (60000, 28, 28) and (10000, 28, 28), labels (60000,) and (10000,).

    Example (``import tkeras as keras``):
        >>> (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()  # doctest: +SKIP
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [fetch(name, KERAS_ORIGIN + name, cache_subdir=subdir) for name in FILES]
    y_train = _read(paths[0], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], 8)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
