"""Boston housing prices: ``keras.datasets.boston_housing.load_data`` without TensorFlow."""

from __future__ import annotations

import numpy as np

from tkeras.datasets._housing import check_split, shuffle_split
from tkeras.datasets._remote import KERAS_ORIGIN, fetch

SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load Boston housing as ``(x_train, y_train), (x_test, y_test)``, split as Keras splits.

    Args:
        path: the file name in the cache.
        test_split: fraction of the rows (after a seeded shuffle) kept for the test set.
        seed: the shuffle's ``np.random.RandomState`` seed.

    Returns:
        features (n, 13) and median prices (n,), in the dtypes of the file (float64).

    Example (``import tkeras as keras``):
        >>> (x_train, y_train), _ = keras.datasets.boston_housing.load_data()  # doctest: +SKIP
    """
    check_split(test_split)
    path = fetch(path, f"{KERAS_ORIGIN}boston_housing.npz", SHA256)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_split(x, y, test_split, seed)
