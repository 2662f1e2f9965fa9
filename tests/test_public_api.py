"""The public surface: ``__all__`` snapshots (so a change is deliberate), the Keras-style import
lines, and tkeras never importing keras, tensorflow or jax."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

import tkeras

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Sorted snapshots of __all__. Update them in the change that adds or removes a public name.
SNAPSHOTS: dict[str, list[str]] = {
    "tkeras": [
        "Input",
        "Model",
        "Sequential",
        "Variable",
        "__version__",
        "activations",
        "backend",
        "callbacks",
        "config",
        "initializers",
        "layers",
        "losses",
        "metrics",
        "models",
        "optimizers",
        "utils",
    ],
    "tkeras.layers": [
        "Activation",
        "Add",
        "AlphaDropout",
        "Average",
        "AveragePooling1D",
        "AveragePooling2D",
        "AveragePooling3D",
        "AvgPool1D",
        "AvgPool2D",
        "AvgPool3D",
        "BatchNormalization",
        "Concatenate",
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Convolution1D",
        "Convolution2D",
        "Convolution3D",
        "Cropping1D",
        "Cropping2D",
        "Cropping3D",
        "Dense",
        "Dot",
        "Dropout",
        "ELU",
        "Embedding",
        "Flatten",
        "GRU",
        "GaussianDropout",
        "GaussianNoise",
        "GlobalAveragePooling1D",
        "GlobalAveragePooling2D",
        "GlobalAveragePooling3D",
        "GlobalAvgPool1D",
        "GlobalAvgPool2D",
        "GlobalAvgPool3D",
        "GlobalMaxPool1D",
        "GlobalMaxPool2D",
        "GlobalMaxPool3D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling2D",
        "GlobalMaxPooling3D",
        "GroupNormalization",
        "Identity",
        "Input",
        "InputLayer",
        "InputSpec",
        "LSTM",
        "Lambda",
        "Layer",
        "LayerNormalization",
        "LeakyReLU",
        "Masking",
        "MaxPool1D",
        "MaxPool2D",
        "MaxPool3D",
        "MaxPooling1D",
        "MaxPooling2D",
        "MaxPooling3D",
        "Maximum",
        "Minimum",
        "Multiply",
        "PReLU",
        "Permute",
        "ReLU",
        "RepeatVector",
        "Reshape",
        "SimpleRNN",
        "Softmax",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "Subtract",
        "TorchModuleWrapper",
        "UnitNormalization",
        "UpSampling1D",
        "UpSampling2D",
        "UpSampling3D",
        "ZeroPadding1D",
        "ZeroPadding2D",
        "ZeroPadding3D",
        "add",
        "average",
        "concatenate",
        "dot",
        "maximum",
        "minimum",
        "multiply",
        "subtract",
    ],
    "tkeras.activations": [
        "ALL_OBJECTS_DICT",
        "celu",
        "deserialize",
        "elu",
        "exponential",
        "gelu",
        "get",
        "glu",
        "hard_shrink",
        "hard_sigmoid",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "linear",
        "log_sigmoid",
        "log_softmax",
        "mish",
        "relu",
        "relu6",
        "selu",
        "serialize",
        "sigmoid",
        "silu",
        "soft_shrink",
        "softmax",
        "softplus",
        "softsign",
        "sparse_plus",
        "sparse_sigmoid",
        "sparsemax",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
        "threshold",
    ],
    "tkeras.initializers": [
        "ALL_INITIALIZERS",
        "Constant",
        "GlorotNormal",
        "GlorotUniform",
        "HeNormal",
        "HeUniform",
        "Identity",
        "Initializer",
        "LecunNormal",
        "LecunUniform",
        "Ones",
        "Orthogonal",
        "RandomNormal",
        "RandomUniform",
        "TruncatedNormal",
        "VarianceScaling",
        "Zeros",
        "compute_fans",
        "deserialize",
        "get",
        "serialize",
    ],
    "tkeras.utils": [
        "Progbar",
        "PyDataset",
        "Sequence",
        "normalize",
        "set_random_seed",
        "to_categorical",
    ],
}


@pytest.mark.parametrize("module_name", sorted(SNAPSHOTS))
def test_all_matches_the_snapshot(module_name):
    module = sys.modules[module_name]
    assert sorted(module.__all__) == SNAPSHOTS[module_name]
    assert len(set(module.__all__)) == len(module.__all__), "duplicate names in __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names attributes that do not exist: {missing}"


def test_snapshots_are_sorted():
    for name, snapshot in SNAPSHOTS.items():
        assert snapshot == sorted(snapshot), name


def test_keras_style_imports_work():
    import tkeras as keras
    from tkeras import layers
    from tkeras.layers import Dense

    assert keras is tkeras and layers is tkeras.layers and Dense is tkeras.layers.Dense
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation="relu")])
    assert model.output_shape == (None, 2)
    star: dict = {}
    exec("from tkeras.layers import *", star)
    assert set(tkeras.layers.__all__) <= set(star)


_CHECK = """
import importlib, pkgutil, sys
import tkeras
print("after-import", sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN}))
for info in pkgutil.walk_packages(tkeras.__path__, "tkeras."):
    importlib.import_module(info.name)
print("after-all", sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN}))
"""
FORBIDDEN = {"keras", "tensorflow", "jax", "tf_keras"}


def test_tkeras_never_imports_keras_or_tensorflow():
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    quick = subprocess.run(
        [sys.executable, "-c", "import tkeras, sys; print('keras' in sys.modules)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert quick.returncode == 0, quick.stderr
    assert quick.stdout.strip() == "False"
    full = subprocess.run(
        [sys.executable, "-c", _CHECK.replace("{FORBIDDEN}", repr(FORBIDDEN))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert full.returncode == 0, full.stderr
    assert full.stdout.split("\n")[:2] == ["after-import []", "after-all []"], full.stdout


def test_no_source_file_imports_keras_or_tensorflow():
    pattern = re.compile(r"^\s*(import|from)\s+(keras|tensorflow|tf_keras|jax)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "tkeras").rglob("*.py"))
        if pattern.search(path.read_text())
    ]
    assert not offenders, f"tkeras modules importing keras/tensorflow/jax: {offenders}"
