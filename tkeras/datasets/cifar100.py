"""CIFAR-100: ``keras.datasets.cifar100.load_data`` without TensorFlow."""

from __future__ import annotations

import os

import numpy as np

from tkeras import config
from tkeras.datasets._pickle import load_cifar_batch
from tkeras.datasets._remote import fetch

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """Load CIFAR-100 as ``(x_train, y_train), (x_test, y_test)`` (Keras's archive and cache).

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).

    Returns:
        uint8 images (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first when
        ``image_data_format()`` is ``"channels_first"``); int64 labels (50000, 1), (10000, 1).

    Example (``import tkeras as keras``):
        >>> _, (x_test, y_test) = keras.datasets.cifar100.load_data("coarse")  # doctest: +SKIP
    """
    if label_mode not in ["fine", "coarse"]:
        raise ValueError(
            f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.'
        )
    path = fetch("cifar-100-python-target", ORIGIN, SHA256, extract=True)
    path = os.path.join(path, "cifar-100-python")
    key = f"{label_mode}_labels"
    x_train, y_train = load_cifar_batch(os.path.join(path, "train"), label_key=key)
    x_test, y_test = load_cifar_batch(os.path.join(path, "test"), label_key=key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if config.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
