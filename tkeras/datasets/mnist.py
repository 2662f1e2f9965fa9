"""MNIST handwritten digits: ``keras.datasets.mnist.load_data`` without TensorFlow."""

from __future__ import annotations

import numpy as np

from tkeras.datasets._remote import KERAS_ORIGIN, fetch

SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)`` (Keras's file, cache and URL).

    Args:
        path: the file name in the cache (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``).

    Returns:
        uint8 arrays: images (60000, 28, 28) and (10000, 28, 28), labels (60000,) and (10000,).

    Example (``import tkeras as keras``):
        >>> (x_train, y_train), _ = keras.datasets.mnist.load_data()  # doctest: +SKIP
    """
    path = fetch(path, f"{KERAS_ORIGIN}mnist.npz", SHA256)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
