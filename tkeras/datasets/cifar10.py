"""CIFAR-10: ``keras.datasets.cifar10.load_data`` without TensorFlow."""

from __future__ import annotations

import os

import numpy as np

from tkeras import config
from tkeras.datasets._pickle import load_cifar_batch
from tkeras.datasets._remote import fetch

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """Load CIFAR-10 as ``(x_train, y_train), (x_test, y_test)`` (Keras's archive and cache).

    Returns:
        uint8 arrays: images (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first when
        ``image_data_format()`` is ``"channels_first"``), labels (50000, 1) and (10000, 1).

    Example (``import tkeras as keras``):
        >>> (x_train, y_train), _ = keras.datasets.cifar10.load_data()  # doctest: +SKIP
    """
    path = fetch("cifar-10-batches-py-target", ORIGIN, SHA256, extract=True)
    path = os.path.join(path, "cifar-10-batches-py")
    # Keras fills fixed (50000, ...) arrays; concatenating the five batches gives the same
    # arrays for the real files and lets smaller files (a mirror's subset) load too.
    batches = [load_cifar_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([b[0] for b in batches]).astype("uint8")
    y_train = np.concatenate([np.asarray(b[1]) for b in batches]).astype("uint8")
    x_test, y_test = load_cifar_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if config.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
