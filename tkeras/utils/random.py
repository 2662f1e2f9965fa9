"""Seeding for reproducible runs."""

from __future__ import annotations

import random

import numpy as np
import torch


def set_random_seed(seed: int) -> None:
    """Seed Python's, numpy's and torch's generators (all devices) and reset the global
    SeedGenerator, as Keras does.

    Example:
        >>> import tkeras
        >>> tkeras.utils.set_random_seed(1337)
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r}")
    from tkeras.random.seed_generator import reset_global_seed_generator

    reset_global_seed_generator()  # the global SeedGenerator restarts from the new seed
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
