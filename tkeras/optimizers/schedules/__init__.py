"""Learning rate schedules: ``keras.optimizers.schedules`` evaluated as Python floats."""

from tkeras.optimizers.schedules._base import LearningRateSchedule, deserialize, serialize
from tkeras.optimizers.schedules.cosine_decay import CosineDecay
from tkeras.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from tkeras.optimizers.schedules.exponential_decay import ExponentialDecay
from tkeras.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from tkeras.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from tkeras.optimizers.schedules.polynomial_decay import PolynomialDecay

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
