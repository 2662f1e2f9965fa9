"""tkeras.constraints against Keras 3: each projection on the same arrays, names and configs
both ways, every layer's constraint arguments (projected on Keras's weight layout), the optimizer
applying them after each update (a max_norm model trained with Keras's numbers), and every
error message.

``LAYER_CASES`` gives every public layer's ``*_constraint`` arguments a non-default value;
``tests/test_meta.py`` counts them as coverage of those arguments.
"""

from __future__ import annotations

import copy
import doctest
import importlib
import inspect
import pickle

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case
from tests.test_meta import CASES, LAYERS, _arguments, _not_yet_value
from tests.test_regularizers import built_pair
from tkeras.constraints.constraints import apply_constraint

RTOL = ATOL = 1e-5


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _np(x) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(x))


def _array(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# --------------------------------------------------------------------------- the projections

PROJECTIONS = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 0.5, "axis": 1}),
    ("MaxNorm", {"max_value": 1.5, "axis": [0, 1, 2]}),
    ("NonNeg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": [0, 2]}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 0.8, "rate": 0.7, "axis": -1}),
    ("Constraint", {}),
]


@pytest.mark.parametrize("name, kwargs", PROJECTIONS, ids=[f"{n}-{k}" for n, k in PROJECTIONS])
def test_projection_matches_keras(name, kwargs):
    w = _array((3, 4, 2, 5), seed=len(name)) * 2
    ours = getattr(tkeras.constraints, name)(**kwargs)(torch.tensor(w))
    theirs = getattr(keras.constraints, name)(**kwargs)(torch.tensor(w))
    np.testing.assert_allclose(ours.numpy(), _np(theirs), rtol=RTOL, atol=ATOL)


def test_hand_computed_values():
    w = torch.tensor([[3.0, 0.1], [4.0, 0.0]])  # column norms 5 and 0.1
    np.testing.assert_allclose(
        tkeras.constraints.MaxNorm(1.0)(w).numpy(), [[0.6, 0.1], [0.8, 0.0]], rtol=1e-6
    )
    np.testing.assert_allclose(
        tkeras.constraints.UnitNorm()(w).numpy(), [[0.6, 1.0], [0.8, 0.0]], rtol=1e-5
    )
    np.testing.assert_allclose(
        tkeras.constraints.MinMaxNorm(1.0, 2.0)(w).numpy(), [[1.2, 1.0], [1.6, 0.0]], rtol=1e-5
    )
    assert tkeras.constraints.NonNeg()(torch.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]


KERAS_NAMES = ["max_norm", "non_neg", "unit_norm", "min_max_norm", "MaxNorm", "constraint"]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_get_by_name_matches_keras(name):
    ours, theirs = tkeras.constraints.get(name), keras.constraints.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == theirs.get_config()


def test_public_surface_matches_keras():
    public = sorted(n for n in dir(keras.constraints) if not n.startswith("_"))
    assert sorted(tkeras.constraints.__all__) == public
    assert tkeras.constraints.max_norm is tkeras.constraints.MaxNorm
    for name in ("MaxNorm", "UnitNorm", "MinMaxNorm"):
        ours = inspect.signature(getattr(tkeras.constraints, name).__init__)
        theirs = inspect.signature(getattr(keras.constraints, name).__init__)
        assert [(p.name, p.default) for p in ours.parameters.values()] == [
            (p.name, p.default) for p in theirs.parameters.values()
        ], name


def test_get_passes_through_none_instances_functions_and_classes():
    c = tkeras.constraints.MaxNorm(3)

    def fn(w):
        return w

    assert tkeras.constraints.get(None) is None
    assert tkeras.constraints.get(c) is c and tkeras.constraints.get(fn) is fn
    assert isinstance(tkeras.constraints.get(tkeras.constraints.NonNeg), tkeras.constraints.NonNeg)
    assert repr(c) == "MaxNorm(max_value=3, axis=0)"


@pytest.mark.parametrize(
    "name, kwargs", [p for p in PROJECTIONS if p[1]], ids=[n for n, k in PROJECTIONS if k]
)
def test_serialize_is_keras_and_loads_both_ways(name, kwargs):
    ours = tkeras.constraints.serialize(getattr(tkeras.constraints, name)(**kwargs))
    theirs = keras.constraints.serialize(getattr(keras.constraints, name)(**kwargs))
    assert ours == theirs
    back = tkeras.constraints.deserialize(theirs)
    assert type(back) is getattr(tkeras.constraints, name)
    assert back.get_config() == theirs["config"]
    assert keras.constraints.deserialize(ours).get_config() == theirs["config"]
    assert tkeras.constraints.get(theirs).get_config() == theirs["config"]


def test_errors():
    with pytest.raises(
        ValueError, match=r"Unknown constraint: 'maxnorm'\. Expected one of: .*, max_norm, "
    ):
        tkeras.constraints.get("maxnorm")
    with pytest.raises(
        ValueError,
        match=r"Could not interpret constraint identifier: 1\.5\. Expected a name such as "
        r"'max_norm'",
    ):
        tkeras.constraints.get(1.5)
    with pytest.raises(ValueError, match=r"Unknown constraint: 'positive'"):
        tkeras.layers.Dense(2, kernel_constraint="positive")
    for make in (lambda: keras.constraints.get("maxnorm"), lambda: keras.constraints.get(1.5)):
        with pytest.raises(ValueError):  # Keras refuses them too
            make()


def test_a_constraint_returning_another_shape_raises_naming_the_variable():
    layer = tkeras.layers.Dense(3, kernel_constraint=lambda w: w.sum(), name="d")
    layer.build_from_shape((None, 2))
    with pytest.raises(
        ValueError,
        match=r"Constraint <function .*> returned a value of shape \(\) for variable "
        r"'d/kernel' of shape \(2, 3\); a constraint must return a tensor of the weight's shape",
    ):
        apply_constraint(layer.kernel, layer.kernel.constraint)


# --------------------------------------------------------------------------- every layer

# A distinct constraint per kind of weight, each one changing random weights.
VALUES = {
    "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 0.4, "axis": 0}},
    "depthwise_constraint": {"class_name": "MaxNorm", "config": {"max_value": 0.4, "axis": 0}},
    "pointwise_constraint": {"class_name": "UnitNorm", "config": {"axis": 0}},
    "recurrent_constraint": {"class_name": "UnitNorm", "config": {"axis": 0}},
    "embeddings_constraint": {"class_name": "UnitNorm", "config": {"axis": 1}},
    "alpha_constraint": {"class_name": "MaxNorm", "config": {"max_value": 0.4, "axis": 0}},
    "bias_constraint": "non_neg",
    "beta_constraint": "non_neg",
    "gamma_constraint": {
        "class_name": "MinMaxNorm",
        "config": {"min_value": 0.5, "max_value": 0.8, "rate": 0.7, "axis": 0},
    },
}


def _layer_cases() -> list[Case]:
    cases = []
    for name, cls in LAYERS.items():
        args = [
            p.name
            for p in _arguments(cls)
            if p.name.endswith("_constraint") and not _not_yet_value(name, p.name)[0]
        ]
        if not args:
            continue
        base = next(c for c in CASES if getattr(tkeras.layers, c.layer) is cls)
        kwargs = {**base.kwargs, **{arg: VALUES[arg] for arg in args}}
        cases.append(Case(base.layer, kwargs, base.input_shape, base.data, id=name))
    return cases


LAYER_CASES = _layer_cases()


def test_layer_cases_cover_every_constraint_argument():
    names = {c.layer for c in LAYER_CASES}
    assert {"Dense", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv1D"} <= names
    assert {"LSTM", "GRUCell", "MultiHeadAttention", "PReLU", "Embedding"} <= names
    assert {"BatchNormalization", "LayerNormalization", "GroupNormalization"} <= names


@pytest.mark.parametrize("case", LAYER_CASES, ids=str)
def test_layer_constraints_match_keras(case):
    k_layer, t_layer = built_pair(case)
    rng = np.random.default_rng(2)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in k_layer.get_weights()]
    k_layer.set_weights(weights)
    t_layer.set_weights(weights)
    flags = [v.constraint is not None for v in k_layer.weights]
    assert [v.constraint is not None for v in t_layer.weights] == flags and any(flags)
    for v in k_layer.weights:
        if v.constraint is not None:
            v.assign(v.constraint(v))
    for v in t_layer.weights:
        if v.constraint is not None:
            apply_constraint(v, v.constraint)
    changed = False
    for before, a, b in zip(weights, k_layer.get_weights(), t_layer.get_weights()):
        np.testing.assert_allclose(b, a, rtol=RTOL, atol=ATOL)
        changed = changed or not np.allclose(a, before)
    assert changed  # the constraints did something the comparison could catch


def test_constraints_keep_the_torch_memory_format():
    layer = tkeras.layers.Conv2D(4, 3, kernel_constraint="max_norm")
    layer.build_from_shape((None, 5, 5, 3))
    op_kernel = layer.kernel.keras_layout.op
    assert op_kernel(layer.kernel).is_contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        layer.kernel.mul_(10.0)
    apply_constraint(layer.kernel, layer.kernel.constraint)
    assert op_kernel(layer.kernel).is_contiguous(memory_format=torch.channels_last)
    norms = np.sqrt((layer.get_weights()[0] ** 2).sum(axis=0))
    assert norms.max() <= 2.0 + 1e-5


# --------------------------------------------------------------------------- the optimizer


def test_optimizer_applies_constraints_after_the_update_like_keras():
    w0 = _array((3, 2), seed=4)
    grad = _array((3, 2), seed=5)
    k_layer = keras.layers.Dense(
        2, use_bias=False, kernel_constraint=keras.constraints.MaxNorm(0.5)
    )
    k_layer.build((None, 3))
    k_layer.set_weights([w0])
    keras.optimizers.SGD(0.5).apply([torch.tensor(grad)], [k_layer.kernel])
    layer = tkeras.layers.Dense(
        2, use_bias=False, kernel_constraint=tkeras.constraints.MaxNorm(0.5)
    )
    layer.build_from_shape((None, 3))
    layer.set_weights([w0])
    tkeras.optimizers.SGD(0.5).apply([torch.tensor(grad)], [layer.kernel])
    expected = k_layer.get_weights()[0]
    np.testing.assert_allclose(layer.get_weights()[0], expected, rtol=RTOL, atol=ATOL)
    assert np.sqrt((expected**2).sum(axis=0)).max() <= 0.5 + 1e-6


def test_only_variables_with_a_gradient_are_projected():
    layer = tkeras.layers.Dense(2, kernel_constraint="non_neg", bias_constraint="non_neg")
    layer.build_from_shape((None, 3))
    layer.set_weights([-np.ones((3, 2), "float32"), -np.ones(2, "float32")])
    optimizer = tkeras.optimizers.SGD(0.1)
    optimizer.build(layer.trainable_weights)
    layer.kernel.grad = torch.zeros_like(layer.kernel)
    optimizer.step()  # the bias has no gradient: Keras skips it, constraint included
    kernel, bias = layer.get_weights()
    assert (kernel == 0).all() and (bias == -1).all()


def test_constrained_variables_keep_their_constraint_when_copied():
    layer = tkeras.layers.Dense(2, kernel_constraint="max_norm")
    layer.build_from_shape((None, 3))
    assert isinstance(copy.deepcopy(layer).kernel.constraint, tkeras.constraints.MaxNorm)
    restored = pickle.loads(pickle.dumps(layer))
    assert isinstance(restored.kernel.constraint, tkeras.constraints.MaxNorm)


def _constrained_model(lib):
    return lib.Sequential(
        [
            lib.Input((5,)),
            lib.layers.Dense(
                8,
                activation="tanh",
                kernel_constraint=lib.constraints.MaxNorm(0.6),
                bias_constraint="non_neg",
            ),
            lib.layers.Dense(2, kernel_constraint=lib.constraints.MinMaxNorm(0.2, 0.5, rate=0.5)),
        ]
    )


class _NormLog(tkeras.callbacks.Callback):
    """Records the largest column norm of the first kernel after every training batch."""

    def __init__(self):
        super().__init__()
        self.norms = []

    def on_train_batch_end(self, batch, logs=None):
        kernel = self.model.layers[0].get_weights()[0]
        self.norms.append(float(np.sqrt((kernel**2).sum(axis=0)).max()))


def test_max_norm_model_trains_like_keras_and_keeps_the_constraint():
    km, tm = _constrained_model(keras), _constrained_model(tkeras)
    rng = np.random.default_rng(3)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in km.get_weights()]
    km.set_weights(weights)
    tm.set_weights(weights)
    x = _array((32, 5), seed=6)
    y = _array((32, 2), seed=7)
    for lib, model in ((keras, km), (tkeras, tm)):
        model.compile(optimizer=lib.optimizers.SGD(0.2, momentum=0.5), loss="mse")
    log = _NormLog()
    hk = km.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    ht = tm.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[log])
    assert len(log.norms) == 8 and max(log.norms) <= 0.6 + 1e-5
    assert np.sqrt((weights[0] ** 2).sum(axis=0)).max() > 1.0  # it started far outside
    np.testing.assert_allclose(ht.history["loss"], hk.history["loss"], rtol=1e-4, atol=1e-4)
    for a, b in zip(km.get_weights(), tm.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-4)
    assert (tm.get_weights()[1] >= 0).all()


def test_docstring_examples_run():
    module = importlib.import_module("tkeras.constraints.constraints")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
