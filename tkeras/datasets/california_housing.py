"""California housing prices: ``keras.datasets.california_housing.load_data`` without TF."""

from __future__ import annotations

import numpy as np

from tkeras.datasets._housing import check_split, shuffle_split
from tkeras.datasets._remote import KERAS_ORIGIN, fetch

SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Load California housing as ``(x_train, y_train), (x_test, y_test)``, split as Keras does.

    Args:
        version: ``"large"`` (20,640 rows) or ``"small"`` (the first 600).
        path: the file name in the cache.
        test_split: fraction of the rows (after a seeded shuffle) kept for the test set.
        seed: the shuffle's ``np.random.RandomState`` seed.

    Returns:
        features (n, 8) and median house values (n,), in the dtypes of the file.

    Example (``import tkeras as keras``):
        >>> _, (x_test, y_test) = keras.datasets.california_housing.load_data()  # doctest: +SKIP
    """
    check_split(test_split)
    path = fetch(path, f"{KERAS_ORIGIN}california_housing.npz", SHA256)
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(
            f"Argument `version` must be one of 'small', 'large'. Received: version={version}"
        )
    return shuffle_split(x, y, test_split, seed)
