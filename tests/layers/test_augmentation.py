"""The Keras 3 augmentation layers (colour, mixing, warping and compound layers): parity with
Keras where its randomness can be pinned (zero-width factor ranges, probability 1), the same
transform as Keras for the same random parameters (Keras's ``transform_images`` fed the
parameters tkeras drew), the distributions of the draws, seeds, configs and every error."""

from __future__ import annotations

import contextlib
import doctest
import importlib

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.layers.test_preprocessing import keras_inference
from tests.parity import Case, check_case

VR = (-3, 3)  # the parity inputs are standard normal


def _deterministic() -> list[Case]:
    """Training with nothing left to chance (or deterministic layers): Keras's numbers."""
    cf = {"data_format": "channels_first"}
    return [
        Case("AutoContrast", {"value_range": VR}, (2, 5, 6, 3), id="AutoContrast"),
        Case("AutoContrast", {"value_range": (3, -3), **cf}, (2, 3, 5, 6), id="AutoContrast-cf"),
        Case("AutoContrast", {}, (5, 6, 3), grad=False, id="AutoContrast-single-constant"),
        Case("Equalization", {"value_range": VR}, (2, 5, 6, 3), training=True, grad=False),
        Case(
            "Equalization",
            {"value_range": VR, "bins": 7, **cf},
            (2, 3, 5, 6),
            training=True,
            grad=False,
            id="Equalization-7-bins-cf",
        ),
        Case("Solarization", {"value_range": VR}, (2, 5, 6, 3), training=True, id="Solarization"),
        Case(
            "RandomInvert",
            {"factor": (1, 1), "value_range": VR, **cf},
            (2, 3, 5, 6),
            training=True,
            id="RandomInvert-always",
        ),
        Case("RandomGrayscale", {"factor": 1.0}, (2, 5, 6, 3), training=True, id="Grayscale"),
        Case(
            "RandomGrayscale",
            {"factor": 1.0, "data_format": "channels_first"},
            (3, 5, 6),
            training=True,
            id="Grayscale-single-cf",
        ),
        Case(
            "RandomPosterization",
            {"factor": (3, 3), "value_range": VR, **cf},
            (2, 3, 5, 6),
            training=True,
            grad=False,
            id="Posterization-3-bits",
        ),
        Case(
            "RandomColorDegeneration",
            {"factor": (0.6, 0.6), "value_range": VR, **cf},
            (2, 3, 5, 6),
            training=True,
            id="ColorDegeneration-0.6",
        ),
        Case(
            "RandomSaturation",
            {"factor": (0.7, 0.7), "value_range": (0, 1)},
            (2, 5, 6, 3),
            training=True,
            id="Saturation-0.7",
        ),
        Case(
            "RandomHue",
            {"factor": (0, 0), "value_range": VR, **cf},
            (2, 3, 5, 6),
            training=True,
            id="Hue-0",
        ),
        Case(
            "RandomSharpness",
            {"factor": (0.9, 0.9), "value_range": VR, **cf},
            (2, 3, 5, 6),
            training=True,
            id="Sharpness-0.9",
        ),
        Case(
            "RandomGaussianBlur",
            {"factor": (1, 1), "kernel_size": 5, "sigma": (0.7, 0.7), "value_range": VR, **cf},
            (2, 3, 6, 6),
            training=True,
            id="GaussianBlur",
        ),
    ]


def _inference() -> list[Case]:
    """Every random layer at inference: the identity, whatever its arguments."""
    return [
        Case("Equalization", {"bins": 8}, (2, 5, 6, 3), id="Equalization-inference"),
        Case(
            "Solarization",
            {"addition_factor": 0.3, "threshold_factor": (0.2, 0.6), "seed": 2},
            (2, 5, 6, 3),
            id="Solarization-inference",
        ),
        Case("RandomInvert", {"factor": 0.5, "seed": 1}, (2, 5, 6, 3), id="Invert-inference"),
        Case("RandomGrayscale", {"factor": 0.2, "seed": 1}, (2, 5, 6, 3), id="Gray-inference"),
        Case("RandomPosterization", {"factor": 4, "seed": 3}, (2, 5, 6, 3), id="Post-inference"),
        Case(
            "RandomColorDegeneration", {"factor": 0.5, "seed": 3}, (2, 5, 6, 3), id="CD-inference"
        ),
        Case(
            "RandomSaturation",
            {"factor": 0.5, "seed": 3, "data_format": "channels_first"},
            (2, 3, 5, 6),
            id="Sat-inference",
        ),
        Case("RandomHue", {"factor": 0.5, "seed": 3}, (2, 5, 6, 3), id="Hue-inference"),
        Case("RandomSharpness", {"factor": 0.5, "seed": 3}, (2, 5, 6, 3), id="Sharp-inference"),
        Case(
            "RandomGaussianBlur",
            {"kernel_size": (3, 5), "sigma": 0.5, "seed": 3},
            (2, 5, 6, 3),
            id="Blur-inference",
        ),
    ]


CASES: list[Case] = _deterministic() + _inference()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    with keras_inference() if not case.training else contextlib.nullcontext():
        check_case(case)


# ---------------------------------------------------------------------- the same draws as Keras


def _images(shape: tuple, low: float = -3.0, high: float = 3.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape).astype("float32")


def _layout(shape: tuple, data_format: str) -> tuple:
    n, h, w, c = shape
    return shape if data_format == "channels_last" else (n, c, h, w)


def _forced(layer, x: np.ndarray, params) -> np.ndarray:
    """The layer's training output with its random parameters replaced by ``params``."""
    layer._draw = lambda images: params
    return layer(torch.tensor(x), training=True).numpy()


RANDOM = [
    ("Solarization", {"addition_factor": 0.2, "threshold_factor": (0.2, 0.6), "value_range": VR}),
    ("RandomInvert", {"factor": 0.7, "value_range": VR}),
    ("RandomGrayscale", {"factor": 0.5}),
    ("RandomPosterization", {"factor": 6, "value_range": VR}),
    ("RandomColorDegeneration", {"factor": 0.8, "value_range": VR}),
    ("RandomSaturation", {"factor": 0.8, "value_range": (0, 1)}),
    ("RandomHue", {"factor": 0.8, "value_range": VR}),
    ("RandomSharpness", {"factor": 0.8, "value_range": VR}),
    ("RandomGaussianBlur", {"factor": 0.7, "sigma": (0.3, 0.9), "value_range": VR}),
]
RANDOM_IDS = [name for name, _ in RANDOM]
# Every random layer, for the generic flag/seed/config tests.
SEEDED = RANDOM + [
    ("RandomShear", {"x_factor": 0.3}),
    ("RandomPerspective", {}),
    ("RandomElasticTransform", {}),
    ("MixUp", {}),
    ("CutMix", {}),
    ("RandomErasing", {}),
    ("RandomColorJitter", {"brightness_factor": 0.3, "hue_factor": 0.2}),
    ("RandAugment", {}),
    ("AugMix", {}),
]
SEEDED_IDS = [name for name, _ in SEEDED]
FLOAT_AT_INFERENCE = {"RandomShear", "RandomPerspective", "RandomElasticTransform"}  # as Keras
FORMATS = ("channels_last", "channels_first")


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_same_transform_as_keras_for_the_same_draws(name, kwargs, data_format) -> None:
    ours_layer = getattr(tkeras.layers, name)(**kwargs, data_format=data_format, seed=1)
    theirs_layer = getattr(keras.layers, name)(**kwargs, data_format=data_format)
    x = _images(_layout((6, 5, 7, 3), data_format))
    params = ours_layer._draw(ours_layer._to_nchw(torch.tensor(x)))
    ours = _forced(ours_layer, x, params)
    theirs = keras.ops.convert_to_numpy(
        theirs_layer.transform_images(torch.tensor(x), params, training=True)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    assert not np.allclose(ours, x)  # the draws changed something


def _draws(name: str, kwargs: dict, n: int = 4000) -> dict:
    layer = getattr(tkeras.layers, name)(**kwargs, seed=0)
    return layer._draw(torch.zeros(n, 3, 2, 2))


def test_apply_probabilities_follow_the_factor() -> None:
    # A probability drawn in [0, f], then a uniform threshold: P(apply) = f / 2.
    applied = _draws("RandomInvert", {"factor": 0.6})["apply_inversion"].float().mean()
    assert abs(float(applied) - 0.3) < 0.03
    applied = _draws("RandomInvert", {"factor": (0.8, 0.8)})["apply_inversion"].float().mean()
    assert abs(float(applied) - 0.8) < 0.03
    gray = _draws("RandomGrayscale", {"factor": 0.25}).float().mean()
    assert abs(float(gray) - 0.25) < 0.03
    blur = _draws("RandomGaussianBlur", {"factor": 1.0, "sigma": (0.2, 0.4)})
    assert abs(float(blur["should_apply_blur"].float().mean()) - 0.5) < 0.03
    assert blur["blur_factor"].shape == (2,) and ((blur["blur_factor"] - 0.3).abs() <= 0.1).all()


def test_factor_draws_fill_kerass_ranges() -> None:
    hue = _draws("RandomHue", {"factor": 0.4})["factor"]
    assert hue.abs().max() <= 0.2 and hue.min() < -0.19 and hue.max() > 0.19  # +-f/2
    assert abs(float((hue < 0).float().mean()) - 0.5) < 0.03
    bits = 8 - _draws("RandomPosterization", {"factor": 5})["shift_factor"].long()
    assert set(bits.tolist()) == {1, 2, 3, 4}  # randint in [1, 5)
    degen = _draws("RandomColorDegeneration", {"factor": 0.5})["factor"]
    assert degen.shape == (4000, 1, 1, 1) and -0.5 <= degen.min() < -0.49 and degen.max() > 0.49
    sat = _draws("RandomSaturation", {"factor": (0.5, 0.5)})["factor"]
    torch.testing.assert_close(sat, torch.ones_like(sat), rtol=1e-6, atol=1e-6)
    sharp = _draws("RandomSharpness", {"factor": 0.3})["factor"]
    assert 0 <= sharp.min() < 0.01 and 0.29 < sharp.max() <= 0.3
    solar = _draws("Solarization", {"addition_factor": 0.1, "threshold_factor": (0.2, 0.4)})
    assert 0 <= solar["additions"].min() < 0.1 and 25 < solar["additions"].max() <= 25.5
    assert 0.2 <= solar["thresholds"].min() < 1 and 100 < solar["thresholds"].max() <= 102


# ---------------------------------------------------------------------- flag, seeds, shapes


@pytest.mark.parametrize("name, kwargs", SEEDED, ids=SEEDED_IDS)
def test_inference_is_the_identity_and_training_follows_the_mode(name, kwargs) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs, seed=3)
    x = torch.tensor(_images((8, 5, 6, 3), 0, 1))
    assert layer(x) is x and layer(x, training=False) is x
    assert not torch.equal(layer(x, training=True), x)
    layer.train()
    assert not torch.equal(layer(x), x)
    ints = torch.arange(2 * 5 * 6 * 3).reshape(2, 5, 6, 3)
    if name in FLOAT_AT_INFERENCE:
        assert layer.eval()(ints).dtype == torch.float32
    else:
        assert layer.eval()(ints) is ints


@pytest.mark.parametrize("name, kwargs", SEEDED, ids=SEEDED_IDS)
def test_seed_reproducible_single_image_and_config(name, kwargs) -> None:
    cls = getattr(tkeras.layers, name)
    x = torch.tensor(_images((8, 5, 6, 3), 0, 1))
    torch.manual_seed(0)
    a = cls(**kwargs, seed=7)(x, training=True)
    torch.manual_seed(1)
    b = cls(**kwargs, seed=7)(x, training=True)
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    single = cls(**kwargs, seed=5)(x[0], training=True)
    torch.testing.assert_close(single, cls(**kwargs, seed=5)(x[:1], training=True)[0])
    layer = cls(**kwargs, seed=5)
    config = layer.get_config()
    if name == "RandomGrayscale":  # Keras's config leaves its seed out
        assert "seed" not in config
        config["seed"] = 5
    clone = cls.from_config(config)
    torch.testing.assert_close(clone(x, training=True), layer(x, training=True))
    assert layer.weights == [] and layer.compute_output_shape((None, 5, 6, 3)) == (None, 5, 6, 3)
    model = tkeras.Sequential([tkeras.Input((5, 6, 3)), cls(**kwargs)])
    assert model.output_shape == (None, 5, 6, 3)


# ---------------------------------------------------------------------- docs and errors

MODULES = [
    "auto_contrast",
    "equalization",
    "solarization",
    "random_invert",
    "random_grayscale",
    "random_posterization",
    "random_color_degeneration",
    "random_saturation",
    "random_hue",
    "random_sharpness",
    "random_gaussian_blur",
    "random_shear",
    "random_perspective",
    "random_elastic_transform",
    "mix_up",
    "cut_mix",
    "random_erasing",
    "random_color_jitter",
    "rand_augment",
    "aug_mix",
    "max_num_bounding_boxes",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module) -> None:
    mod = importlib.import_module(f"tkeras.layers.preprocessing.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_docstring_examples_give_kerass_numbers() -> None:
    pixel = np.array([[[[100.0, 0.0, 0.0]]]], "float32")
    gray = keras.layers.RandomGrayscale(factor=1.0)(pixel, training=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gray)[0, 0, 0], [29.89] * 3, 1e-5)
    x = np.array([[[[0.0], [0.0], [100.0], [200.0]]]], "float32")
    equalized = keras.layers.Equalization()(x, training=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(equalized)[0, 0, :, 0], [0, 0, 128, 255])
    red = np.array([[[[1.0, 0.0, 0.0]]]], "float32")
    hue = keras.layers.RandomHue(factor=(1, 1), value_range=(0, 1))(red, training=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(hue)[0, 0, 0], [0, 1, 1], atol=1e-6)


ERRORS = [
    ("AutoContrast", {"value_range": 255}, r"`value_range` argument should be a list of two"),
    ("Equalization", {"value_range": (0, 1, 2)}, r"value_range=\(0, 1, 2\)"),
    ("Solarization", {"addition_factor": 1.5}, r"in the range \[0, 1\]. .*addition_factor=1.5"),
    ("Solarization", {"threshold_factor": (0.1, 0.2, 0.3)}, r"threshold_factor=\(0.1, 0.2"),
    ("RandomInvert", {"factor": 2}, r"RandomInvert .*`factor`.*\[0, 1\]. Received: factor=2"),
    ("RandomGrayscale", {"factor": 1.5}, r"between 0 and 1. Received: factor=1.5"),
    ("RandomPosterization", {"factor": 9}, r"range \[1, 8\]. Received: factor=9"),
    ("RandomColorDegeneration", {"factor": "a"}, r"Received: factor='a'"),
    ("RandomSaturation", {"factor": 1.5}, r"\[-1, 1\]. Received: factor=1.5"),
    ("RandomHue", {"factor": -0.5}, r"\[0, 1\]. Received: factor=-0.5"),
    ("RandomSharpness", {"factor": 0.5, "value_range": "0-255"}, r"value_range='0-255'"),
    ("RandomGaussianBlur", {"kernel_size": 4}, r"odd number .*kernel_size=4"),
    ("RandomGaussianBlur", {"sigma": 2.0}, r"`sigma` argument .*Received: sigma=2.0"),
]


@pytest.mark.parametrize("name, kwargs, pattern", ERRORS, ids=[e[0] for e in ERRORS])
def test_invalid_arguments(name, kwargs, pattern) -> None:
    with pytest.raises(ValueError, match=pattern):
        getattr(tkeras.layers, name)(**kwargs)


def test_grayscale_needs_rgb_or_one_channel() -> None:
    layer = tkeras.layers.RandomGrayscale(factor=1.0)
    with pytest.raises(
        ValueError, match=r"3 \(RGB\) or 1 \(grayscale\) channels .*Received 2 channels"
    ):
        layer(torch.zeros(1, 4, 4, 2), training=True)
    ones = torch.ones(2, 4, 4, 1)
    torch.testing.assert_close(layer(ones, training=True), ones)


# ---------------------------------------------------------------------- warping layers

WARP_CASES = [
    Case(
        "RandomShear",
        {
            "x_factor": (0.3, 0.3),
            "y_factor": (0.2, 0.2),
            "fill_mode": "constant",
            "fill_value": 0.5,
        },
        (2, 5, 6, 3),
        id="Shear-constant-inference",  # the sign is random per image: forced draws below
    ),
    Case(
        "RandomShear",
        {"x_factor": 0.2, "interpolation": "nearest", "seed": 1, "data_format": "channels_first"},
        (2, 3, 5, 6),
        id="Shear-inference",
    ),
    Case("RandomShear", {"y_factor": (0.1, 0.4)}, (2, 5, 6, 3), id="Shear-y-inference"),
    Case(
        "RandomPerspective",
        {"factor": (1, 1), "scale": 0.0, "fill_value": 0.3, "interpolation": "nearest"},
        (2, 5, 6, 3),
        training=True,
        id="Perspective-scale-0",
    ),
    Case(
        "RandomPerspective",
        {"factor": 0.5, "scale": 0.4, "seed": 2, "data_format": "channels_first"},
        (2, 3, 5, 6),
        id="Perspective-inference",
    ),
    Case(
        "RandomElasticTransform",
        {"factor": 0.0, "scale": 0.5, "value_range": VR},
        (2, 5, 6, 3),
        training=True,
        id="Elastic-factor-0",
    ),
    Case(
        "RandomElasticTransform",
        {
            "factor": 0.5,
            "scale": (0.2, 0.4),
            "interpolation": "nearest",
            "fill_mode": "wrap",
            "fill_value": 1.0,
            "value_range": (0, 1),
            "seed": 3,
            "data_format": "channels_first",
        },
        (2, 3, 5, 6),
        id="Elastic-inference",
    ),
]
CASES += WARP_CASES


@pytest.mark.parametrize("case", WARP_CASES, ids=str)
def test_warp_parity(case: Case) -> None:
    with keras_inference() if not case.training else contextlib.nullcontext():
        check_case(case)


WARPS = [
    ("RandomShear", {"x_factor": 0.3, "y_factor": (0.1, 0.2), "fill_mode": "constant"}),
    ("RandomShear", {"x_factor": (0.5, 0.9), "interpolation": "nearest", "fill_mode": "wrap"}),
    ("RandomPerspective", {"factor": 0.8, "scale": 0.6, "fill_value": 0.5}),
    ("RandomPerspective", {"scale": 0.3, "interpolation": "nearest"}),
]


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("name, kwargs", WARPS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(WARPS)])
def test_warps_match_keras_for_the_same_draws(name, kwargs, data_format) -> None:
    ours_layer = getattr(tkeras.layers, name)(**kwargs, data_format=data_format, seed=1)
    theirs_layer = getattr(keras.layers, name)(**kwargs, data_format=data_format)
    x = _images(_layout((6, 5, 7, 3), data_format))
    params = ours_layer._draw(ours_layer._to_nchw(torch.tensor(x)))
    ours = _forced(ours_layer, x, params)
    theirs = keras.ops.convert_to_numpy(
        theirs_layer.transform_images(torch.tensor(x), dict(params), training=True)
    )
    # 'nearest' may round a coordinate within float error of .5 either way: compare the rest.
    close = np.isclose(ours, theirs, rtol=1e-4, atol=1e-4)
    assert close.mean() > (0.98 if kwargs.get("interpolation") == "nearest" else 0.9999)
    assert not np.allclose(ours, x)


@pytest.mark.parametrize("data_format", FORMATS)
def test_elastic_matches_keras_for_the_same_draws_and_global_seed(data_format) -> None:
    kwargs = {"factor": 0.8, "scale": (0.3, 0.6), "value_range": VR, "fill_mode": "mirror"}
    ours_layer = tkeras.layers.RandomElasticTransform(**kwargs, data_format=data_format)
    theirs_layer = keras.layers.RandomElasticTransform(**kwargs, data_format=data_format)
    x = _images(_layout((6, 12, 14, 3), data_format))
    params = ours_layer._draw(ours_layer._to_nchw(torch.tensor(x)))
    torch.manual_seed(5)
    ours = _forced(ours_layer, x, params)
    torch.manual_seed(5)
    theirs = theirs_layer.transform_images(torch.tensor(x), dict(params, seed=None), training=True)
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-4, atol=1e-4)
    assert not np.allclose(ours, x)


def test_warp_draws_follow_kerass_ranges() -> None:
    shear = _draws("RandomShear", {"x_factor": (0.2, 0.4), "y_factor": 0.1})["shear_factor"]
    assert shear.shape == (4000, 2) and ((shear[:, 0].abs() - 0.3).abs() <= 0.1).all()
    assert (
        shear[:, 1].abs().max() <= 0.1 and abs(float((shear[:, 0] < 0).float().mean()) - 0.5) < 0.03
    )
    view = _draws("RandomPerspective", {"factor": 1.0, "scale": 0.5})
    moves = (view["end_points"] - view["start_points"])[:, 3] / view["start_points"][:, 3]
    assert moves.abs().max() <= 0.25 and moves.abs().max() > 0.24
    assert abs(float(view["apply_perspective"].float().mean()) - 0.5) < 0.03
    elastic = _draws("RandomElasticTransform", {"scale": (0.2, 0.3)})
    assert elastic["distortion_factor"].shape == () and 0.2 <= elastic["distortion_factor"] <= 0.3
    assert _draws("RandomElasticTransform", {"scale": 0.0}) is None


WARP_ERRORS = [
    ("RandomShear", {"x_factor": 1.5}, r"range \[0, 1\]. Received: x_factor=1.5"),
    ("RandomShear", {"fill_mode": "edge"}, r"`fill_mode` argument must be one of"),
    ("RandomPerspective", {"scale": 2}, r"`scale` .*\[0, 1\]. Received: scale=2"),
    ("RandomPerspective", {"interpolation": "cubic"}, r"interpolation='cubic'"),
    ("RandomElasticTransform", {"fill_mode": "edge"}, r"fill_mode='edge'"),
    ("RandomElasticTransform", {"scale": 1.5}, r"`scale` .*Received: scale=1.5"),
]


@pytest.mark.parametrize("name, kwargs, pattern", WARP_ERRORS, ids=[e[0] for e in WARP_ERRORS])
def test_invalid_warp_arguments(name, kwargs, pattern) -> None:
    with pytest.raises(ValueError, match=pattern):
        getattr(tkeras.layers, name)(**kwargs)


# ---------------------------------------------------------------------- mixing layers

MIX_CASES = [
    Case("MixUp", {"alpha": 0.4, "seed": 1}, (4, 5, 6, 3), id="MixUp-inference"),
    Case("MixUp", {"data_format": "channels_first"}, (4, 3, 5, 6), id="MixUp-cf-inference"),
    Case("CutMix", {"factor": 0.5, "seed": 2}, (4, 5, 6, 3), id="CutMix-inference"),
    Case("CutMix", {"data_format": "channels_first"}, (3, 5, 6), training=True, id="CutMix-1"),
    Case(
        "RandomErasing",
        {"factor": (1, 1), "scale": (1, 1), "fill_value": 0.5, "value_range": VR},
        (2, 5, 6, 3),
        training=True,
        id="Erasing-everything",
    ),
    Case(
        "RandomErasing",
        {"factor": 0.5, "scale": 0.3, "seed": 4, "data_format": "channels_first"},
        (2, 3, 5, 6),
        id="Erasing-inference",
    ),
]
CASES += MIX_CASES


@pytest.mark.parametrize("case", MIX_CASES, ids=str)
def test_mix_parity(case: Case) -> None:
    with keras_inference() if not case.training else contextlib.nullcontext():
        check_case(case)


def _keras_layout(params: dict, data_format: str) -> dict:
    """tkeras's (N, C, H, W) masks and fills in Keras's layout."""
    out = dict(params)
    for key in ("batch_masks", "fill_value"):
        if key in out and data_format == "channels_last":
            out[key] = out[key].permute(0, 2, 3, 1)
    return out


MIXES = [
    ("MixUp", {"alpha": 0.5}),
    ("CutMix", {"factor": 0.8}),
    ("RandomErasing", {"factor": 0.9, "value_range": VR}),
    ("RandomErasing", {"scale": (0.2, 0.6), "fill_value": [0.5, -1.0, 2.0], "value_range": VR}),
]


@pytest.mark.parametrize("data_format", FORMATS)
@pytest.mark.parametrize("name, kwargs", MIXES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(MIXES)])
def test_mixing_matches_keras_for_the_same_draws(name, kwargs, data_format) -> None:
    ours_layer = getattr(tkeras.layers, name)(**kwargs, data_format=data_format, seed=2)
    theirs_layer = getattr(keras.layers, name)(**kwargs, data_format=data_format)
    x = _images(_layout((6, 5, 7, 3), data_format))
    params = ours_layer._draw(ours_layer._to_nchw(torch.tensor(x)))
    ours = _forced(ours_layer, x, params)
    theirs_params = _keras_layout(params, data_format)
    theirs = theirs_layer.transform_images(torch.tensor(x), theirs_params, training=True)
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-5)
    assert not np.allclose(ours, x)
    if name in ("MixUp", "CutMix"):
        labels = torch.eye(6)[[1, 0, 3, 2, 5, 4]]
        ours_layer._draw = lambda images: params
        mixed = ours_layer({"images": torch.tensor(x), "labels": labels}, training=True)
        np.testing.assert_allclose(mixed["images"].numpy(), ours)
        theirs_labels = theirs_layer.transform_labels(labels, theirs_params, training=True)
        np.testing.assert_allclose(
            mixed["labels"].numpy(), keras.ops.convert_to_numpy(theirs_labels), rtol=1e-6
        )


def test_mixing_draws_follow_kerass_distributions() -> None:
    mix = _draws("MixUp", {"alpha": 0.2})
    weight = mix["mix_weight"]
    assert sorted(mix["permutation_order"].tolist()) == list(range(4000))
    assert abs(float(weight.mean()) - 0.5) < 0.03 and float((weight < 0.1).float().mean()) > 0.3
    wide = _draws("MixUp", {"alpha": 50.0})["mix_weight"]
    assert float(wide.std()) < 0.06  # Beta(50, 50) concentrates at 1/2
    cut = tkeras.layers.CutMix(seed=0)._draw(torch.zeros(2000, 1, 8, 10))
    area = cut["batch_masks"].float().mean(dim=(1, 2, 3))
    assert (area <= 1).all() and area.max() > 0.5 and area.min() == 0
    assert ((1 - cut["mix_weight"]) >= area - 0.3).all()  # the box's real area, cell-rounded
    erase = tkeras.layers.RandomErasing(scale=(0.1, 0.1), seed=0)._draw(
        torch.zeros(2000, 1, 10, 10)
    )
    boxes = erase["batch_masks"].float().sum(dim=(1, 2, 3))
    assert set(boxes.tolist()) <= {9.0, 12.0, 16.0}  # a sqrt(0.1)*10 = 3.16 span covers 3 or 4
    assert abs(float(erase["apply_erasing"].float().mean()) - 0.5) < 0.04
    assert float(erase["fill_value"].abs().max()) <= 255 and float(erase["fill_value"].std()) > 100


@pytest.mark.parametrize("name", ["MixUp", "CutMix"])
def test_mixing_takes_images_and_labels(name) -> None:
    cls = getattr(tkeras.layers, name)
    x = torch.tensor(_images((6, 5, 7, 3), 0, 255))
    out = cls(seed=3)({"images": x, "labels": torch.eye(6)})
    assert out["images"] is x and torch.equal(out["labels"], torch.eye(6))
    mixed = cls(seed=3)({"images": x, "labels": torch.eye(6)}, training=True)
    torch.testing.assert_close(mixed["images"], cls(seed=3)(x, training=True))
    torch.testing.assert_close(mixed["labels"].sum(-1), torch.ones(6))
    with pytest.raises(NotImplementedError, match=r"keys 'images' and 'labels'.*bounding_boxes"):
        cls()({"images": x, "bounding_boxes": {}}, training=True)


def test_cut_mix_leaves_a_single_image_and_mix_errors() -> None:
    x = torch.rand(5, 6, 3)
    assert torch.equal(tkeras.layers.CutMix(seed=0)(x, training=True), x)
    with pytest.raises(ValueError, match=r"`alpha` must be a positive number. Received: alpha=0"):
        tkeras.layers.MixUp(alpha=0)
    with pytest.raises(ValueError, match=r"`factor` .*\[0, 1\]. Received: factor=2"):
        tkeras.layers.CutMix(factor=2)
    with pytest.raises(ValueError, match=r"`fill_value` .*three numbers.*fill_value=\[1, 2\]"):
        tkeras.layers.RandomErasing(fill_value=[1, 2])
    with pytest.raises(ValueError, match=r"`scale` .*Received: scale=1.5"):
        tkeras.layers.RandomErasing(scale=1.5)


# ---------------------------------------------------------------------- compound layers

JITTER = {
    "brightness_factor": (0.1, 0.1),
    "contrast_factor": (-0.3, 0.3),  # always 1.3
    "saturation_factor": (0.7, 0.7),
    "hue_factor": (0.0, 0.0),
}
COMPOUND_CASES = [
    Case(
        "RandomColorJitter",
        {**JITTER, "value_range": (-4, 4)},
        (2, 5, 6, 3),
        training=True,
        grad=False,  # Keras's RandomBrightness adds in place, which a leaf requiring grad refuses
        id="ColorJitter-pinned",
    ),
    Case(
        "RandomColorJitter",
        {"brightness_factor": 0.2, "hue_factor": 0.1, "seed": 1, "data_format": "channels_first"},
        (2, 3, 5, 6),
        id="ColorJitter-inference",
    ),
    Case(
        "RandAugment",
        {"num_ops": 0, "value_range": VR},
        (2, 5, 6, 3),
        training=True,
        id="RandAugment-no-ops",
    ),
    Case(
        "RandAugment",
        {
            "value_range": (0, 1),
            "num_ops": 3,
            "factor": 0.2,
            "interpolation": "nearest",
            "seed": 2,
            "data_format": "channels_first",
        },
        (2, 3, 5, 6),
        id="RandAugment-inference",
    ),
    Case(
        "AugMix",
        {"chain_depth": 0, "value_range": (-2, 2)},
        (2, 5, 6, 3),
        training=True,
        grad=False,
        id="AugMix-empty-chains-clip",
    ),
    Case(
        "AugMix",
        {
            "value_range": (0, 1),
            "num_chains": 2,
            "chain_depth": 2,
            "factor": 0.5,
            "alpha": 0.5,
            "all_ops": False,
            "interpolation": "nearest",
            "seed": 3,
            "data_format": "channels_first",
        },
        (2, 3, 5, 6),
        id="AugMix-inference",
    ),
]
CASES += COMPOUND_CASES


@pytest.mark.parametrize("case", COMPOUND_CASES, ids=str)
def test_compound_parity(case: Case) -> None:
    with keras_inference() if not case.training else contextlib.nullcontext():
        check_case(case, rtol=1e-5, atol=2e-5)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("RandAugment", {"factor": 0.4, "interpolation": "nearest", "value_range": (0, 1)}),
        ("AugMix", {"factor": (0.1, 0.6), "value_range": (-1, 1)}),
        ("AugMix", {"all_ops": False}),
        ("RandomColorJitter", {**JITTER, "value_range": (0, 1)}),
    ],
)
def test_inner_layers_are_built_as_kerass(name, kwargs) -> None:
    ours = getattr(tkeras.layers, name)(**kwargs, seed=4)
    theirs = getattr(keras.layers, name)(**kwargs, seed=4)
    names = [n for n in ours._op_names]
    expected = [
        n
        for n in getattr(theirs, "_AUGMENT_LAYERS", getattr(theirs, "_augment_layers", None))
        or [k for k in ("random_brightness", "random_contrast", "random_saturation", "random_hue")]
    ]
    assert names == expected
    for inner in names:
        a = getattr(ours, inner).get_config()
        b = getattr(theirs, inner).get_config()
        for key in set(a) - {"name", "seed", "dtype", "trainable"}:
            want = b[key]
            got = a[key]
            if isinstance(want, (tuple, list)):
                assert [float(v) for v in got] == [float(v) for v in want], (inner, key)
            else:
                assert got == want, (inner, key, got, want)


def test_rand_augment_applies_the_chosen_ops_in_turn() -> None:
    layer = tkeras.layers.RandAugment(num_ops=2, factor=0.3, seed=0)
    x = torch.tensor(_images((4, 6, 7, 3), 0, 255))
    nchw = layer._to_nchw(x)
    params = layer._draw(nchw)
    params["layer_idxes"] = torch.tensor([8, 2])  # solarization, then rotation
    out = torch.tensor(_forced(layer, x.numpy(), params))
    step = layer.solarization._transform(nchw, params["transforms"]["solarization"])
    step = layer.random_rotation._transform(step, params["transforms"]["random_rotation"])
    torch.testing.assert_close(out, layer._from_nchw(step, False))
    fresh = tkeras.layers.RandAugment(num_ops=2, factor=0.3, seed=0)
    counts = torch.bincount(
        torch.cat([fresh._draw(nchw)["layer_idxes"] for _ in range(300)]), minlength=11
    )
    assert (counts > 30).all()  # every op is drawn


def test_aug_mix_mixes_its_chains_with_dirichlet_and_beta_weights() -> None:
    layer = tkeras.layers.AugMix(num_chains=4, chain_depth=2, seed=0)
    x = torch.tensor(_images((3, 6, 7, 3), 0, 255))
    nchw = layer._to_nchw(x)
    params = layer._draw(nchw)
    weights = params["chain_mixing_weights"]
    assert weights.shape == (4,) and abs(float(weights.sum()) - 1) < 1e-6 and (weights > 0).all()
    assert 0 <= float(params["weight_sample"]) <= 1
    assert all(len(chain) <= 2 for chain in params["chain_transforms"])
    expected = torch.zeros_like(nchw)
    for w, chain in zip(weights, params["chain_transforms"]):
        img = nchw
        for step in chain:
            img = getattr(layer, step["layer_name"])._transform(img, step["transformation"])
        expected = expected + img * w
    w = params["weight_sample"]
    expected = torch.clamp(w * nchw + (1 - w) * expected, 0, 255)
    torch.testing.assert_close(
        torch.tensor(_forced(layer, x.numpy(), params)), layer._from_nchw(expected, False)
    )


# ---------------------------------------------------------------------- MaxNumBoundingBoxes

BOX_CASES = [
    Case("MaxNumBoundingBoxes", {"max_number": 3, "fill_value": -2}, (2, 5, 6, 3), id="MaxNum"),
]
CASES += BOX_CASES


@pytest.mark.parametrize("case", BOX_CASES, ids=str)
def test_max_num_parity_on_images(case: Case) -> None:
    with keras_inference():
        check_case(case)


@pytest.mark.parametrize("count", [1, 3, 5])
def test_max_num_bounding_boxes_pads_and_truncates_as_keras(count) -> None:
    boxes = {
        "boxes": torch.arange(2 * count * 4.0).reshape(2, count, 4),
        "labels": torch.arange(2.0 * count).reshape(2, count),
    }
    results = []
    for lib in (keras, tkeras):
        layer = lib.layers.MaxNumBoundingBoxes(3, fill_value=-2, bounding_box_format="xyxy")
        data = {
            "images": torch.zeros(2, 4, 4, 3),
            "bounding_boxes": dict(boxes),
            "labels": torch.ones(2),
        }
        results.append(layer(data))
    theirs, ours = results
    for key in ("boxes", "labels"):
        np.testing.assert_array_equal(
            ours["bounding_boxes"][key].numpy(),
            keras.ops.convert_to_numpy(theirs["bounding_boxes"][key]),
        )
    assert torch.equal(ours["labels"], torch.ones(2)) and sorted(ours) == sorted(theirs)


def test_max_num_bounding_boxes_errors() -> None:
    layer = tkeras.layers.MaxNumBoundingBoxes(2)
    data = {"images": torch.zeros(1, 4, 4, 3), "bounding_boxes": {"boxes": torch.ones(1, 1, 4)}}
    with pytest.raises(ValueError, match=r"'bounding_boxes' key, but no bounding box format"):
        layer(data)
    data["bounding_boxes"]["scores"] = torch.ones(1, 1)
    with pytest.raises(KeyError, match=r"unsupported keys in `bounding_boxes`: \['scores'\]"):
        tkeras.layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(data)
    assert "fill_value" not in layer.get_config()  # as in Keras's config
