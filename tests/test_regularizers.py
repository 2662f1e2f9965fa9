"""tkeras.regularizers against Keras 3: each penalty on the same arrays, names and configs both
ways, every layer's regularizer arguments (weight and activity penalties in ``layer.losses``),
``model.losses`` and a regularized ``fit`` with Keras's numbers, and every error message.

``LAYER_CASES`` gives every public layer's ``*_regularizer`` arguments a non-default value;
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
from tests.parity import Case, check_case
from tests.test_meta import CASES, LAYERS, _arguments, _not_yet_value
from tkeras.regularizers.regularizers import weight_penalty

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


# --------------------------------------------------------------------------- the penalties

PENALTIES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.7}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.2, "l2": 0.05}),
    ("L1L2", {"l1": None, "l2": 0.1}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]


@pytest.mark.parametrize("name, kwargs", PENALTIES, ids=[f"{n}-{k}" for n, k in PENALTIES])
@pytest.mark.parametrize("shape", [(5, 3), (3, 7)])
def test_penalty_matches_keras(name, kwargs, shape):
    x = _array(shape, seed=len(name))
    ours = getattr(tkeras.regularizers, name)(**kwargs)(torch.tensor(x))
    theirs = getattr(keras.regularizers, name)(**kwargs)(torch.tensor(x))
    np.testing.assert_allclose(ours.detach().numpy(), _np(theirs), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["L1", "L2", "L1L2"])
def test_elementwise_penalties_take_any_rank_and_float64(name):
    x = _array((2, 3, 4, 5), seed=3).astype("float64")
    reg = getattr(tkeras.regularizers, name)(**({"l1": 0.1, "l2": 0.2} if name == "L1L2" else {}))
    ours = reg(torch.tensor(x))
    theirs = getattr(keras.regularizers, name)(**reg.get_config())(torch.tensor(x))
    assert ours.dtype == torch.float64
    np.testing.assert_allclose(ours.numpy(), _np(theirs), rtol=1e-12)


def test_hand_computed_values():
    x = torch.tensor([[1.0, -2.0], [0.0, 3.0]])
    assert tkeras.regularizers.L1(0.5)(x).item() == pytest.approx(3.0)
    assert tkeras.regularizers.L2(0.5)(x).item() == pytest.approx(7.0)
    assert tkeras.regularizers.L1L2(1.0, 1.0)(x).item() == pytest.approx(20.0)
    assert tkeras.regularizers.L1L2()(x).item() == 0.0
    # Two identical rows: cosine 1 for the one pair.
    same = torch.tensor([[1.0, 2.0], [2.0, 4.0]])
    assert tkeras.regularizers.OrthogonalRegularizer(1.0)(same).item() == pytest.approx(1.0)
    assert tkeras.regularizers.Regularizer()(x) == 0.0


def test_penalties_keep_the_autograd_graph():
    w = torch.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    tkeras.regularizers.L1L2(l1=0.5, l2=0.25)(w).backward()
    expected = 0.5 * torch.sign(w.detach()) + 0.5 * w.detach()
    np.testing.assert_allclose(w.grad.numpy(), expected.numpy())


def test_l1_and_orthogonal_factor_are_float32_rounded_like_keras():
    assert tkeras.regularizers.L1(0.1).get_config() == keras.regularizers.L1(0.1).get_config()
    assert tkeras.regularizers.L1(0.1).l1 == 0.10000000149011612
    ours = tkeras.regularizers.OrthogonalRegularizer(0.3, "columns").get_config()
    assert ours == keras.regularizers.OrthogonalRegularizer(0.3, "columns").get_config()
    assert tkeras.regularizers.L2(0.1).get_config() == {"l2": 0.1}


# --------------------------------------------------------------------------- names, configs

KERAS_NAMES = ["l1", "l2", "l1l2", "L1", "L2", "L1L2", "orthogonal_regularizer"]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_get_by_name_matches_keras(name):
    ours, theirs = tkeras.regularizers.get(name), keras.regularizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == theirs.get_config()


def test_public_surface_matches_keras():
    public = sorted(n for n in dir(keras.regularizers) if not n.startswith("_"))
    assert sorted(tkeras.regularizers.__all__) == public
    assert tkeras.regularizers.l1_l2 is tkeras.regularizers.L1L2
    assert tkeras.regularizers.orthogonal_regularizer is tkeras.regularizers.OrthogonalRegularizer
    for name in ("L1", "L2", "L1L2", "OrthogonalRegularizer"):
        ours = inspect.signature(getattr(tkeras.regularizers, name).__init__)
        theirs = inspect.signature(getattr(keras.regularizers, name).__init__)
        assert [(p.name, p.default) for p in ours.parameters.values()] == [
            (p.name, p.default) for p in theirs.parameters.values()
        ], name


def test_get_passes_through_none_instances_functions_and_classes():
    reg = tkeras.regularizers.L2(0.3)

    def fn(w):
        return w.sum()

    assert tkeras.regularizers.get(None) is None
    assert tkeras.regularizers.get(reg) is reg
    assert tkeras.regularizers.get(fn) is fn
    assert isinstance(tkeras.regularizers.get(tkeras.regularizers.L1), tkeras.regularizers.L1)


@pytest.mark.parametrize("name, kwargs", PENALTIES[1:], ids=[f"{n}" for n, _ in PENALTIES[1:]])
def test_serialize_is_keras_and_loads_both_ways(name, kwargs):
    ours = tkeras.regularizers.serialize(getattr(tkeras.regularizers, name)(**kwargs))
    theirs = keras.regularizers.serialize(getattr(keras.regularizers, name)(**kwargs))
    assert ours == theirs
    back = tkeras.regularizers.deserialize(theirs)
    assert type(back) is getattr(tkeras.regularizers, name)
    assert back.get_config() == theirs["config"]
    assert keras.regularizers.deserialize(ours).get_config() == theirs["config"]
    assert tkeras.regularizers.get(theirs).get_config() == theirs["config"]
    assert tkeras.regularizers.serialize(None) is None


def test_custom_regularizer_deserializes_with_custom_objects():
    class Half(tkeras.regularizers.Regularizer):
        def __init__(self, k=0.5):
            self.k = k

        def __call__(self, x):
            return self.k * x.sum()

        def get_config(self):
            return {"k": self.k}

    config = {"class_name": "Half", "config": {"k": 0.25}}
    reg = tkeras.regularizers.deserialize(config, custom_objects={"Half": Half})
    assert isinstance(reg, Half) and reg.k == 0.25
    assert repr(reg) == "Half(k=0.25)"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make, match",
    [
        (
            lambda: tkeras.regularizers.L1(-0.1),
            r"L1: invalid value for argument `l1`: expected a non-negative float\. "
            r"Received: l1=-0\.1",
        ),
        (
            lambda: tkeras.regularizers.L2(float("nan")),
            r"L2: invalid value for argument `l2`: expected a non-negative float\. "
            r"Received: l2=nan",
        ),
        (
            lambda: tkeras.regularizers.L1L2(l1=float("inf")),
            r"L1L2: invalid value for argument `l1`: .* Received: l1=inf",
        ),
        (
            lambda: tkeras.regularizers.L1L2(l2="0.1"),
            r"L1L2: invalid value for argument `l2`: .* Received: l2='0\.1'",
        ),
        (
            lambda: tkeras.regularizers.OrthogonalRegularizer(factor=-1),
            r"OrthogonalRegularizer: invalid value for argument `factor`: .* Received: factor=-1",
        ),
        (
            lambda: tkeras.regularizers.OrthogonalRegularizer(mode="diagonal"),
            r"OrthogonalRegularizer: invalid value for argument `mode`\. Expected one of "
            r"\('rows', 'columns'\)\. Received: mode='diagonal'",
        ),
        (
            lambda: tkeras.regularizers.OrthogonalRegularizer()(torch.ones(2, 2, 2)),
            r"OrthogonalRegularizer: inputs must have rank 2, e\.g\. a Dense kernel "
            r"\(input_dim, units\)\. Received: inputs\.shape=\(2, 2, 2\)",
        ),
        (
            lambda: tkeras.regularizers.get("l1_l2"),
            r"Unknown regularizer: 'l1_l2'\. Expected one of: .*, l1l2, ",
        ),
        (
            lambda: tkeras.regularizers.get(3),
            r"Could not interpret regularizer identifier: 3\. Expected a name such as 'l2'",
        ),
        (
            lambda: tkeras.layers.Dense(2, kernel_regularizer="l3"),
            r"Unknown regularizer: 'l3'\. Expected one of: L1, L1L2, L2",
        ),
        (
            lambda: tkeras.layers.ActivityRegularization(l1=-1.0),
            r"L1L2: invalid value for argument `l1`: expected a non-negative float\. "
            r"Received: l1=-1\.0",
        ),
    ],
)
def test_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_keras_rejects_the_same_inputs():
    # The values the errors above refuse are refused by Keras too.
    for make in (
        lambda: keras.regularizers.L1(-0.1),
        lambda: keras.regularizers.get("l1_l2"),
        lambda: keras.regularizers.OrthogonalRegularizer(mode="diagonal"),
        lambda: keras.layers.ActivityRegularization(l1=-1.0),
    ):
        with pytest.raises(ValueError):
            make()


def test_base_get_config_raises_naming_the_class():
    class Mine(tkeras.regularizers.Regularizer):
        pass

    with pytest.raises(NotImplementedError, match=r"Mine does not implement get_config\(\)"):
        Mine().get_config()
    assert repr(Mine()) == "Mine()"


# --------------------------------------------------------------------------- every layer

# A distinct penalty per argument, so a penalty attached to the wrong weight shows.
VALUES = {
    "kernel_regularizer": "l1",
    "bias_regularizer": {"class_name": "L2", "config": {"l2": 0.03}},
    "activity_regularizer": {"class_name": "L1L2", "config": {"l1": 0.002, "l2": 0.005}},
    "recurrent_regularizer": {
        "class_name": "OrthogonalRegularizer",
        "config": {"factor": 0.1, "mode": "columns"},
    },
    "depthwise_regularizer": "l2",
    "pointwise_regularizer": {"class_name": "L1", "config": {"l1": 0.02}},
    "embeddings_regularizer": "l2",
    "alpha_regularizer": "l1",
    "gamma_regularizer": {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}},
    "beta_regularizer": "l2",
}


def _layer_cases() -> list[Case]:
    cases = []
    for name, cls in LAYERS.items():
        args = [
            p.name
            for p in _arguments(cls)
            if p.name.endswith("_regularizer") and not _not_yet_value(name, p.name)[0]
        ]
        if not args:
            continue
        base = next(c for c in CASES if getattr(tkeras.layers, c.layer) is cls)
        kwargs = {**base.kwargs, **{arg: VALUES[arg] for arg in args}}
        if name.startswith("ConvLSTM"):
            # Its recurrent kernel has rank 3: the orthogonal penalty needs rank 2 (in Keras too).
            kwargs["recurrent_regularizer"] = {"class_name": "L1", "config": {"l1": 0.04}}
        cases.append(Case(base.layer, kwargs, base.input_shape, base.data, id=f"{name}"))
    return cases


LAYER_CASES = _layer_cases()


def test_layer_cases_cover_every_regularizer_argument():
    names = {c.layer for c in LAYER_CASES}
    assert {"Dense", "Conv2D", "LSTM", "MultiHeadAttention", "PReLU", "Embedding"} <= names
    assert {"BatchNormalization", "SeparableConv1D", "GRUCell"} <= names
    assert all(key in VALUES for c in LAYER_CASES for key in c.kwargs if "_regularizer" in key)


def built_pair(case: Case) -> tuple:
    """The case's layer in both libraries, Keras's weights copied into tkeras: through
    ``check_case`` (outputs, gradients and losses after one call compared), or, for a
    recurrent cell (called on (inputs, states)), only built."""
    if isinstance(case.input_shape, list):  # several inputs (attention): called positionally
        return _multi_input_pair(case)
    if not case.layer.endswith("Cell"):
        return check_case(case)
    k_layer = getattr(keras.layers, case.layer)(**case.kwargs)
    t_layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
    k_layer.build(case.input_shape)
    t_layer.build_from_shape(case.input_shape)
    t_layer.set_weights(k_layer.get_weights())
    return k_layer, t_layer


def _multi_input_pair(case: Case) -> tuple:
    arrays = [_array(shape, seed=i) for i, shape in enumerate(case.input_shape)]
    k_layer = getattr(keras.layers, case.layer)(**case.kwargs)
    t_layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
    yk = k_layer(*[torch.tensor(a) for a in arrays])
    t_layer.build_from_shape([a.shape for a in arrays])
    t_layer.set_weights(k_layer.get_weights())
    yt = t_layer(*[torch.tensor(a) for a in arrays])
    np.testing.assert_allclose(yt.detach().numpy(), _np(yk), rtol=RTOL, atol=ATOL)
    assert len(t_layer.losses) == len(k_layer.losses)
    return k_layer, t_layer


@pytest.mark.parametrize("case", LAYER_CASES, ids=str)
def test_layer_penalties_match_keras(case):
    if case.layer == "SimpleRNN":  # Keras ignores its activity_regularizer; so does tkeras
        with pytest.warns(UserWarning, match=r"SimpleRNN: activity_regularizer=.* is ignored"):
            k_layer, t_layer = built_pair(case)
    else:
        k_layer, t_layer = built_pair(case)
    # Then the same random weights in both (zero biases would hide a bias penalty): each
    # weight's penalty, computed fresh from its current value, in Keras's layout.
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in k_layer.get_weights()]
    k_layer.set_weights(weights)
    t_layer.set_weights(weights)
    k_flags = [v.regularizer is not None for v in k_layer.weights]
    t_flags = [v.regularizer is not None for v in t_layer.weights]
    assert t_flags == k_flags
    assert any(k_flags) or "activity_regularizer" in case.kwargs
    for kv, tv in zip(k_layer.weights, t_layer.weights):
        if kv.regularizer is not None:
            ours = float(weight_penalty(tv.regularizer, tv).detach())
            theirs = float(_np(kv.regularizer(kv)))
            np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL, err_msg=kv.path)
    k_total = sum(float(_np(loss)) for loss in k_layer.losses)
    t_total = sum(float(loss.detach()) for loss in t_layer.losses)
    np.testing.assert_allclose(t_total, k_total, rtol=RTOL, atol=ATOL)


def test_layer_configs_hold_keras_serialized_regularizers():
    kwargs = {
        "units": 3,
        "kernel_regularizer": "l2",
        "bias_regularizer": tkeras.regularizers.L1(0.2),
        "activity_regularizer": {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.0}},
    }
    ours = tkeras.saving.serialize_keras_object(tkeras.layers.Dense(**kwargs, name="d"))
    kwargs["bias_regularizer"] = keras.regularizers.L1(0.2)
    theirs = keras.saving.serialize_keras_object(keras.layers.Dense(**kwargs, name="d"))
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        assert ours["config"][key] == theirs["config"][key], key
    back = tkeras.saving.deserialize_keras_object(theirs)
    assert back.kernel_regularizer.get_config() == {"l2": 0.01}
    assert back.bias_regularizer.get_config() == theirs["config"]["bias_regularizer"]["config"]
    assert isinstance(back.activity_regularizer, tkeras.regularizers.L1L2)
    again = type(back).from_config(back.get_config())
    assert again.activity_regularizer.get_config() == {"l1": 0.1, "l2": 0.0}


def test_activity_regularization_config_matches_keras():
    ours = tkeras.layers.ActivityRegularization(l1=0.1, l2=0.2, name="a")
    theirs = keras.layers.ActivityRegularization(l1=0.1, l2=0.2, name="a")
    assert ours.get_config()["l1"] == 0.1 and "activity_regularizer" not in ours.get_config()
    ours_cfg = tkeras.saving.serialize_keras_object(ours)["config"]
    theirs_cfg = keras.saving.serialize_keras_object(theirs)["config"]
    assert ours_cfg == theirs_cfg
    back = tkeras.layers.ActivityRegularization.from_config(ours.get_config())
    assert back.activity_regularizer.get_config() == {"l1": 0.1, "l2": 0.2}


# --------------------------------------------------------------------------- the mechanism


def test_weight_penalty_reads_the_keras_layout_and_keeps_grad():
    orthogonal = tkeras.regularizers.OrthogonalRegularizer(1.0)
    layer = tkeras.layers.Dense(3, kernel_regularizer=orthogonal)
    layer.build_from_shape((None, 5))
    kernel = layer.get_weights()[0]  # Keras layout (5, 3)
    (loss,) = layer.losses
    expected = keras.regularizers.OrthogonalRegularizer(1.0)(torch.tensor(kernel))
    np.testing.assert_allclose(float(loss.detach()), float(_np(expected)), rtol=RTOL)
    # The transposed (torch) layout gives another value: the layout matters here.
    transposed = keras.regularizers.OrthogonalRegularizer(1.0)(torch.tensor(kernel.T.copy()))
    assert abs(float(_np(transposed)) - float(loss.detach())) > 1e-3
    loss.backward()
    assert layer.kernel.grad is not None and layer.kernel.grad.abs().sum() > 0


def test_frozen_layer_has_no_weight_penalties_like_keras():
    ours = tkeras.layers.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")
    theirs = keras.layers.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")
    x = _array((4, 3))
    theirs(x)
    ours(torch.tensor(x))
    assert len(ours.losses) == len(theirs.losses) == 2
    ours.trainable = theirs.trainable = False
    assert len(ours.losses) == len(theirs.losses) == 1  # the activity penalty stays


def test_only_regularized_layers_wrap_forward():
    plain = tkeras.layers.Dense(2)
    assert "forward" not in plain.__dict__ and plain.activity_regularizer is None
    layer = tkeras.layers.Dense(2)
    layer.activity_regularizer = "l2"
    assert isinstance(layer.activity_regularizer, tkeras.regularizers.L2)
    assert "forward" in layer.__dict__
    layer(torch.ones(4, 3))
    assert len(layer.losses) == 1
    layer.activity_regularizer = None
    assert "forward" not in layer.__dict__
    layer._clear_losses()
    layer(torch.ones(4, 3))
    assert layer.losses == []


def test_activity_penalty_divides_by_the_batch_and_covers_every_output():
    ours = tkeras.layers.LSTM(3, return_state=True, activity_regularizer="l1")
    theirs = keras.layers.LSTM(3, return_state=True, activity_regularizer="l1")
    x = _array((5, 4, 2))
    theirs(x)
    ours.build_from_shape(x.shape)
    ours.set_weights(theirs.get_weights())
    ours(torch.tensor(x))
    assert len(ours.losses) == len(theirs.losses) == 3
    for a, b in zip(ours.losses, theirs.losses):
        np.testing.assert_allclose(float(a.detach()), float(_np(b)), rtol=RTOL, atol=ATOL)
    empty = tkeras.layers.ActivityRegularization(l1=1.0)
    empty(torch.zeros(0, 3))
    assert [float(t) for t in empty.losses] == [0.0]


def test_shape_inference_and_symbolic_calls_add_no_loss():
    layer = tkeras.layers.Dense(2, activity_regularizer="l2", kernel_regularizer="l1")
    inputs = tkeras.Input((3,))
    layer(inputs)
    assert len(layer.losses) == 1  # the kernel penalty only
    other = tkeras.layers.ActivityRegularization(l2=0.1)
    assert other.compute_output_shape((None, 4)) == (None, 4)
    model = tkeras.Sequential([tkeras.Input((4,)), tkeras.layers.Reshape((2, 2)), other])
    assert model.output_shape == (None, 2, 2) and model.losses == []


def test_model_clears_activity_losses_at_each_call():
    dense = tkeras.layers.Dense(2, activity_regularizer="l2")
    model = tkeras.Sequential([tkeras.Input((3,)), dense])
    for _ in range(3):
        model(torch.ones(4, 3))
    assert len(model.losses) == 1


def test_shared_layer_adds_one_penalty_per_call_and_weights_once():
    inputs = tkeras.Input((3,))
    shared = tkeras.layers.Dense(3, kernel_regularizer="l2", activity_regularizer="l1")
    model = tkeras.Model(inputs, shared(shared(inputs)))
    k_inputs = keras.Input((3,))
    k_shared = keras.layers.Dense(3, kernel_regularizer="l2", activity_regularizer="l1")
    k_model = keras.Model(k_inputs, k_shared(k_shared(k_inputs)))
    model.set_weights(k_model.get_weights())
    x = _array((4, 3))
    model(torch.tensor(x))
    k_model(x)
    assert len(model.losses) == len(k_model.losses) == 3
    np.testing.assert_allclose(
        float(sum(model.losses).detach()), float(_np(sum(k_model.losses))), rtol=RTOL, atol=ATOL
    )


def test_simple_rnn_ignores_its_activity_regularizer_like_keras():
    x = _array((2, 4, 3))
    theirs = keras.layers.SimpleRNN(2, activity_regularizer="l2")
    theirs(x)
    with pytest.warns(
        UserWarning,
        match=r"SimpleRNN: activity_regularizer='l2' is ignored, as in Keras 3 \(its SimpleRNN "
        r"never applies it\)\. Add an ActivityRegularization layer after the SimpleRNN",
    ):
        ours = tkeras.layers.SimpleRNN(2, activity_regularizer="l2")
    ours(torch.tensor(x))
    assert ours.losses == [] and theirs.losses == []
    assert ours.activity_regularizer is None


def test_copies_keep_their_own_regularizers():
    layer = tkeras.layers.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")
    layer.build_from_shape((None, 3))
    twin = copy.deepcopy(layer)
    assert isinstance(twin.kernel.regularizer, tkeras.regularizers.L2)
    twin(torch.ones(4, 3))
    assert len(twin.losses) == 2 and len(layer.losses) == 1  # the copy's forward is its own
    pickled = pickle.loads(pickle.dumps(layer))
    assert isinstance(pickled.kernel.regularizer, tkeras.regularizers.L2)
    pickled(torch.ones(4, 3))
    assert len(pickled.losses) == 2


def test_a_regularizer_turns_on_loss_routing_for_that_layer_only():
    # Routing is decided per layer from its sublayers (layers/layer_call.py), not by a latch.
    unbuilt = tkeras.layers.Dense(2, kernel_regularizer="l2")
    assert not unbuilt._may_add_losses()  # nothing to collect until a weight is made
    built = tkeras.layers.Dense(2, kernel_regularizer="l2")
    built.build_from_shape((None, 3))
    assert built._may_add_losses()
    assert tkeras.layers.Dense(2, activity_regularizer="l2")._may_add_losses()
    plain = tkeras.layers.Dense(2)
    plain(torch.ones(1, 3))
    assert not plain._routes and plain._loss_owners == ()
    outer = tkeras.Sequential([tkeras.Input((3,)), built])
    outer(torch.ones(1, 3))
    assert outer._routes and outer._loss_owners == (built,)


def test_custom_layer_add_weight_with_a_function_regularizer():
    class Scale(tkeras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1],), initializer="ones", regularizer=lambda w: 2 * w.sum()
            )

        def call(self, x):
            return x * self.w

    layer = Scale()
    layer(torch.ones(2, 3))
    assert [float(t.detach()) for t in layer.losses] == [6.0]


# --------------------------------------------------------------------------- models and fit


def _regularized_model(lib):
    regs = lib.regularizers
    return lib.Sequential(
        [
            lib.Input((6, 6, 2)),
            lib.layers.Conv2D(
                3,
                3,
                activation="tanh",
                kernel_regularizer=regs.L2(0.02),
                bias_regularizer=regs.L1(0.05),
                activity_regularizer=regs.L1L2(l1=0.001, l2=0.002),
            ),
            lib.layers.Flatten(),
            lib.layers.Dense(
                4,
                kernel_regularizer=regs.OrthogonalRegularizer(0.1),
                bias_regularizer="l2",
                activity_regularizer=regs.L2(0.01),
            ),
            lib.layers.ActivityRegularization(l1=0.003),
            lib.layers.Dense(2, kernel_regularizer=regs.L1L2(0.01, 0.01)),
        ]
    )


def _pair():
    km, tm = _regularized_model(keras), _regularized_model(tkeras)
    rng = np.random.default_rng(5)
    weights = [0.3 * rng.standard_normal(w.shape).astype("float32") for w in km.get_weights()]
    km.set_weights(weights)
    tm.set_weights(weights)
    return km, tm


def _data(n=32):
    rng = np.random.default_rng(9)
    return _array((n, 6, 6, 2), seed=8), rng.standard_normal((n, 2)).astype("float32")


def test_model_losses_match_keras():
    km, tm = _pair()
    x, _ = _data(8)
    km(x)
    tm(torch.tensor(x))
    assert len(km.losses) == 8 and len(tm.losses) == 8
    np.testing.assert_allclose(
        float(sum(tm.losses).detach()), float(_np(keras.ops.sum(km.losses))), rtol=RTOL, atol=ATOL
    )


def test_regularized_fit_matches_keras():
    km, tm = _pair()
    x, y = _data()
    for lib, model in ((keras, km), (tkeras, tm)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
    hk = km.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    ht = tm.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(ht.history["loss"], hk.history["loss"], rtol=1e-4, atol=1e-4)
    for a, b in zip(km.get_weights(), tm.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-4)
    # The penalties are part of the loss, as in Keras: without them it would differ.
    plain = float(np.mean((km.predict(x, verbose=0) - y) ** 2))
    assert ht.history["loss"][-1] > plain + 0.01
    np.testing.assert_allclose(
        tm.evaluate(x, y, batch_size=8, verbose=0),
        km.evaluate(x, y, batch_size=8, verbose=0),
        rtol=1e-4,
    )


def test_regularized_model_saves_and_loads_both_ways(tmp_path):
    km, tm = _pair()
    x, _ = _data(4)
    tm.save(tmp_path / "t.keras")
    km.save(tmp_path / "k.keras")
    from_tkeras = keras.saving.load_model(tmp_path / "t.keras")
    from_keras = tkeras.saving.load_model(tmp_path / "k.keras")
    dense = from_keras.layers[2]
    assert isinstance(dense.kernel_regularizer, tkeras.regularizers.OrthogonalRegularizer)
    assert isinstance(from_keras.layers[3].activity_regularizer, tkeras.regularizers.L1L2)
    from_tkeras(x)
    from_keras(torch.tensor(x))
    km(x)
    expected = float(_np(keras.ops.sum(km.losses)))
    np.testing.assert_allclose(float(_np(keras.ops.sum(from_tkeras.losses))), expected, rtol=RTOL)
    np.testing.assert_allclose(float(sum(from_keras.losses).detach()), expected, rtol=RTOL)


def test_docstring_examples_run():
    module = importlib.import_module("tkeras.regularizers.regularizers")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.gpu
def test_regularized_constrained_fit_on_the_accelerator_equals_cpu():
    device = torch.device("cuda" if torch.cuda.is_available() else "mps")

    def make():
        return tkeras.Sequential(
            [
                tkeras.Input((6,)),
                tkeras.layers.Dense(
                    8,
                    activation="tanh",
                    kernel_regularizer=tkeras.regularizers.OrthogonalRegularizer(0.1),
                    bias_regularizer="l2",
                    activity_regularizer="l1",
                    kernel_constraint=tkeras.constraints.MaxNorm(0.5),
                ),
                tkeras.layers.ActivityRegularization(l2=0.01),
                tkeras.layers.Dense(2, kernel_constraint="unit_norm", bias_constraint="non_neg"),
            ]
        )

    cpu, accelerated = make(), make()
    accelerated.set_weights(cpu.get_weights())
    accelerated.to(device)
    x, y = _array((32, 6), seed=1), _array((32, 2), seed=2)
    histories = []
    for model in (cpu, accelerated):
        model.compile(optimizer=tkeras.optimizers.SGD(0.1), loss="mse")
        histories.append(model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0))
    assert accelerated.layers[0].kernel.device.type == device.type
    np.testing.assert_allclose(
        histories[1].history["loss"], histories[0].history["loss"], rtol=1e-4, atol=1e-4
    )
    for a, b in zip(cpu.get_weights(), accelerated.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-4)
