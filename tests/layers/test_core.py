"""Core layers (Dense, Activation, Dropout, Flatten, Reshape, Embedding): parity with Keras 3,
Dropout's training-mode randomness, Embedding's id handling, and every error message."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

# Keras 3 accepts Embedding's Keras-2 `input_length` with a deprecation warning and ignores it.
pytestmark = pytest.mark.filterwarnings("ignore:Argument `input_length` is deprecated")

# Activations that cannot be named by a string alone (their arguments have no defaults).
NEEDS_ARGS = {"threshold"}
ACTIVATION_NAMES = sorted(set(tkeras.activations.ALL_OBJECTS_DICT) - NEEDS_ARGS)

_EMBEDDINGS = np.random.default_rng(7).standard_normal((10, 4)).astype("float32")
_CONSTANT = {"class_name": "Constant", "config": {"value": 0.5}}


def _dense() -> list[Case]:
    cases = [
        Case("Dense", {"units": 4}, (3, 5), id="Dense-rank2"),
        Case("Dense", {"units": 4, "use_bias": False}, (3, 5), id="Dense-no-bias"),
        Case("Dense", {"units": 3}, (2, 3, 5), id="Dense-rank3"),
        Case("Dense", {"units": 2, "activation": "tanh"}, (2, 3, 4, 5), id="Dense-rank4"),
        Case("Dense", {"units": 1}, (4, 1), id="Dense-1x1"),
        Case(
            "Dense",
            {"units": 4, "kernel_initializer": "he_normal", "bias_initializer": "random_uniform"},
            (3, 5),
            id="Dense-initializers",
        ),
    ]
    cases += [
        Case("Dense", {"units": 4, "activation": name}, (3, 5), id=f"Dense-{name}")
        for name in ACTIVATION_NAMES
    ]
    return cases


def _activation() -> list[Case]:
    return [
        Case("Activation", {"activation": name}, (3, 4, 6), id=f"Activation-{name}")
        for name in ACTIVATION_NAMES
    ]


def _dropout() -> list[Case]:
    return [
        Case("Dropout", {"rate": 0.5}, (4, 5), id="Dropout-inference"),
        Case(
            "Dropout",
            {"rate": 0.3, "noise_shape": (None, 1, 5)},
            (4, 3, 5),
            id="Dropout-noise-shape-inference",
        ),
        Case("Dropout", {"rate": 0.2, "seed": 7}, (4, 5), id="Dropout-seed-inference"),
        Case("Dropout", {"rate": 0.0}, (4, 5), training=True, id="Dropout-rate0-training"),
    ]


def _flatten() -> list[Case]:
    shapes = [(3, 4), (3, 4, 5), (2, 3, 4, 5), (2, 3, 2, 4, 5)]
    cases = [Case("Flatten", {}, (3,), id="Flatten-rank1")]
    for shape in shapes:
        for data_format in ("channels_last", "channels_first"):
            cases.append(
                Case(
                    "Flatten",
                    {"data_format": data_format},
                    shape,
                    id=f"Flatten-rank{len(shape)}-{data_format}",
                )
            )
    cases.append(Case("Flatten", {}, (2, 3, 4), id="Flatten-default-format"))
    return cases


def _reshape() -> list[Case]:
    return [
        Case("Reshape", {"target_shape": (-1, 2)}, (3, 8), id="Reshape-minus1-last"),
        Case("Reshape", {"target_shape": (4, -1)}, (2, 2, 2, 3), id="Reshape-minus1-first"),
        Case("Reshape", {"target_shape": (2, 2, 2)}, (3, 8), id="Reshape-explicit"),
        Case("Reshape", {"target_shape": (12,)}, (2, 3, 4), id="Reshape-flat"),
        Case("Reshape", {"target_shape": [3, 1, 4]}, (2, 4, 3), id="Reshape-list"),
    ]


def _embedding() -> list[Case]:
    return [
        Case(
            "Embedding",
            {"input_dim": 10, "output_dim": 4},
            (3, 5),
            data=("int", 10),
            id="Embedding-rank2",
        ),
        Case(
            "Embedding",
            {"input_dim": 7, "output_dim": 3},
            (2, 3, 4),
            data=("int", 7),
            id="Embedding-rank3",
        ),
        Case(
            "Embedding",
            {"input_dim": 6, "output_dim": 2},
            (5,),
            data=("int", 6),
            id="Embedding-rank1",
        ),
        Case(
            "Embedding",
            {"input_dim": 10, "output_dim": 4, "mask_zero": True},
            (3, 5),
            data=("int", 10),
            id="Embedding-mask-zero",
        ),
        Case(
            "Embedding",
            {"input_dim": 10, "output_dim": 4, "input_length": 5},
            (3, 5),
            data=("int", 10),
            id="Embedding-input-length",
        ),
        Case(
            "Embedding",
            {"input_dim": 10, "output_dim": 4, "embeddings_initializer": "ones"},
            (3, 5),
            data=("int", 10),
            id="Embedding-initializer",
        ),
        Case(
            "Embedding",
            {"input_dim": 10, "output_dim": 4, "weights": [_EMBEDDINGS]},
            (3, 5),
            data=("int", 10),
            id="Embedding-weights",
        ),
    ]


def _masking() -> list[Case]:
    return [
        Case("Masking", {}, (2, 5, 3), id="Masking-default"),
        Case("Masking", {"mask_value": 0.5}, (2, 5, 3), id="Masking-value"),
    ]


CASES: list[Case] = (
    _dense() + _activation() + _dropout() + _flatten() + _reshape() + _embedding() + _masking()
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    check_case(case)


# ---------------------------------------------------------------------- initializers in layers


@pytest.mark.parametrize(
    "layer, kwargs, shape",
    [
        (
            "Dense",
            {"units": 3, "kernel_initializer": "ones", "bias_initializer": _CONSTANT},
            (2, 4),
        ),
        (
            "Dense",
            {"units": 4, "kernel_initializer": "identity", "bias_initializer": "ones"},
            (2, 4),
        ),
        (
            "Dense",
            {"units": 3, "kernel_initializer": {"class_name": "Identity", "config": {"gain": 2.0}}},
            (2, 5),
        ),
        (
            "Embedding",
            {"input_dim": 5, "output_dim": 5, "embeddings_initializer": "identity"},
            (2, 3),
        ),
        (
            "Embedding",
            {"input_dim": 5, "output_dim": 2, "embeddings_initializer": _CONSTANT},
            (2, 3),
        ),
    ],
    ids=str,
)
def test_deterministic_initializers_give_kerass_weights(layer, kwargs, shape):
    k_layer = getattr(keras.layers, layer)(**kwargs)
    k_layer.build(shape)
    t_layer = getattr(tkeras.layers, layer)(**kwargs)
    t_layer.build_from_shape(shape)
    k_weights, t_weights = k_layer.get_weights(), t_layer.get_weights()
    assert [w.shape for w in t_weights] == [w.shape for w in k_weights]
    for t, k in zip(t_weights, k_weights):
        np.testing.assert_array_equal(t, k)


def test_default_initializers_are_glorot_uniform_and_zeros():
    layer = tkeras.layers.Dense(300, name="wide")
    layer.build_from_shape((2, 200))
    kernel, bias = layer.get_weights()
    limit = np.sqrt(6.0 / (200 + 300))
    assert kernel.shape == (200, 300)
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.95 * limit  # uniform over the whole range, not narrower
    np.testing.assert_array_equal(bias, np.zeros(300, "float32"))


def test_embedding_default_initializer_is_uniform_005():
    layer = tkeras.layers.Embedding(500, 100)
    layer.build_from_shape((2, 3))
    (table,) = layer.get_weights()
    assert np.abs(table).max() <= 0.05
    assert np.abs(table).max() > 0.049


# ---------------------------------------------------------------------- Dropout in training

_X = torch.ones(200, 500)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": 0.3},
        {"rate": 0.3, "seed": 11},
        {"rate": 0.6, "noise_shape": (None, None)},
        {"rate": 0.1},
    ],
    ids=str,
)
def test_dropout_training_zeroes_rate_and_scales_survivors(kwargs):
    rate = kwargs["rate"]
    y = tkeras.layers.Dropout(**kwargs)(_X, training=True)
    dropped = (y == 0).float().mean().item()
    # 100k Bernoulli draws: the standard error is below 0.0016, so 0.01 is > 6 sigma.
    assert abs(dropped - rate) < 0.01, dropped
    survivors = y[y != 0]
    np.testing.assert_allclose(survivors.numpy(), 1.0 / (1.0 - rate), rtol=1e-6)


def test_dropout_noise_shape_shares_the_mask_along_broadcast_axes():
    x = torch.ones(16, 10, 8)
    y = tkeras.layers.Dropout(0.5, noise_shape=(None, 1, 8))(x, training=True)
    assert torch.equal(y, y[:, :1, :].expand_as(y))  # same mask at every timestep
    assert 0 < (y[:, 0, :] == 0).float().mean() < 1  # but it varies over batch and features
    assert not torch.equal(y[0, 0], y[1, 0])

    y = tkeras.layers.Dropout(0.5, noise_shape=(1, 10, 1))(x, training=True)
    assert torch.equal(y, y[:1, :, :1].expand_as(y))
    assert 0 < (y == 0).float().mean() < 1


def test_dropout_seed_gives_reproducible_masks():
    x = torch.ones(64, 64)
    a, b = tkeras.layers.Dropout(0.5, seed=3), tkeras.layers.Dropout(0.5, seed=3)
    a1, a2 = a(x, training=True), a(x, training=True)
    b1, b2 = b(x, training=True), b(x, training=True)
    assert torch.equal(a1, b1) and torch.equal(a2, b2)
    assert not torch.equal(a1, a2)  # the generator advances between calls
    c1 = tkeras.layers.Dropout(0.5, seed=4)(x, training=True)
    assert not torch.equal(a1, c1)


def test_dropout_unseeded_follows_set_random_seed():
    x = torch.ones(64, 64)
    tkeras.utils.set_random_seed(5)
    first = tkeras.layers.Dropout(0.5)(x, training=True)
    tkeras.utils.set_random_seed(5)
    second = tkeras.layers.Dropout(0.5)(x, training=True)
    assert torch.equal(first, second)


def test_dropout_model_call_is_inference_and_training_true_drops():
    x = torch.ones(50, 40)
    layer = tkeras.layers.Dropout(0.5)
    model = tkeras.Sequential([tkeras.Input((40,)), layer])
    assert torch.equal(model(x), x)
    assert torch.equal(layer(x), x)
    assert (layer(x, training=True) == 0).any()
    assert (model(x, training=True) == 0).any()
    assert torch.equal(model(x, training=False), x)
    model.train()
    try:
        assert (model(x) == 0).any()
        assert torch.equal(model(x, training=False), x)
    finally:
        model.eval()
    assert torch.equal(model(x), x)


def test_dropout_training_passes_gradient_through_the_mask():
    x = torch.ones(20, 30, requires_grad=True)
    y = tkeras.layers.Dropout(0.25, seed=1)(x, training=True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (y.detach() != 0).numpy() / 0.75, rtol=1e-6)


# ---------------------------------------------------------------------- Embedding


def test_embedding_mask_zero_compute_mask_matches_keras():
    ids = np.array([[0, 3, 1, 0], [2, 0, 0, 5]])
    t = tkeras.layers.Embedding(6, 2, mask_zero=True)
    k = keras.layers.Embedding(6, 2, mask_zero=True)
    mask = t.compute_mask(torch.tensor(ids))
    assert mask.dtype == torch.bool
    np.testing.assert_array_equal(mask.numpy(), ids != 0)
    np.testing.assert_array_equal(
        mask.numpy(), keras.ops.convert_to_numpy(k.compute_mask(torch.tensor(ids)))
    )
    assert tkeras.layers.Embedding(6, 2).compute_mask(torch.tensor(ids)) is None


@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.float64, torch.int32, torch.int16, torch.uint8]
)
def test_embedding_casts_ids_as_keras_does(dtype):
    ids = torch.tensor([[1, 0, 4], [3, 3, 2]]).to(dtype)
    k = keras.layers.Embedding(5, 3)
    k.build((2, 3))
    t = tkeras.layers.Embedding(5, 3)
    t.build_from_shape((2, 3))
    t.set_weights(k.get_weights())
    np.testing.assert_allclose(
        t(ids).detach().numpy(), keras.ops.convert_to_numpy(k(ids)), rtol=1e-6
    )


def test_embedding_rejects_non_integral_float_ids():
    layer = tkeras.layers.Embedding(10, 2, name="tokens")
    with pytest.raises(
        ValueError,
        match=r"Embedding 'tokens' expects integer token ids; "
        r"received non-integral float ids such as \[1\.5\]",
    ):
        layer(torch.tensor([[1.0, 1.5, 2.0]]))


@pytest.mark.parametrize(
    "ids, lo, hi",
    [([[1, 10]], 1, 10), ([[-1, 3]], -1, 3), ([[2.0, 12.0]], 2, 12)],
    ids=["too-large", "negative", "float-too-large"],
)
@pytest.mark.parametrize("built", [False, True])
def test_embedding_rejects_out_of_range_ids_naming_layer_and_range(ids, lo, hi, built):
    layer = tkeras.layers.Embedding(10, 2, name="vocab")
    if built:
        layer(torch.tensor([[0, 9]]))
    message = (
        rf"Embedding 'vocab': ids must be in \[0, 10\) \(input_dim=10\); "
        rf"received ids from {lo} to {hi}\."
    )
    with pytest.raises(ValueError, match=message):
        layer(torch.tensor(ids))


def test_embedding_input_length_sets_the_input_shape():
    model = tkeras.Sequential([tkeras.layers.Embedding(10, 4, input_length=6)])
    assert model.built
    assert model.output_shape == (None, 6, 4)
    assert model(torch.zeros(2, 6, dtype=torch.long)).shape == (2, 6, 4)


@pytest.mark.parametrize("built", [False, True])
def test_embedding_input_length_rejects_other_lengths(built):
    layer = tkeras.layers.Embedding(10, 4, input_length=6, name="fixed")
    if built:
        layer(torch.zeros(2, 6, dtype=torch.long))
    message = (
        r'Input 0 of layer "fixed" is incompatible with the layer: expected axis 1 of '
        r"input shape to have value 6, but received input with shape \(2, 5\)"
    )
    with pytest.raises(ValueError, match=message):
        layer(torch.zeros(2, 5, dtype=torch.long))
    with pytest.raises(ValueError, match=r'layer "fixed" .* expected ndim=2, found ndim=3'):
        layer(torch.zeros(2, 6, 1, dtype=torch.long))


@pytest.mark.parametrize("weights", [_EMBEDDINGS, [_EMBEDDINGS]], ids=["array", "list"])
def test_embedding_weights_argument_sets_the_table(weights):
    layer = tkeras.layers.Embedding(10, 4, weights=weights)
    assert layer.built
    np.testing.assert_array_equal(layer.get_weights()[0], _EMBEDDINGS)
    out = layer(torch.tensor([[3, 9]]))
    np.testing.assert_array_equal(out.detach().numpy()[0], _EMBEDDINGS[[3, 9]])


# ---------------------------------------------------------------------- errors


def test_wrong_rank_is_rejected_before_and_after_build():
    message = (
        r'Input 0 of layer "d" is incompatible with the layer: expected min_ndim=2, '
        r"found ndim=1\. Full shape received: \(4,\)"
    )
    layer = tkeras.layers.Dense(3, name="d")
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(4))
    layer(torch.ones(2, 4))
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(4))
    with pytest.raises(ValueError, match=r'layer "f" .* expected min_ndim=1, found ndim=0'):
        tkeras.layers.Flatten(name="f")(torch.tensor(1.0))


@pytest.mark.parametrize("shape", [(2, 5), (2, 3, 5)])
def test_dense_rejects_a_different_last_dim_after_build(shape):
    layer = tkeras.layers.Dense(3, name="d4")
    layer(torch.ones(2, 4))
    message = (
        r'Input 0 of layer "d4" is incompatible with the layer: expected axis -1 of input '
        rf"shape to have value 4, but received input with shape {re.escape(str(shape))}"
    )
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(shape))


def test_dense_rejects_an_unknown_last_dim_at_build():
    with pytest.raises(
        ValueError,
        match=r'Layer "dn": the last axis of the input shape must be '
        r"known to build a Dense layer",
    ):
        tkeras.layers.Dense(2, name="dn").build_from_shape((None, None))


@pytest.mark.parametrize(
    "make",
    [
        lambda a: tkeras.layers.Dense(2, activation=a),
        tkeras.layers.Activation,
        tkeras.activations.get,
    ],
    ids=["Dense", "Activation", "get"],
)
def test_unknown_activation_lists_the_valid_names(make):
    with pytest.raises(
        ValueError,
        match=r"Unknown activation: 'relux'\. Expected one of: celu, "
        r"elu, exponential, gelu, ",
    ) as info:
        make("relux")
    listed = str(info.value).split("Expected one of: ")[1].rstrip(".").split(", ")
    assert listed == sorted(tkeras.activations.ALL_OBJECTS_DICT)


@pytest.mark.parametrize(
    "make, arg, value",
    [
        (lambda: tkeras.layers.Dense(0, name="bad"), "units", "0"),
        (lambda: tkeras.layers.Dense(-3, name="bad"), "units", "-3"),
        (lambda: tkeras.layers.Dense(2.0, name="bad"), "units", "2.0"),
        (lambda: tkeras.layers.Dense(True, name="bad"), "units", "True"),
        (lambda: tkeras.layers.Embedding(0, 4, name="bad"), "input_dim", "0"),
        (lambda: tkeras.layers.Embedding(-1, 4, name="bad"), "input_dim", "-1"),
        (lambda: tkeras.layers.Embedding(4, 0, name="bad"), "output_dim", "0"),
        (lambda: tkeras.layers.Embedding(4, 2, input_length=0, name="bad"), "input_length", "0"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_non_positive_sizes_are_rejected(make, arg, value):
    message = (
        rf"'bad': received an invalid value for argument `{arg}`, expected a positive "
        rf"integer, got {arg}={re.escape(value)}\."
    )
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, True, "0.5"], ids=str)
def test_dropout_rate_outside_0_1_is_rejected(rate):
    message = (
        r"Dropout 'drop': invalid value received for argument `rate`\. Expected a float "
        rf"value in \[0, 1\)\. Received: rate={re.escape(repr(rate))}"
    )
    with pytest.raises(ValueError, match=message):
        tkeras.layers.Dropout(rate, name="drop")


@pytest.mark.parametrize(
    "noise_shape, message",
    [
        ("ab", r"Expected a tuple or list of integers or None\. Received: noise_shape='ab'"),
        (5, r"Expected a tuple or list of integers or None\. Received: noise_shape=5"),
        (
            (None, 0),
            r"Expected all elements to be positive integers or None\. Received element "
            r"at index 1: 0",
        ),
        (
            (2.0, None),
            r"Expected all elements to be positive integers or None\. Received element "
            r"at index 0: 2\.0",
        ),
    ],
    ids=str,
)
def test_dropout_bad_noise_shape_is_rejected(noise_shape, message):
    with pytest.raises(
        ValueError,
        match=r"Dropout 'drop': invalid value received for argument "
        r"`noise_shape`\. " + message,
    ):
        tkeras.layers.Dropout(0.5, noise_shape=noise_shape, name="drop")


def test_dropout_noise_shape_of_another_rank_is_rejected_in_training():
    layer = tkeras.layers.Dropout(0.5, noise_shape=(None, 1), name="drop")
    x = torch.ones(2, 3, 4)
    assert torch.equal(layer(x), x)  # inference never looks at noise_shape
    with pytest.raises(
        ValueError,
        match=r"Dropout 'drop': noise_shape=\(None, 1\) must have the "
        r"input's rank 3 \(input shape \(2, 3, 4\)\)",
    ):
        layer(x, training=True)


@pytest.mark.parametrize(
    "target, shape, received",
    [
        ((3, 3), (2, 8), "input_shape=(8,), target_shape=(3, 3)"),
        ((-1, 3), (2, 8), "input_shape=(8,), target_shape=(-1, 3)"),
        ((5, -1), (2, 2, 4), "input_shape=(2, 4), target_shape=(5, -1)"),
    ],
    ids=str,
)
def test_reshape_size_mismatch_is_rejected(target, shape, received):
    message = (
        r"Reshape 'r': the total size of the tensor must be unchanged\. Received: "
        + re.escape(received)
    )
    with pytest.raises(ValueError, match=message):
        tkeras.layers.Reshape(target, name="r")(torch.ones(shape))
    with pytest.raises(ValueError, match=message):
        tkeras.layers.Reshape(target, name="r").compute_output_shape((None, *shape[1:]))


@pytest.mark.parametrize(
    "target, message",
    [
        (
            (-1, -1),
            r"there must be at most one unknown dimension \(-1\) in `target_shape`\. "
            r"Received: target_shape=\(-1, -1\)",
        ),
        (
            (2, -1, 3, -1),
            r"there must be at most one unknown dimension \(-1\) in `target_shape`\. "
            r"Received: target_shape=\(2, -1, 3, -1\)",
        ),
        (
            (-2, 4),
            r"each dimension in `target_shape` must be a non-negative integer, or -1 for a "
            r"single unknown dimension\. Received: target_shape=\(-2, 4\)",
        ),
        ("ab", r"`target_shape` must be a tuple of ints\. Received: target_shape='ab'"),
    ],
    ids=str,
)
def test_reshape_bad_target_shape_is_rejected(target, message):
    with pytest.raises(ValueError, match=r"Reshape 'r': " + message):
        tkeras.layers.Reshape(target, name="r")


def test_reshape_output_shape_with_unknown_dims_matches_keras():
    for target, shape in [((-1, 2), (None, 8)), ((-1, 2), (None, None)), ((4, 2), (3, 8))]:
        expected = keras.layers.Reshape(target).compute_output_shape(shape)
        assert tkeras.layers.Reshape(target).compute_output_shape(shape) == tuple(expected)


def test_flatten_rejects_an_unknown_data_format():
    with pytest.raises(
        ValueError,
        match=r"Flatten 'f': the `data_format` argument must be one of "
        r"'channels_last', 'channels_first'\. Received: "
        r"data_format='nhwc'",
    ):
        tkeras.layers.Flatten(data_format="nhwc", name="f")


def test_activation_rejects_a_non_callable():
    with pytest.raises(ValueError, match=r"Could not interpret activation function identifier: 3"):
        tkeras.layers.Activation(3)
