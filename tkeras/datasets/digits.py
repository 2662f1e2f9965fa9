"""The 8x8 handwritten digits (UCI), shipped with tkeras: 1,797 images, 10 classes."""

from __future__ import annotations

from importlib import resources

import numpy as np

NUM_TRAIN = 1500


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the digits as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist``.

    Images are uint8 arrays of shape (n, 8, 8) with values 0..16; labels are uint8 0..9.
    The first 1,500 images form the training set and the last 297 the test set.

    Example:
        >>> from tkeras.datasets import digits
        >>> (x_train, y_train), (x_test, y_test) = digits.load_data()
        >>> x_train.shape, x_test.shape
        ((1500, 8, 8), (297, 8, 8))
    """
    with resources.files("tkeras.datasets").joinpath("data/digits.npz").open("rb") as f:
        with np.load(f) as data:
            x, y = data["x"], data["y"]
    return (x[:NUM_TRAIN], y[:NUM_TRAIN]), (x[NUM_TRAIN:], y[NUM_TRAIN:])
