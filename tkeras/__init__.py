"""tkeras: Keras programs on PyTorch. ``import tkeras as keras`` and run the same code."""

from tkeras import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    regularizers,
    saving,
    utils,
)
from tkeras.backend.variable import Variable
from tkeras.layers.core.input_layer import Input
from tkeras.mixed_precision.policy import DTypePolicy, FloatDTypePolicy
from tkeras.models.model import Model
from tkeras.models.sequential import Sequential

__version__ = "0.1.0"

__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "Input",
    "Model",
    "Sequential",
    "Variable",
    "__version__",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "dtype_policies",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "regularizers",
    "saving",
    "utils",
]
