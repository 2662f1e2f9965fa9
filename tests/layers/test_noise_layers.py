"""Noise layers (SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout): identity
at inference (parity with Keras 3), training-mode statistics, seeds, and every error message."""

from __future__ import annotations

import doctest
import importlib
import math

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

# Keras's AlphaDropout constants (keras/src/layers/regularization/alpha_dropout.py).
_ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def _alpha_dropout_affine(rate: float) -> tuple[float, float]:
    a = ((1 - rate) * (1 + rate * _ALPHA_P**2)) ** -0.5
    return a, -a * _ALPHA_P * rate


def _spatial_dropout() -> list[Case]:
    cases = [
        Case("SpatialDropout1D", {"rate": 0.5}, (2, 5, 3), id="SpatialDropout1D"),
        Case("SpatialDropout1D", {"rate": 0.2, "seed": 3}, (2, 5, 3), id="SpatialDropout1D-seed"),
        Case(
            "SpatialDropout1D",
            {"rate": 0.0},
            (2, 5, 3),
            training=True,
            id="SpatialDropout1D-rate0-training",
        ),
    ]
    for rank, shape in ((2, (2, 4, 5, 3)), (3, (2, 3, 4, 2, 3))):
        name = f"SpatialDropout{rank}D"
        cases += [
            Case(name, {"rate": 0.5}, shape, id=name),
            Case(name, {"rate": 0.3, "seed": 1}, shape, id=f"{name}-seed"),
            Case(
                name,
                {"rate": 0.3, "data_format": "channels_first"},
                shape,
                id=f"{name}-channels-first",
            ),
            Case(
                name,
                {"rate": 0.3, "data_format": "channels_last"},
                shape,
                id=f"{name}-channels-last",
            ),
            Case(name, {"rate": 0.0}, shape, training=True, id=f"{name}-rate0-training"),
        ]
    return cases


def _noise() -> list[Case]:
    return [
        Case("GaussianNoise", {"stddev": 0.5}, (3, 4, 5), id="GaussianNoise"),
        Case("GaussianNoise", {"stddev": 1.0, "seed": 2}, (3, 5), id="GaussianNoise-seed"),
        Case(
            "GaussianNoise",
            {"stddev": 0.0},
            (3, 5),
            training=True,
            id="GaussianNoise-stddev0-training",
        ),
        Case("GaussianDropout", {"rate": 0.4}, (3, 4, 5), id="GaussianDropout"),
        Case("GaussianDropout", {"rate": 0.1, "seed": 2}, (3, 5), id="GaussianDropout-seed"),
        Case(
            "GaussianDropout",
            {"rate": 0.0},
            (3, 5),
            training=True,
            id="GaussianDropout-rate0-training",
        ),
        Case("AlphaDropout", {"rate": 0.3}, (3, 4, 5), id="AlphaDropout"),
        Case(
            "AlphaDropout",
            {"rate": 0.3, "noise_shape": (None, 1, 5), "seed": 4},
            (3, 4, 5),
            id="AlphaDropout-noise-shape-seed",
        ),
        Case(
            "AlphaDropout",
            {"rate": 0.0, "noise_shape": [3, 1, 5]},
            (3, 4, 5),
            training=True,
            id="AlphaDropout-rate0-training",
        ),
    ]


def _activity_regularization() -> list[Case]:
    # check_case compares the penalty added to `losses` too.
    return [
        Case("ActivityRegularization", {}, (3, 5), id="ActivityRegularization-no-penalty"),
        Case("ActivityRegularization", {"l1": 0.1}, (3, 4, 5), id="ActivityRegularization-l1"),
        Case("ActivityRegularization", {"l2": 0.3}, (3, 5), id="ActivityRegularization-l2"),
        Case(
            "ActivityRegularization",
            {"l1": 0.01, "l2": 0.02},
            (2, 3, 4, 5),
            training=True,
            id="ActivityRegularization-l1-l2-training",
        ),
    ]


CASES: list[Case] = _spatial_dropout() + _noise() + _activity_regularization()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    check_case(case)


NOISE_LAYERS = [
    ("SpatialDropout1D", {"rate": 0.5}, (4, 6, 8)),
    ("SpatialDropout2D", {"rate": 0.5}, (4, 3, 5, 8)),
    ("SpatialDropout3D", {"rate": 0.5}, (4, 2, 3, 2, 8)),
    ("GaussianNoise", {"stddev": 0.5}, (4, 6, 8)),
    ("GaussianDropout", {"rate": 0.5}, (4, 6, 8)),
    ("AlphaDropout", {"rate": 0.5}, (4, 6, 8)),
]
NOISE_IDS = [name for name, _, _ in NOISE_LAYERS]


# ---------------------------------------------------------------------- training flag


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
def test_inference_returns_the_input_itself(name, kwargs, shape) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.randn(shape)
    assert layer(x) is x
    assert layer(x, training=False) is x
    layer.train()
    assert layer(x, training=False) is x


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
def test_training_follows_the_flag_then_the_module_mode(name, kwargs, shape) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.randn(shape)
    assert not torch.equal(layer(x, training=True), x)
    layer.train()
    assert not torch.equal(layer(x), x)
    model = tkeras.Sequential([tkeras.Input(shape[1:]), layer])
    model.eval()
    assert torch.equal(model(x), x)
    assert not torch.equal(model(x, training=True), x)  # passed down to the sublayer


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
def test_seed_reproducible_and_independent_of_the_global_generator(name, kwargs, shape) -> None:
    cls = getattr(tkeras.layers, name)
    x = torch.randn(shape)
    first, second = cls(**kwargs, seed=7), cls(**kwargs, seed=7)
    torch.manual_seed(0)
    a1 = first(x, training=True)
    torch.manual_seed(1)
    b1 = second(x, training=True)
    torch.testing.assert_close(a1, b1, rtol=0, atol=0)
    a2 = first(x, training=True)
    assert not torch.equal(a1, a2)  # the generator advances
    torch.testing.assert_close(second(x, training=True), a2, rtol=0, atol=0)
    assert not torch.equal(cls(**kwargs, seed=8)(x, training=True), a1)


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
def test_unseeded_layers_follow_torch_manual_seed(name, kwargs, shape) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.randn(shape)
    torch.manual_seed(11)
    a = layer(x, training=True)
    torch.manual_seed(11)
    torch.testing.assert_close(layer(x, training=True), a, rtol=0, atol=0)


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
def test_integer_inputs_become_floats_in_training(name, kwargs, shape) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.ones(shape, dtype=torch.int64)
    assert layer(x).dtype == torch.int64
    assert layer(x, training=True).dtype == torch.float32


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
def test_config_round_trip(name, kwargs, shape) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs, seed=5)
    config = layer.get_config()
    assert config["seed"] == 5 and all(config[k] == v for k, v in kwargs.items())
    clone = type(layer).from_config(config)
    x = torch.randn(shape)
    torch.testing.assert_close(clone(x, training=True), layer(x, training=True))
    assert layer.weights == [] and layer.count_params() == 0
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *shape[1:])
    assert layer.supports_masking


# ---------------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    "name, kwargs, shape, spatial, channel",
    [
        ("SpatialDropout1D", {}, (64, 5, 32), (1,), 2),
        ("SpatialDropout2D", {}, (64, 3, 4, 32), (1, 2), 3),
        ("SpatialDropout2D", {"data_format": "channels_first"}, (64, 32, 3, 4), (2, 3), 1),
        ("SpatialDropout3D", {}, (64, 2, 3, 2, 32), (1, 2, 3), 4),
        ("SpatialDropout3D", {"data_format": "channels_first"}, (64, 32, 2, 3, 2), (2, 3, 4), 1),
    ],
)
def test_spatial_dropout_drops_whole_channels(name, kwargs, shape, spatial, channel) -> None:
    rate = 0.3
    layer = getattr(tkeras.layers, name)(rate=rate, seed=0, **kwargs)
    x = torch.rand(shape) + 1.0  # never 0, so a zero output means dropped
    y = layer(x, training=True)
    ratio = y / x
    kept = ratio.amax(dim=spatial)  # one value per (sample, channel)
    dropped = ratio.amin(dim=spatial) == 0
    # every position of a channel shares its fate: all zero, or all scaled by 1 / (1 - rate)
    assert torch.equal(dropped, kept == 0)
    scale = torch.full_like(ratio, 1 / (1 - rate))
    torch.testing.assert_close(ratio[ratio != 0], scale[ratio != 0])
    assert kept.shape == (shape[0], shape[channel])
    assert abs(dropped.float().mean().item() - rate) < 0.05  # 2048 channel draws


def test_spatial_dropout_gradient_is_the_mask() -> None:
    layer = tkeras.layers.SpatialDropout1D(0.5, seed=3)
    x = torch.randn(8, 5, 16, requires_grad=True)
    y = layer(x, training=True)
    y.sum().backward()
    torch.testing.assert_close(x.grad, (y / x).detach())


def test_gaussian_noise_mean_and_std() -> None:
    layer = tkeras.layers.GaussianNoise(0.3, seed=0)
    x = torch.full((200_000,), 2.0)
    noise = layer(x, training=True) - x
    assert abs(noise.mean().item()) < 0.005
    assert abs(noise.std().item() - 0.3) < 0.005


def test_gaussian_noise_keeps_channels_last_memory() -> None:
    x = torch.randn(2, 3, 4, 5).to(memory_format=torch.channels_last)
    y = tkeras.layers.GaussianNoise(0.1)(x, training=True)
    assert y.is_contiguous(memory_format=torch.channels_last)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_gaussian_dropout_multiplier_has_mean_1_and_std_sqrt_rate_over_keep(rate) -> None:
    layer = tkeras.layers.GaussianDropout(rate, seed=0)
    x = torch.full((200_000,), 3.0)
    multiplier = layer(x, training=True) / x
    expected_std = math.sqrt(rate / (1 - rate))
    assert abs(multiplier.mean().item() - 1.0) < 0.01 * max(1.0, expected_std)
    assert abs(multiplier.std().item() - expected_std) < 0.01 * max(1.0, expected_std)


@pytest.mark.parametrize("rate", [0.1, 0.3, 0.6])
def test_alpha_dropout_keeps_mean_and_variance_of_a_standard_normal_input(rate) -> None:
    layer = tkeras.layers.AlphaDropout(rate, seed=0)
    x = torch.randn(400_000, generator=torch.Generator().manual_seed(1))
    y = layer(x, training=True)
    assert abs(y.mean().item()) < 0.01
    assert abs(y.var().item() - 1.0) < 0.02
    a, b = _alpha_dropout_affine(rate)
    dropped = torch.isclose(y, torch.tensor(a * _ALPHA_P + b), rtol=0, atol=1e-6)
    assert abs(dropped.float().mean().item() - rate) < 0.005
    torch.testing.assert_close(y[~dropped], a * x[~dropped] + b)


def test_alpha_dropout_uses_kerass_constants() -> None:
    """Keras's output in training: kept units are a * x + b, dropped ones a * alpha' + b;
    tkeras's units take exactly those two forms with the same a, b and alpha'."""
    rate = 0.4
    x = np.random.default_rng(0).standard_normal((50, 40)).astype("float32")
    theirs = keras.ops.convert_to_numpy(keras.layers.AlphaDropout(rate, seed=1)(x, training=True))
    ours = tkeras.layers.AlphaDropout(rate, seed=1)(torch.tensor(x), training=True).numpy()
    for y in (theirs, ours):
        values, counts = np.unique(y, return_counts=True)
        dropped_value = values[counts.argmax()]  # every dropped unit has the same value
        dropped = y == dropped_value
        assert 0.3 < dropped.mean() < 0.5
        # the affine map of the kept units, fitted from the output
        a_fit, b_fit = np.polyfit(x[~dropped], y[~dropped], 1)
        a, b = _alpha_dropout_affine(rate)
        np.testing.assert_allclose([a_fit, b_fit], [a, b], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(dropped_value, a * _ALPHA_P + b, rtol=1e-5)


def test_alpha_dropout_noise_shape_shares_the_mask() -> None:
    layer = tkeras.layers.AlphaDropout(0.5, noise_shape=(None, 1, 16), seed=0)
    x = torch.rand(8, 6, 16) + 5.0  # kept units are then far from the dropped value
    y = layer(x, training=True)
    a, b = _alpha_dropout_affine(0.5)
    dropped = torch.isclose(y, torch.tensor(a * _ALPHA_P + b), atol=1e-6)
    assert torch.equal(dropped, dropped[:, :1].expand_as(dropped))
    assert 0 < dropped.float().mean() < 1


def test_alpha_dropout_noise_shape_with_explicit_ones() -> None:
    layer = tkeras.layers.AlphaDropout(0.5, noise_shape=[1, 6, 1], seed=0)
    y = layer(torch.rand(4, 6, 3) + 5.0, training=True)
    dropped = y < 0
    assert torch.equal(dropped, dropped[:1, :, :1].expand_as(dropped))


# ---------------------------------------------------------------------- docs


@pytest.mark.parametrize(
    "module",
    [
        "spatial_dropout1d",
        "spatial_dropout2d",
        "spatial_dropout3d",
        "gaussian_noise",
        "gaussian_dropout",
        "alpha_dropout",
        "activity_regularization",
    ],
)
def test_docstring_examples_run(module) -> None:
    mod = importlib.import_module(f"tkeras.layers.regularization.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------------- errors

RATE_LAYERS = [
    ("SpatialDropout1D", "spatial_dropout1d"),
    ("SpatialDropout2D", "spatial_dropout2d"),
    ("SpatialDropout3D", "spatial_dropout3d"),
    ("GaussianDropout", "gaussian_dropout"),
    ("AlphaDropout", "alpha_dropout"),
]


@pytest.mark.parametrize("name, snake", RATE_LAYERS, ids=[n for n, _ in RATE_LAYERS])
@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, float("nan"), "0.5", True, None])
def test_rate_must_be_in_0_1(name, snake, rate) -> None:
    with pytest.raises(
        ValueError,
        match=rf"{name} '{snake}\w*': invalid value received for argument `rate`\. Expected a "
        rf"float value in \[0, 1\)\. Received: rate=",
    ):
        getattr(tkeras.layers, name)(rate=rate)


@pytest.mark.parametrize("stddev", [-0.1, 1.5, float("nan"), "0.1", True, None])
def test_gaussian_noise_stddev_must_be_in_0_1(stddev) -> None:
    with pytest.raises(
        ValueError,
        match=r"GaussianNoise 'gaussian_noise\w*': invalid value received for argument "
        r"`stddev`\. Expected a float value in \[0, 1\]\. Received: stddev=",
    ):
        tkeras.layers.GaussianNoise(stddev=stddev)


@pytest.mark.parametrize("name, kwargs, shape", NOISE_LAYERS, ids=NOISE_IDS)
@pytest.mark.parametrize("seed", ["1", 1.5, True])
def test_seed_must_be_an_int(name, kwargs, shape, seed) -> None:
    with pytest.raises(
        ValueError,
        match=rf"{name} '\w+': invalid value received for argument `seed`\. Expected an int "
        r"or None\. Received: seed=",
    ):
        getattr(tkeras.layers, name)(**kwargs, seed=seed)


@pytest.mark.parametrize("name", ["SpatialDropout2D", "SpatialDropout3D"])
def test_spatial_dropout_rejects_an_unknown_data_format(name) -> None:
    with pytest.raises(
        ValueError,
        match=rf"{name} '\w+': the `data_format` argument must be one of 'channels_last', "
        r"'channels_first'\. Received: data_format='NHWC'",
    ):
        getattr(tkeras.layers, name)(0.5, data_format="NHWC")


@pytest.mark.parametrize(
    "name, rank, shape, layout",
    [
        ("SpatialDropout1D", 3, (2, 5), r"\(batch, steps, channels\)"),
        ("SpatialDropout2D", 4, (2, 5, 3), r"\(batch, height, width, channels\)"),
        ("SpatialDropout3D", 5, (2, 5, 3, 3), r"\(batch, depth, height, width, channels\)"),
    ],
)
def test_spatial_dropout_checks_the_input_rank(name, rank, shape, layout) -> None:
    layer = getattr(tkeras.layers, name)(0.5)
    with pytest.raises(
        ValueError,
        match=rf'Input 0 of layer "\w+" is incompatible with the layer: expected ndim={rank}, '
        rf"found ndim={len(shape)}\. .*{name} expects a {rank}D input {layout}",
    ):
        layer(torch.zeros(shape))


@pytest.mark.parametrize("noise_shape", ["abc", 3, (0, 1), (2.5,), (None, True)])
def test_alpha_dropout_rejects_bad_noise_shape(noise_shape) -> None:
    with pytest.raises(
        ValueError,
        match=r"AlphaDropout 'alpha_dropout\w*': invalid value received for argument "
        r"`noise_shape`\. Expected a tuple or list of positive integers or None\. Received: "
        r"noise_shape=",
    ):
        tkeras.layers.AlphaDropout(0.5, noise_shape=noise_shape)


@pytest.mark.parametrize("noise_shape", [(None, 1), (None, 2, 5)], ids=["rank", "size"])
def test_alpha_dropout_noise_shape_must_fit_the_input(noise_shape) -> None:
    layer = tkeras.layers.AlphaDropout(0.5, noise_shape=noise_shape)
    x = torch.zeros(3, 4, 5)
    assert layer(x) is x  # not drawn at inference
    with pytest.raises(
        ValueError,
        match=r"AlphaDropout 'alpha_dropout\w*': noise_shape=.* must have the input's rank, "
        r"each entry None, 1 or the input's size on that axis\. Received an input of shape "
        r"\(3, 4, 5\)",
    ):
        layer(x, training=True)


@pytest.mark.parametrize("name", ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"])
def test_spatial_dropout_takes_no_other_base_arguments(name) -> None:
    # Keras's SpatialDropout layers take only (rate, [data_format,] seed, name, dtype).
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'trainable'"):
        getattr(tkeras.layers, name)(0.5, trainable=False)
