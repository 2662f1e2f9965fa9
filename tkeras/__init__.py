"""tkeras: Keras programs on PyTorch. ``import tkeras as keras`` and run the same code."""

# First: tkeras.config and the symbolic-op wrappers of tkeras.activations import the backend
# package, which itself re-exports tkeras.config; initializing it first keeps that cycle closed.
import tkeras.backend  # noqa: F401
from tkeras import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,
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
    random,
    regularizers,
    saving,
    tree,
    utils,
)
from tkeras.backend.scopes import device, name_scope
from tkeras.backend.variable import Variable
from tkeras.initializers import Initializer
from tkeras.layers import InputSpec, Layer
from tkeras.layers.core.input_layer import Input
from tkeras.losses import Loss
from tkeras.metrics import Metric
from tkeras.mixed_precision.policy import DTypePolicy, FloatDTypePolicy
from tkeras.models.model import Model
from tkeras.models.sequential import Sequential
from tkeras.models.symbolic import KerasTensor
from tkeras.optimizers import Optimizer
from tkeras.regularizers import Regularizer

__version__ = "0.1.0"


def version():
    """The tkeras version string (``keras.version()`` gives Keras's).

    Differences from Keras: this is tkeras's version, not a Keras release number.
    """
    return __version__


__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "Initializer",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Optimizer",
    "Regularizer",
    "Sequential",
    "Variable",
    "__version__",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "device",
    "distribution",
    "dtype_policies",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "saving",
    "tree",
    "utils",
    "version",
]
