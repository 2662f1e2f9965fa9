"""``tkeras.random``: ``keras.random`` on torch generators (seeded as Keras seeds them)."""

from tkeras.random.random import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from tkeras.random.seed_generator import SeedGenerator

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]

# Each draw records a graph node when given a symbolic KerasTensor (functional models).
from tkeras.random.symbolic import install as _install  # noqa: E402

_install(globals())
