"""The shared split of the Boston and California housing loaders."""

from __future__ import annotations

import numpy as np


def check_split(test_split: float) -> None:
    if not (0 <= test_split < 1):
        raise ValueError(f"test_split must be between 0 and 1. Received: test_split={test_split}")


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int):
    """Keras's housing split: shuffle with ``RandomState(seed)``, then the last fraction."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
