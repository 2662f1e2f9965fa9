"""Preprocessing layers (Rescaling, Normalization with adapt, Resizing, CenterCrop, RandomFlip,
RandomRotation, RandomZoom, RandomTranslation, RandomCrop, RandomContrast, RandomBrightness):
parity with Keras 3, the augmentation transforms against Keras's with the same random
parameters (every fill mode), the distributions of the parameters, seeds, and every error."""

from __future__ import annotations

import contextlib
import doctest
import importlib
import math

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case
from tkeras.layers.preprocessing import affine

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
RANDOM_LAYERS = {
    "RandomFlip",
    "RandomRotation",
    "RandomZoom",
    "RandomTranslation",
    "RandomCrop",
    "RandomContrast",
    "RandomBrightness",
}


@contextlib.contextmanager
def keras_inference():
    """Run Keras layers as ``predict`` does. Keras's image augmentation layers default to
    ``training=True`` when called directly, so an inference parity case needs Keras's call
    context set to ``training=False`` (tkeras's direct call is already inference)."""
    from keras.src.backend.common import global_state
    from keras.src.layers.layer import CallContext

    context = CallContext(entry_layer=None)
    context.set_value("training", False)
    previous = global_state.get_global_attribute("current_call_ctx")
    global_state.set_global_attribute("current_call_ctx", context)
    try:
        yield
    finally:
        global_state.set_global_attribute("current_call_ctx", previous)


def _deterministic() -> list[Case]:
    return [
        Case("Rescaling", {"scale": 1 / 255}, (2, 4, 4, 3), id="Rescaling"),
        Case("Rescaling", {"scale": 2.0, "offset": -1.0}, (3, 5), id="Rescaling-offset"),
        Case(
            "Rescaling",
            {"scale": [1.0, 2.0, 3.0], "offset": [0.5, 0.0, -0.5]},
            (2, 4, 4, 3),
            id="Rescaling-per-channel",
        ),
        Case("Rescaling", {"scale": 0.5}, (2, 3), data=("int", 255), id="Rescaling-int"),
        Case("Normalization", {}, (3, 5), id="Normalization-unadapted"),
        Case(
            "Normalization",
            {"mean": [1.0, 2.0, 3.0], "variance": [4.0, 1.0, 0.25]},
            (2, 4, 3),
            id="Normalization-mean-variance",
        ),
        Case(
            "Normalization",
            {"axis": None, "mean": 2.0, "variance": 3.0},
            (2, 3),
            id="Normalization-axis-None",
        ),
        Case(
            "Normalization",
            {"axis": 1, "mean": [0.5, -1.0, 2.0], "variance": [2.0, 0.5, 1.0]},
            (2, 3, 4),
            id="Normalization-axis1",
        ),
        Case(
            "Normalization",
            {
                "axis": (1, 2),
                "mean": [1.0, 0.0, -1.0, 2.0],
                "variance": [4.0, 1.0, 0.5, 2.0],
                "invert": True,
            },
            (2, 3, 4),
            id="Normalization-axes-invert",
        ),
        Case(
            "Normalization",
            {"mean": 0.5, "variance": 1e-16},
            (2, 3),
            id="Normalization-epsilon-floor",
        ),
        Case("Resizing", {"height": 3, "width": 5}, (2, 6, 7, 2), id="Resizing"),
        Case(
            "Resizing",
            {"height": 9, "width": 4, "interpolation": "nearest"},
            (2, 6, 7, 2),
            id="Resizing-nearest",
        ),
        Case(
            "Resizing",
            {"height": 4, "width": 3, "interpolation": "bicubic", "antialias": True},
            (2, 9, 7, 3),
            id="Resizing-bicubic-antialias",
        ),
        Case(
            "Resizing",
            {"height": 3, "width": 4, "antialias": True, "data_format": "channels_first"},
            (2, 3, 8, 9),
            id="Resizing-antialias-channels-first",
        ),
        Case(
            "Resizing",
            {"height": 4, "width": 6, "crop_to_aspect_ratio": True},
            (2, 7, 8, 2),
            id="Resizing-crop-to-aspect",
        ),
        Case(
            "Resizing",
            {"height": 4, "width": 6, "pad_to_aspect_ratio": True, "fill_value": 0.5},
            (2, 8, 7, 2),
            id="Resizing-pad-width",
        ),
        Case(
            "Resizing",
            {"height": 5, "width": 3, "pad_to_aspect_ratio": True, "fill_value": -1.0},
            (2, 5, 8, 1),
            id="Resizing-pad-height",
        ),
        Case("Resizing", {"height": 4, "width": 3}, (6, 7, 2), id="Resizing-single-image"),
        Case("CenterCrop", {"height": 3, "width": 4}, (2, 6, 7, 2), id="CenterCrop"),
        Case("CenterCrop", {"height": 8, "width": 4}, (2, 6, 7, 2), id="CenterCrop-upsize"),
        Case(
            "CenterCrop",
            {"height": 2, "width": 3, "data_format": "channels_first"},
            (2, 3, 6, 7),
            id="CenterCrop-channels-first",
        ),
        Case("CenterCrop", {"height": 3, "width": 3}, (5, 6, 2), id="CenterCrop-single-image"),
    ]


def _random_inference() -> list[Case]:
    """Every random layer at inference: the identity (float32), whatever its arguments."""
    return [
        Case("RandomFlip", {}, (2, 4, 5, 3), id="RandomFlip-inference"),
        Case(
            "RandomFlip",
            {"mode": "horizontal", "seed": 1, "data_format": "channels_first"},
            (2, 3, 4, 5),
            id="RandomFlip-horizontal-inference",
        ),
        Case("RandomFlip", {"mode": "vertical"}, (4, 5, 3), id="RandomFlip-vertical-inference"),
        Case(
            "RandomRotation",
            {
                "factor": 0.2,
                "fill_mode": "constant",
                "interpolation": "nearest",
                "seed": 2,
                "fill_value": 1.0,
                "data_format": "channels_first",
            },
            (2, 3, 4, 5),
            id="RandomRotation-inference",
        ),
        Case(
            "RandomZoom",
            {"height_factor": 0.3, "width_factor": (-0.2, 0.4), "seed": 3},
            (2, 4, 5, 3),
            id="RandomZoom-inference",
        ),
        Case(
            "RandomTranslation",
            {"height_factor": 0.2, "width_factor": 0.3, "fill_mode": "wrap", "seed": 6},
            (2, 4, 5, 3),
            id="RandomTranslation-inference",
        ),
        Case(
            "RandomContrast",
            {"factor": 0.3, "value_range": (-1, 1), "seed": 1},
            (2, 4, 5, 3),
            id="RandomContrast-inference",
        ),
        Case(
            "RandomBrightness",
            {"factor": 0.2, "value_range": (0, 1), "seed": 4},
            (2, 4, 5, 3),
            id="RandomBrightness-inference",
        ),
    ]


def _random_training() -> list[Case]:
    """Training mode with ranges that leave nothing to chance: Keras's numbers exactly."""
    cases = []
    for mode in FILL_MODES:
        cases += [
            Case(
                "RandomRotation",
                {"factor": (0.1, 0.1), "fill_mode": mode},
                (2, 5, 7, 3),
                training=True,
                id=f"RandomRotation-36deg-{mode}",
            ),
            Case(
                "RandomZoom",
                {"height_factor": (-0.4, -0.4), "width_factor": (0.3, 0.3), "fill_mode": mode},
                (2, 5, 7, 3),
                training=True,
                id=f"RandomZoom-{mode}",
            ),
            Case(
                "RandomTranslation",
                {"height_factor": (0.3, 0.3), "width_factor": (-0.3, -0.3), "fill_mode": mode},
                (2, 5, 7, 3),
                training=True,
                id=f"RandomTranslation-{mode}",
            ),
        ]
    cases += [
        Case(
            "RandomRotation",
            {
                "factor": (0.25, 0.25),
                "fill_mode": "constant",
                "fill_value": 2.0,
                "interpolation": "nearest",
                "data_format": "channels_first",
            },
            (2, 3, 5, 7),
            training=True,
            id="RandomRotation-90deg-nearest-constant-channels-first",
        ),
        Case(
            "RandomZoom",
            {"height_factor": (-0.5, -0.5), "interpolation": "nearest", "fill_mode": "wrap"},
            (2, 6, 6, 2),
            training=True,
            id="RandomZoom-in-nearest-keep-aspect",
        ),
        Case(
            "RandomZoom",
            {
                "height_factor": (0.6, 0.6),
                "fill_mode": "constant",
                "fill_value": -1.0,
                "data_format": "channels_first",
            },
            (5, 6, 7),
            training=True,
            id="RandomZoom-out-constant-single-image",
        ),
        Case(
            "RandomTranslation",
            {
                "height_factor": (-0.4, -0.4),
                "width_factor": (0.2, 0.2),
                "interpolation": "nearest",
                "fill_mode": "constant",
                "fill_value": 0.5,
                "data_format": "channels_first",
            },
            (2, 3, 5, 5),
            training=True,
            id="RandomTranslation-nearest-constant-channels-first",
        ),
        Case(
            "RandomCrop",
            {"height": 6, "width": 4, "seed": 3, "data_format": "channels_first"},
            (2, 3, 6, 7),
            training=True,
            id="RandomCrop-full-height-centre",
        ),
        Case(
            "RandomCrop",
            {"height": 8, "width": 5},
            (2, 6, 7, 2),
            training=True,
            id="RandomCrop-upsize",
        ),
        Case(
            "RandomContrast",
            {"factor": (-0.3, 0.3), "value_range": (-1.5, 1.5)},
            (2, 4, 5, 3),
            training=True,
            id="RandomContrast-1.3",
        ),
        Case(
            "RandomContrast",
            {"factor": 0.0},
            (2, 4, 5, 3),
            training=True,
            id="RandomContrast-0-clips",
        ),
        # Keras adds the delta in place, which a leaf that requires grad refuses: no gradient.
        Case(
            "RandomBrightness",
            {"factor": (0.1, 0.1), "value_range": (2, -1)},
            (2, 4, 5, 3),
            training=True,
            grad=False,
            id="RandomBrightness-0.3",
        ),
    ]
    return cases


CASES: list[Case] = _deterministic() + _random_inference() + _random_training()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    with keras_inference() if not case.training else contextlib.nullcontext():
        check_case(case)


# ---------------------------------------------------------------------- helpers


def _images(shape: tuple, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _np(y) -> np.ndarray:
    return keras.ops.convert_to_numpy(y) if not isinstance(y, np.ndarray) else y


def _forced(layer, x: np.ndarray, params):
    """The layer's training output with its random parameters replaced by ``params``."""
    layer._draw = lambda images: params
    return layer(torch.tensor(x), training=True).numpy()


def _keras_transform(layer, x: np.ndarray, transformation: dict) -> np.ndarray:
    return _np(layer.transform_images(torch.tensor(x), transformation, training=True))


def _keras_rotation_matrix(layer, angle: np.ndarray, height: int, width: int):
    n = len(angle)
    zeros, ones = torch.zeros(n), torch.ones(n)
    return layer._compute_affine_matrix(
        center_x=0.5,
        center_y=0.5,
        angle=torch.tensor(angle),
        translate_x=zeros,
        translate_y=zeros,
        scale=ones,
        shear_x=zeros,
        shear_y=zeros,
        height=height,
        width=width,
    )


# Generic parameters per image; none puts a 'nearest' sample on a rounding tie.
ANGLES = np.array([-151.3, -37.7, 12.9, 90.0, 171.4], dtype="float32")
ZOOM_X = np.array([0.45, 0.83, 1.0, 1.35, 1.9], dtype="float32")
ZOOM_Y = np.array([1.7, 0.55, 1.25, 0.9, 1.0], dtype="float32")
SHIFT_X = np.array([-8.3, -2.6, 0.0, 1.7, 11.2], dtype="float32")
SHIFT_Y = np.array([3.1, -1.3, 6.7, -0.2, -9.6], dtype="float32")


def _assert_no_rounding_ties(matrix: torch.Tensor, height: int, width: int) -> None:
    """'nearest' rounds the sample coordinates; one within float error of .5 could round
    either way in Keras and in tkeras, so the test parameters keep clear of ties."""
    m = matrix.double()[:, :, None, None]
    xs = torch.arange(width, dtype=torch.float64)
    ys = torch.arange(height, dtype=torch.float64)[:, None]
    for coord in (m[:, 0] * xs + m[:, 1] * ys + m[:, 2], m[:, 3] * xs + m[:, 4] * ys + m[:, 5]):
        assert ((coord - coord.floor() - 0.5).abs() > 1e-3).all()


AFFINE_GRID = [
    (mode, interpolation, data_format)
    for mode in FILL_MODES
    for interpolation in ("bilinear", "nearest")
    for data_format in ("channels_last", "channels_first")
]
AFFINE_IDS = ["-".join(p) for p in AFFINE_GRID]


def _shape(data_format: str) -> tuple:
    return (5, 6, 8, 3) if data_format == "channels_last" else (5, 3, 6, 8)


def _affine_kwargs(mode: str, interpolation: str, data_format: str) -> dict:
    kwargs = {"fill_mode": mode, "interpolation": interpolation, "data_format": data_format}
    if mode == "constant":
        kwargs["fill_value"] = 0.7
    return kwargs


# ---------------------------------------------------------------------- transforms vs Keras


@pytest.mark.parametrize("mode, interpolation, data_format", AFFINE_GRID, ids=AFFINE_IDS)
def test_rotation_matches_keras_for_the_same_angles(mode, interpolation, data_format) -> None:
    kwargs = _affine_kwargs(mode, interpolation, data_format)
    x = _images(_shape(data_format))
    k_layer = keras.layers.RandomRotation(0.5, **kwargs)
    t_layer = tkeras.layers.RandomRotation(0.5, **kwargs)
    matrix = _keras_rotation_matrix(k_layer, ANGLES, 6, 8)
    # Keras's affine_transform rewrites the matrix it is given in place: pass a copy.
    expected = _keras_transform(k_layer, x, {"rotation_matrix": matrix.clone()})
    _assert_no_rounding_ties(affine.rotation_matrix(torch.tensor(ANGLES), 6, 8), 6, 8)
    ours = _forced(t_layer, x, affine.rotation_matrix(torch.tensor(ANGLES), 6, 8))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        affine.rotation_matrix(torch.tensor(ANGLES), 6, 8).numpy(),
        _np(matrix)[:, :6],
        rtol=1e-6,
        atol=1e-6,
    )


@pytest.mark.parametrize("mode, interpolation, data_format", AFFINE_GRID, ids=AFFINE_IDS)
def test_zoom_matches_keras_for_the_same_zooms(mode, interpolation, data_format) -> None:
    kwargs = _affine_kwargs(mode, interpolation, data_format)
    x = _images(_shape(data_format), seed=1)
    k_layer = keras.layers.RandomZoom(0.5, 0.5, **kwargs)
    t_layer = tkeras.layers.RandomZoom(0.5, 0.5, **kwargs)
    transformation = {"width_zoom": ZOOM_X[:, None], "height_zoom": ZOOM_Y[:, None]}
    expected = _keras_transform(k_layer, x, {k: torch.tensor(v) for k, v in transformation.items()})
    matrix = affine.zoom_matrix(torch.tensor(ZOOM_X), torch.tensor(ZOOM_Y), 6, 8)
    _assert_no_rounding_ties(matrix, 6, 8)
    np.testing.assert_allclose(_forced(t_layer, x, matrix), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("mode, interpolation, data_format", AFFINE_GRID, ids=AFFINE_IDS)
def test_translation_matches_keras_for_the_same_shifts(mode, interpolation, data_format) -> None:
    kwargs = _affine_kwargs(mode, interpolation, data_format)
    x = _images(_shape(data_format), seed=2)
    k_layer = keras.layers.RandomTranslation(0.5, 0.5, **kwargs)
    t_layer = tkeras.layers.RandomTranslation(0.5, 0.5, **kwargs)
    shifts = torch.tensor(np.stack([SHIFT_X, SHIFT_Y], axis=1))
    expected = _keras_transform(k_layer, x, {"translations": shifts})
    matrix = affine.translation_matrix(torch.tensor(SHIFT_X), torch.tensor(SHIFT_Y))
    _assert_no_rounding_ties(matrix, 6, 8)
    np.testing.assert_allclose(_forced(t_layer, x, matrix), expected, rtol=1e-4, atol=1e-4)


def test_affine_fill_modes_on_a_ramp() -> None:
    """The four fill modes by hand on one row: a shift by 3 pixels to the right."""
    x = torch.tensor([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 4, 1)
    expected = {
        "reflect": [3.0, 2.0, 1.0, 1.0],  # d c b a | a b c d
        "wrap": [2.0, 3.0, 4.0, 1.0],
        "constant": [9.0, 9.0, 9.0, 1.0],
        "nearest": [1.0, 1.0, 1.0, 1.0],
    }
    for mode, values in expected.items():
        layer = tkeras.layers.RandomTranslation(
            (0.0, 0.0), (0.75, 0.75), fill_mode=mode, fill_value=9.0
        )
        y = layer(x, training=True)
        np.testing.assert_allclose(y.flatten().numpy(), values, atol=1e-6, err_msg=mode)


def test_flip_matches_keras_for_the_same_draws() -> None:
    x = _images((6, 4, 5, 2))
    flips = np.array([True, False, True, True, False, False])
    for mode in ("horizontal", "vertical", "horizontal_and_vertical"):
        for data_format in ("channels_last", "channels_first"):
            k_layer = keras.layers.RandomFlip(mode, data_format=data_format)
            t_layer = tkeras.layers.RandomFlip(mode, data_format=data_format)
            expected = _keras_transform(
                k_layer, x, {"flips": torch.tensor(flips).reshape(-1, 1, 1, 1)}
            )
            np.testing.assert_array_equal(_forced(t_layer, x, torch.tensor(flips)), expected)


def test_contrast_matches_keras_for_the_same_factors() -> None:
    x = _images((4, 5, 6, 3)) * 40 + 120
    factors = np.array([0.4, 1.0, 1.3, 1.9], dtype="float32")
    for data_format in ("channels_last", "channels_first"):
        k_layer = keras.layers.RandomContrast(0.9, data_format=data_format)
        t_layer = tkeras.layers.RandomContrast(0.9, data_format=data_format)
        expected = _keras_transform(
            k_layer, x, {"contrast_factor": torch.tensor(factors).reshape(-1, 1, 1, 1)}
        )
        ours = _forced(t_layer, x, torch.tensor(factors))
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-4)


def test_brightness_matches_keras_for_the_same_deltas() -> None:
    x = _images((4, 5, 6, 3)) * 40 + 120
    deltas = np.array([-60.0, -3.5, 0.0, 90.25], dtype="float32")
    for data_format in ("channels_last", "channels_first"):
        k_layer = keras.layers.RandomBrightness(0.5, data_format=data_format)
        t_layer = tkeras.layers.RandomBrightness(0.5, data_format=data_format)
        expected = _keras_transform(
            k_layer, x.copy(), {"rgb_delta": torch.tensor(deltas).reshape(-1, 1, 1, 1)}
        )
        ours = _forced(t_layer, x, torch.tensor(deltas))
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-5)


def test_crop_matches_keras_for_the_same_offsets() -> None:
    x = _images((3, 7, 9, 2))
    for data_format, shape in (("channels_last", (3, 7, 9, 2)), ("channels_first", (3, 2, 7, 9))):
        x = _images(shape)
        k_layer = keras.layers.RandomCrop(4, 5, data_format=data_format)
        t_layer = tkeras.layers.RandomCrop(4, 5, data_format=data_format)
        for offsets in [(0, 0), (3, 4), (1, 2)]:
            expected = _keras_transform(k_layer, x, offsets)
            np.testing.assert_array_equal(_forced(t_layer, x, offsets), expected)


# ---------------------------------------------------------------------- distributions


def _angles(layer, n: int) -> np.ndarray:
    matrix = layer._draw(torch.zeros(n, 1, 6, 8))
    return np.degrees(np.arctan2(matrix[:, 3].numpy(), matrix[:, 0].numpy()))


@pytest.mark.parametrize("factor, low, high", [(0.1, -36.0, 36.0), ((-0.05, 0.2), -18.0, 72.0)])
def test_rotation_angles_fill_the_factor_range(factor, low, high) -> None:
    angles = _angles(tkeras.layers.RandomRotation(factor, seed=0), 20_000)
    assert angles.min() >= low - 1e-3 and angles.max() <= high + 1e-3
    assert angles.min() < low + 0.1 and angles.max() > high - 0.1
    assert abs(angles.mean() - (low + high) / 2) < 1.0
    assert abs(angles.std() - (high - low) / math.sqrt(12)) < 0.5  # uniform


def test_rotation_transforms_each_image_differently() -> None:
    layer = tkeras.layers.RandomRotation(0.3, seed=1)
    x = torch.tensor(_images((1, 6, 8, 3))).expand(4, -1, -1, -1)
    y = layer(x, training=True)
    assert len({round(float(v), 4) for v in y.sum(dim=(1, 2, 3))}) == 4


def test_zoom_draws_and_aspect_ratio() -> None:
    keep = tkeras.layers.RandomZoom((-0.5, 0.2), seed=0)._draw(torch.zeros(5000, 1, 4, 4))
    assert torch.equal(keep[:, 0], keep[:, 4])  # one zoom for both axes
    assert keep[:, 0].min() >= 0.5 and keep[:, 0].max() <= 1.2
    assert keep[:, 0].min() < 0.51 and keep[:, 0].max() > 1.19
    both = tkeras.layers.RandomZoom(0.3, width_factor=(0.1, 0.2), seed=0)
    matrix = both._draw(torch.zeros(5000, 1, 4, 4))
    zoom_x, zoom_y = matrix[:, 0], matrix[:, 4]
    assert zoom_y.min() >= 0.7 and zoom_y.max() <= 1.3 and zoom_y.max() > 1.29
    assert zoom_x.min() >= 1.1 and zoom_x.max() <= 1.2
    assert abs(np.corrcoef(zoom_x.numpy(), zoom_y.numpy())[0, 1]) < 0.05  # independent


def test_translation_draws_scale_with_the_image_size() -> None:
    layer = tkeras.layers.RandomTranslation((-0.2, 0.1), 0.5, seed=0)
    matrix = layer._draw(torch.zeros(5000, 1, 10, 40))
    dx, dy = -matrix[:, 2], -matrix[:, 5]
    assert dy.min() >= -2.0 and dy.max() <= 1.0 and dy.min() < -1.99 and dy.max() > 0.99
    assert dx.min() >= -20.0 and dx.max() <= 20.0 and dx.min() < -19.9 and dx.max() > 19.9


@pytest.mark.parametrize(
    "mode, dims",
    [("horizontal", (2,)), ("vertical", (1,)), ("horizontal_and_vertical", (1, 2))],
)
def test_flip_flips_half_the_images(mode, dims) -> None:
    n = 4000
    x = torch.arange(n * 6, dtype=torch.float32).reshape(n, 2, 3, 1)
    y = tkeras.layers.RandomFlip(mode, seed=0)(x, training=True)
    flipped = (y == x.flip(dims)).flatten(1).all(1)
    kept = (y == x).flatten(1).all(1)
    assert bool((flipped ^ kept).all())  # each image is flipped on all of the mode's axes or none
    assert abs(flipped.float().mean().item() - 0.5) < 0.04


def test_crop_offsets_cover_every_position() -> None:
    layer = tkeras.layers.RandomCrop(2, 3, seed=0)
    x = torch.arange(5 * 6, dtype=torch.float32).reshape(1, 5, 6, 1).expand(2, -1, -1, -1)
    corners = []
    for _ in range(600):
        y = layer(x, training=True)
        assert torch.equal(y[0], y[1])  # one window for the batch, as Keras
        corners.append(int(y[0, 0, 0, 0]))
    positions = {(c // 6, c % 6) for c in corners}
    assert positions == {(top, left) for top in range(4) for left in range(4)}
    counts = np.bincount(corners)
    assert counts[counts > 0].min() > 15  # about 600 / 16 each


def test_contrast_factor_range_follows_kerass_rule() -> None:
    # A number f draws in [1, 1 + f] (Keras's lower bound is clipped to 0).
    layer = tkeras.layers.RandomContrast(0.5, value_range=(-1e6, 1e6), seed=0)
    factors = layer._draw(torch.zeros(10_000, 1, 2, 2))
    assert factors.min() >= 1.0 and factors.max() <= 1.5 and factors.min() < 1.01
    assert keras.layers.RandomContrast(0.5).factor == (0, 0.5)
    x = torch.tensor(_images((64, 4, 5, 3)))
    y = layer(x, training=True)
    ratio = (y - y.mean(dim=(1, 2), keepdim=True)) / (x - x.mean(dim=(1, 2), keepdim=True))
    per_image = ratio.flatten(1)
    torch.testing.assert_close(
        per_image, per_image[:, :1].expand_as(per_image), rtol=1e-3, atol=1e-3
    )
    assert per_image[:, 0].min() >= 1.0 - 1e-4 and per_image[:, 0].max() <= 1.5 + 1e-4


def test_brightness_delta_is_per_image_and_scaled_by_the_value_range() -> None:
    layer = tkeras.layers.RandomBrightness((-0.1, 0.3), value_range=(0, 1), seed=0)
    x = torch.full((5000, 2, 2, 3), 0.5)
    delta = (layer(x, training=True) - x).flatten(1)
    assert torch.equal(delta, delta[:, :1].expand_as(delta))
    assert delta.min() >= -0.1 - 1e-6 and delta.max() <= 0.3 + 1e-6
    assert delta.min() < -0.099 and delta.max() > 0.299
    wide = tkeras.layers.RandomBrightness((0.1, 0.1), value_range=(0, 255))
    assert torch.allclose(wide(torch.zeros(1, 1, 1, 1), training=True), torch.tensor(25.5))


# ---------------------------------------------------------------------- training flag, seeds

RANDOM = [
    ("RandomFlip", {}),
    ("RandomRotation", {"factor": 0.3}),
    ("RandomZoom", {"height_factor": 0.3}),
    ("RandomTranslation", {"height_factor": 0.3, "width_factor": 0.3}),
    ("RandomCrop", {"height": 3, "width": 4}),
    ("RandomContrast", {"factor": 0.5, "value_range": (-5, 5)}),
    ("RandomBrightness", {"factor": 0.5, "value_range": (-5, 5)}),
]
RANDOM_IDS = [name for name, _ in RANDOM]


def test_random_table_covers_every_random_layer() -> None:
    assert {name for name, _ in RANDOM} == RANDOM_LAYERS
    assert RANDOM_LAYERS <= set(tkeras.layers.__all__)


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_inference_is_the_identity(name, kwargs) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.randn(2, 6, 7, 3)
    if name == "RandomCrop":  # at inference: the centred window, resized
        assert layer(x).shape == (2, 3, 4, 3)
        return
    assert layer(x) is x
    assert layer(x, training=False) is x
    layer.train()
    assert layer(x, training=False) is x


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_training_follows_the_flag_then_the_module_mode(name, kwargs) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs, seed=3)
    x = torch.randn(8, 6, 7, 3)
    inference = layer(x)
    assert not torch.equal(layer(x, training=True), inference)
    layer.train()
    assert not torch.equal(layer(x), inference)
    model = tkeras.Sequential([tkeras.Input((6, 7, 3)), layer])
    model.eval()
    torch.testing.assert_close(model(x), inference, rtol=0, atol=0)
    assert not torch.equal(model(x, training=True), inference)  # passed down to the sublayer


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_seed_reproducible_and_independent_of_the_global_generator(name, kwargs) -> None:
    cls = getattr(tkeras.layers, name)
    x = torch.randn(8, 6, 7, 3)
    first, second = cls(**kwargs, seed=7), cls(**kwargs, seed=7)
    torch.manual_seed(0)
    a1 = first(x, training=True)
    torch.manual_seed(1)
    b1 = second(x, training=True)
    torch.testing.assert_close(a1, b1, rtol=0, atol=0)
    a2 = first(x, training=True)
    assert not torch.equal(a1, a2)  # the generator advances
    torch.testing.assert_close(second(x, training=True), a2, rtol=0, atol=0)
    other, again = cls(**kwargs, seed=8), cls(**kwargs, seed=7)
    draws = [(other(x, training=True), again(x, training=True)) for _ in range(3)]
    assert not all(torch.equal(a, b) for a, b in draws)  # RandomCrop has few windows: 3 draws


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_unseeded_layers_follow_torch_manual_seed(name, kwargs) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs)
    x = torch.randn(8, 6, 7, 3)
    torch.manual_seed(11)
    a = layer(x, training=True)
    torch.manual_seed(11)
    torch.testing.assert_close(layer(x, training=True), a, rtol=0, atol=0)


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_single_image_gets_the_batch_transform(name, kwargs) -> None:
    cls = getattr(tkeras.layers, name)
    x = torch.randn(6, 7, 3)
    single = cls(**kwargs, seed=5)(x, training=True)
    batch = cls(**kwargs, seed=5)(x[None], training=True)
    torch.testing.assert_close(single, batch[0], rtol=0, atol=0)


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
def test_config_round_trip_and_shapes(name, kwargs) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs, seed=5)
    config = layer.get_config()
    want = getattr(keras.layers, name)(**kwargs, seed=5).get_config()  # Keras-shaped
    assert config["seed"] == 5 and all(config[k] == want[k] for k in kwargs)
    clone = type(layer).from_config(config)
    x = torch.randn(4, 6, 7, 3)
    torch.testing.assert_close(clone(x, training=True), layer(x, training=True))
    assert layer.weights == [] and layer.count_params() == 0
    expected = (None, 3, 4, 3) if name == "RandomCrop" else (None, 6, 7, 3)
    assert layer.compute_output_shape((None, 6, 7, 3)) == expected


def test_gradients_flow_through_the_augmentations() -> None:
    x = torch.randn(2, 5, 6, 3, requires_grad=True)
    for name, kwargs in RANDOM:
        y = getattr(tkeras.layers, name)(**kwargs, seed=0)(x, training=True)
        (grad,) = torch.autograd.grad(y.sum(), x)
        assert grad.abs().sum() > 0, name


def test_dtypes_follow_keras() -> None:
    x = torch.arange(2 * 6 * 7 * 3).reshape(2, 6, 7, 3)
    float_out = ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomCrop"]
    for name, kwargs in RANDOM:
        layer = getattr(tkeras.layers, name)(**kwargs)
        expected = torch.float32 if name in float_out else torch.int64
        assert layer(x).dtype == expected, name
        assert layer(x.double()).dtype == torch.float32, name
    assert tkeras.layers.RandomContrast(0.5)(x, training=True).dtype == torch.float32
    brightened = tkeras.layers.RandomBrightness((0.1, 0.1), value_range=(0, 30))(
        x.int(), training=True
    )
    assert brightened.dtype == torch.int32
    expected = np.minimum(x.int().numpy() + 3, 30)
    np.testing.assert_array_equal(brightened.numpy(), expected)  # Keras's numbers


def test_augmentation_in_a_model() -> None:
    model = tkeras.Sequential(
        [
            tkeras.Input((8, 8, 3)),
            tkeras.layers.RandomFlip(seed=0),
            tkeras.layers.RandomRotation(0.1, seed=0),
            tkeras.layers.RandomCrop(6, 6, seed=0),
            tkeras.layers.Rescaling(1 / 255),
        ]
    )
    assert model.output_shape == (None, 6, 6, 3)
    x = torch.rand(4, 8, 8, 3) * 255
    expected = tkeras.layers.CenterCrop(6, 6)(x)  # a square crop of a square image: no resize
    assert not torch.allclose(model(x) * 255, expected)  # the crop at inference is a resize
    y = model(x, training=True)
    assert y.shape == (4, 6, 6, 3)


# ---------------------------------------------------------------------- RandomCrop at inference


def test_random_crop_inference_resizes_the_centred_window_as_keras_documents() -> None:
    x = _images((2, 6, 9, 3))
    for height, width in [(4, 4), (3, 6), (8, 5)]:
        ours = tkeras.layers.RandomCrop(height, width)(torch.tensor(x)).numpy()
        documented = keras.layers.Resizing(height, width, crop_to_aspect_ratio=True)(x)
        np.testing.assert_allclose(ours, _np(documented), rtol=1e-5, atol=1e-5)


def test_keras_3_15_random_crop_inference_is_the_identity() -> None:
    """keras-team/keras#21868: Keras returns the input at inference; tkeras differs on purpose.
    When this starts failing, Keras has fixed it and tkeras should follow its fix."""
    x = _images((2, 6, 9, 3))
    with keras_inference():
        theirs = _np(keras.layers.RandomCrop(4, 4)(x))
    np.testing.assert_array_equal(theirs, x)


# ---------------------------------------------------------------------- deterministic layers


def test_resizing_integer_images_match_keras() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (2, 7, 9, 3)).astype("uint8")
    for kwargs in [
        {"interpolation": "bicubic"},
        {"interpolation": "nearest"},
        {"interpolation": "bilinear", "antialias": True},
        {"pad_to_aspect_ratio": True, "fill_value": 7},
    ]:
        theirs = _np(keras.layers.Resizing(4, 12, **kwargs)(x))
        ours = tkeras.layers.Resizing(4, 12, **kwargs)(torch.tensor(x)).numpy()
        assert ours.dtype == np.uint8
        np.testing.assert_array_equal(ours, theirs)
    ints = x.astype("int64")
    theirs = _np(keras.layers.Resizing(5, 5)(ints))
    np.testing.assert_array_equal(tkeras.layers.Resizing(5, 5)(torch.tensor(ints)).numpy(), theirs)
    assert tkeras.layers.Resizing(5, 5)(torch.tensor(x).double()).dtype == torch.float32


def test_resizing_keeps_channels_last_memory_and_shapes() -> None:
    x = torch.randn(2, 3, 8, 9).to(memory_format=torch.channels_last).permute(0, 2, 3, 1)
    y = tkeras.layers.Resizing(4, 5)(x)
    assert y.shape == (2, 4, 5, 3) and y.is_contiguous()
    layer = tkeras.layers.Resizing(4, 5, data_format="channels_first")
    assert layer.compute_output_shape((None, 3, 8, 9)) == (None, 3, 4, 5)
    assert tkeras.layers.CenterCrop(2, 3).compute_output_shape((6, 7, 3)) == (2, 3, 3)


def test_center_crop_is_a_view_and_casts_like_keras() -> None:
    x = torch.randn(2, 6, 7, 3)
    y = tkeras.layers.CenterCrop(4, 5)(x)
    assert y.data_ptr() == x[:, 1:, 1:].data_ptr()
    torch.testing.assert_close(y, x[:, 1:5, 1:6])
    ints = torch.arange(2 * 6 * 7 * 3).reshape(2, 6, 7, 3)
    assert tkeras.layers.CenterCrop(4, 5)(ints).dtype == torch.float32


def test_rescaling_channels_first_scale_follows_the_global_format() -> None:
    x = _images((2, 3, 4, 4))
    tkeras.config.set_image_data_format("channels_first")
    keras.config.set_image_data_format("channels_first")
    try:
        ours = tkeras.layers.Rescaling([1.0, 2.0, 3.0])(torch.tensor(x)).numpy()
        theirs = _np(keras.layers.Rescaling([1.0, 2.0, 3.0])(x))
    finally:
        tkeras.config.set_image_data_format("channels_last")
        keras.config.set_image_data_format("channels_last")
    np.testing.assert_allclose(ours, theirs)
    np.testing.assert_allclose(ours[:, 2], x[:, 2] * 3)


def test_rescaling_buffers_follow_the_layer() -> None:
    layer = tkeras.layers.Rescaling([1.0, 2.0], offset=[0.0, 1.0])
    assert layer.weights == [] and "_scale" not in layer.state_dict()
    layer.to(torch.float64)  # buffers move with the module (as they would to a device)
    assert layer._scale.dtype == torch.float64


# ---------------------------------------------------------------------- Normalization.adapt


def _adapt_both(kwargs: dict, data, keras_data=None):
    theirs = keras.layers.Normalization(**kwargs)
    theirs.adapt(data if keras_data is None else keras_data)
    ours = tkeras.layers.Normalization(**kwargs)
    ours.adapt(data)
    return theirs, ours


def _assert_same_statistics(theirs, ours, x: np.ndarray) -> None:
    k_weights, t_weights = theirs.get_weights(), ours.get_weights()
    assert [w.shape for w in t_weights] == [w.shape for w in k_weights]
    assert [w.dtype for w in t_weights] == [w.dtype for w in k_weights]
    for a, b in zip(t_weights, k_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours(torch.tensor(x)).numpy(), _np(theirs(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({}, (50, 4)),
        ({"axis": None}, (30, 3)),
        ({"axis": 1}, (20, 3, 4)),
        ({"axis": (1, 2)}, (20, 3, 4)),
        ({"axis": (0, 1)}, (5, 3)),  # nothing reduced: variance 0, divisor epsilon
        ({"invert": True}, (40, 3)),
    ],
    ids=["features", "axis-None", "axis1", "axes12", "all-kept", "invert"],
)
def test_adapt_on_an_array_matches_keras(kwargs, shape) -> None:
    data = _images(shape) * 3 + 2
    theirs, ours = _adapt_both(kwargs, data)
    _assert_same_statistics(theirs, ours, _images(shape, seed=1))


def test_adapt_on_float64_integer_data_and_tensors_matches_keras() -> None:
    data = np.random.default_rng(0).standard_normal((64, 3)) * 1e3 + 1e4  # float64
    theirs, ours = _adapt_both({}, data)
    _assert_same_statistics(theirs, ours, _images((4, 3)))
    ints = np.random.default_rng(1).integers(0, 255, (64, 3))
    theirs, ours = _adapt_both({}, ints)
    _assert_same_statistics(theirs, ours, _images((4, 3)))
    tensor = torch.tensor(_images((64, 2, 3)))
    theirs, ours = _adapt_both({"axis": -1}, tensor)
    _assert_same_statistics(theirs, ours, _images((4, 2, 3)))


def test_adapt_on_batches_matches_keras_on_all_the_data() -> None:
    """Keras's adapt on an iterable needs TensorFlow installed (it checks for tf.data first), so
    the reference is Keras's adapt on all the data at once: batches combine exactly."""
    batches = [_images((n, 2, 3), seed=n) * n for n in (7, 16, 1, 9)]
    everything = np.concatenate(batches)
    theirs = keras.layers.Normalization(axis=1)
    theirs.adapt(everything)
    ours = tkeras.layers.Normalization(axis=1)
    ours.adapt(batches)
    _assert_same_statistics(theirs, ours, _images((4, 2, 3)))
    # (x, y) tuples from a generator, with tensors
    ours = tkeras.layers.Normalization(axis=1)
    ours.adapt((torch.tensor(b), np.zeros(len(b))) for b in batches)
    _assert_same_statistics(theirs, ours, _images((4, 2, 3)))
    loader = torch.utils.data.DataLoader(torch.tensor(everything), batch_size=8)
    ours = tkeras.layers.Normalization(axis=1)
    ours.adapt(loader)
    _assert_same_statistics(theirs, ours, _images((4, 2, 3)))
    everything_kept = tkeras.layers.Normalization(axis=(0, 1, 2))
    everything_kept.adapt([everything])  # nothing reduced: the data itself, variance 0
    np.testing.assert_array_equal(everything_kept.get_weights()[0], everything)
    assert not everything_kept.get_weights()[1].any()


def test_adapt_on_an_indexable_sequence_of_batches() -> None:
    class Batches:  # a PyDataset-like object: __len__ and __getitem__ only
        def __init__(self, arrays):
            self.arrays = arrays

        def __len__(self):
            return len(self.arrays)

        def __getitem__(self, i):
            return self.arrays[i], None

    batches = [_images((5, 3), seed=s) + s for s in range(3)]
    layer = tkeras.layers.Normalization()
    layer.adapt(Batches(batches))
    np.testing.assert_allclose(
        layer.get_weights()[0], np.concatenate(batches).mean(axis=0), rtol=1e-5
    )


def test_adapted_statistics_are_non_trainable_weights_that_save_and_move() -> None:
    layer = tkeras.layers.Normalization()
    layer.adapt(_images((10, 3)))
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3
    assert layer.get_weights()[2].dtype == np.int32 and layer.get_weights()[2] == 0
    assert list(layer.state_dict()) == ["mean", "variance", "count"]
    assert layer.adapt_mean is layer.mean and layer.adapt_variance is layer.variance
    clone = tkeras.layers.Normalization()
    clone.build_from_shape((None, 3))
    clone.load_state_dict(layer.state_dict())
    x = torch.randn(4, 3)
    torch.testing.assert_close(clone(x), layer(x))
    layer.to(torch.float64)  # the statistics follow the module (as they would to a device)
    assert layer.mean.dtype == torch.float64
    # re-adapting replaces the statistics
    layer = tkeras.layers.Normalization()
    layer.adapt(_images((10, 3)))
    layer.adapt(_images((10, 3), seed=5) + 100)
    assert layer.get_weights()[0].mean() > 90


def test_given_statistics_are_buffers_not_weights() -> None:
    layer = tkeras.layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    y = layer(torch.tensor([[3.0, 8.0]]))
    torch.testing.assert_close(y, torch.tensor([[1.0, 2.0]]))
    assert layer.weights == [] and layer.state_dict() == {}
    assert layer.mean.shape == (1, 2)  # Keras's broadcast shape
    clone = tkeras.layers.Normalization.from_config(layer.get_config())
    torch.testing.assert_close(clone(torch.tensor([[3.0, 8.0]])), y)


# ---------------------------------------------------------------------- errors


def _error(cls, kwargs, pattern, exc=ValueError) -> None:
    with pytest.raises(exc, match=pattern):
        getattr(tkeras.layers, cls)(**kwargs)


@pytest.mark.parametrize(
    "cls, kwargs, pattern",
    [
        ("Rescaling", {"scale": "big"}, r"Rescaling '\w+': the `scale` argument must be a number"),
        ("Rescaling", {"scale": 1.0, "offset": []}, r"the `offset` argument .*offset=\[\]"),
        ("Normalization", {"axis": "x"}, r"`axis` argument must be an int, a tuple of ints or "),
        ("Normalization", {"mean": 1.0}, r"both `mean` and `variance` must be set\. Received: "),
        (
            "Normalization",
            {"mean": [1.0, 2.0], "variance": [1.0]},
            r"same shape\. Received: mean shape \(2,\) and variance shape \(1,\)",
        ),
        (
            "Normalization",
            {"mean": [[1.0]], "variance": [[1.0]]},
            r"rank of `mean` must be less than or equal to the number of axes \(1\)",
        ),
        ("Resizing", {"height": 0, "width": 3}, r"Resizing '\w+': .*`height`.*height=0"),
        ("Resizing", {"height": 3, "width": 2.5}, r"positive integer, got width=2\.5"),
        (
            "Resizing",
            {"height": 3, "width": 3, "interpolation": "area"},
            r"`interpolation` argument must be one of \('bilinear', 'nearest', 'bicubic'\)\. "
            r"Received: interpolation='area'",
        ),
        (
            "Resizing",
            {"height": 3, "width": 3, "crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True},
            r"only one of `pad_to_aspect_ratio` and `crop_to_aspect_ratio` can be True",
        ),
        (
            "Resizing",
            {"height": 3, "width": 3, "fill_mode": "reflect"},
            r"`fill_mode` argument must be one of \('constant',\)\. Received: fill_mode='reflect'",
        ),
        ("Resizing", {"height": 3, "width": 3, "fill_value": "0"}, r"`fill_value` .*a number"),
        (
            "Resizing",
            {"height": 3, "width": 3, "data_format": "NHWC"},
            r"`data_format` argument must be one of 'channels_last', 'channels_first'",
        ),
        ("CenterCrop", {"height": 3, "width": -1}, r"CenterCrop '\w+': .*got width=-1"),
        (
            "RandomFlip",
            {"mode": "diagonal"},
            r"RandomFlip '\w+': the `mode` argument must be one of \('horizontal', 'vertical', "
            r"'horizontal_and_vertical'\)\. Received: mode='diagonal'",
        ),
        (
            "RandomRotation",
            {"factor": 1.5},
            r"RandomRotation '\w+': the `factor` argument should be a number \(or a list of two "
            r"numbers\) in the range \[-1, 1\]\. Received: factor=1\.5",
        ),
        ("RandomRotation", {"factor": (0.1,)}, r"Received: factor=\(0\.1,\)"),
        ("RandomRotation", {"factor": (1.5, 2.0)}, r"Received: factor=\(1\.5, 2\.0\)"),
        ("RandomRotation", {"factor": "0.1"}, r"Received: factor='0\.1'"),
        (
            "RandomRotation",
            {"factor": 0.1, "fill_mode": "mirror"},
            r"`fill_mode` argument must be one of \('reflect', 'wrap', 'constant', 'nearest'\)"
            r"\. Received: fill_mode='mirror'",
        ),
        (
            "RandomZoom",
            {"height_factor": 0.1, "interpolation": "bicubic"},
            r"`interpolation` argument must be one of \('nearest', 'bilinear'\)\. Received: "
            r"interpolation='bicubic'",
        ),
        (
            "RandomTranslation",
            {"height_factor": 0.1, "width_factor": 0.1, "fill_value": None},
            r"RandomTranslation '\w+': the `fill_value` argument must be a number",
        ),
        (
            "RandomZoom",
            {"height_factor": -1.0},
            r"RandomZoom '\w+': the `height_factor` argument should be a number \(or a list of "
            r"two numbers\) in the range \(-1\.0, 1\.0\]\. Received: height_factor=-1\.0",
        ),
        ("RandomZoom", {"height_factor": 0.1, "width_factor": (0.1, 1.5)}, r"width_factor="),
        (
            "RandomTranslation",
            {"height_factor": 0.1, "width_factor": 1.5},
            r"the `width_factor` argument should be a number \(or a list of two numbers\) in the "
            r"range \[-1\.0, 1\.0\]\. Received: width_factor=1\.5",
        ),
        ("RandomTranslation", {"height_factor": (0.1, 0.2, 0.3), "width_factor": 0}, r"height_"),
        ("RandomCrop", {"height": "3", "width": 3}, r"RandomCrop '\w+': .*height='3'"),
        ("RandomContrast", {"factor": 1.5}, r"in the range \[0, 1\]\. Received: factor=1\.5"),
        ("RandomContrast", {"factor": (2.0, 3.0)}, r"Received: factor=\(2\.0, 3\.0\)"),
        (
            "RandomContrast",
            {"factor": 0.1, "value_range": (0,)},
            r"RandomContrast '\w+': the `value_range` argument should be a list of two "
            r"numbers\. Received: value_range=\(0,\)",
        ),
        ("RandomBrightness", {"factor": -2}, r"in the range \[-1, 1\]\. Received: factor=-2"),
        ("RandomBrightness", {"factor": 0.1, "value_range": 5}, r"Received: value_range=5"),
    ],
)
def test_invalid_arguments(cls, kwargs, pattern) -> None:
    _error(cls, kwargs, pattern)


@pytest.mark.parametrize("name, kwargs", RANDOM, ids=RANDOM_IDS)
@pytest.mark.parametrize("seed", ["1", 1.5, True])
def test_seed_must_be_an_int(name, kwargs, seed) -> None:
    _error(
        name,
        {**kwargs, "seed": seed},
        rf"{name} '\w+': invalid value received for argument `seed`\. Expected an int or None\. "
        r"Received: seed=",
    )


def test_lanczos_is_not_on_the_torch_backend() -> None:
    _error(
        "Resizing",
        {"height": 3, "width": 3, "interpolation": "lanczos3"},
        r"Resizing: the argument `interpolation` does not support 'lanczos3' .*Keras's torch "
        r"backend",
        NotImplementedError,
    )


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS | {"Resizing", "CenterCrop"}))
def test_bounding_boxes_and_dict_inputs_are_not_supported_yet(name) -> None:
    kwargs = dict(RANDOM).get(name, {"height": 3, "width": 3})
    _error(
        name,
        {**kwargs, "bounding_box_format": "xyxy"},
        rf"{name}: the argument `bounding_box_format` is not supported yet "
        r"\(received bounding_box_format='xyxy'\)",
        NotImplementedError,
    )
    layer = getattr(tkeras.layers, name)(**kwargs)
    with pytest.raises(NotImplementedError, match=rf"{name} '\w+': only image tensors"):
        layer({"images": torch.zeros(1, 4, 4, 3)}, training=True)


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS | {"Resizing", "CenterCrop"}))
def test_images_must_be_3d_or_4d(name) -> None:
    kwargs = dict(RANDOM).get(name, {"height": 3, "width": 3})
    layer = getattr(tkeras.layers, name)(**kwargs)
    with pytest.raises(
        ValueError,
        match=rf'Input 0 of layer "\w+" is incompatible with the layer: expected min_ndim=3, '
        rf"found ndim=2\. .*{name} expects a 4D batch of images \(batch, height, width, "
        r"channels\) or a 3D single image \(height, width, channels\)",
    ):
        layer(torch.zeros(4, 4))
    with pytest.raises(ValueError, match=r"expected max_ndim=4, found ndim=5"):
        layer(torch.zeros(1, 1, 4, 4, 3))


def test_normalization_build_and_adapt_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"Normalization '\w+': all `axis` values must be in the range \[-ndim, ndim\)\. "
        r"Received inputs with ndim=2, while axis=\(2,\)",
    ):
        tkeras.layers.Normalization(axis=2)(torch.zeros(3, 4))
    with pytest.raises(
        ValueError,
        match=r"all `axis` values to be kept must have a known shape\. Received axis=\(1,\), "
        r"inputs.shape=\(None, None\), with unknown axis at index 1",
    ):
        tkeras.layers.Normalization(axis=1).build_from_shape((None, None))
    with pytest.raises(ValueError, match=r"`mean` and `variance` of shape \(3,\) cannot be broad"):
        tkeras.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 1.0, 1.0])(
            torch.zeros(2, 4)
        )
    fixed = tkeras.layers.Normalization(mean=1.0, variance=1.0)
    fixed.build_from_shape((None, 3))
    with pytest.raises(ValueError, match=r"adapt\(\) cannot change a layer created with `mean`"):
        fixed.adapt(np.zeros((4, 3)))
    layer = tkeras.layers.Normalization()
    layer.adapt(np.zeros((4, 3)))
    with pytest.raises(
        ValueError,
        match=r"the layer was built with input_shape=\(4, 3\), but adapt\(\) is being called "
        r"with data of an incompatible shape, data.shape=\(4, 5\)",
    ):
        layer.adapt(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"adapt\(\) yielded a batch of an incompatible shape"):
        layer.adapt([np.zeros((4, 3)), np.zeros((4, 2))])
    with pytest.raises(ValueError, match=r"adapt\(\) received an empty iterable \(no batches\)"):
        tkeras.layers.Normalization().adapt([])
    with pytest.raises(TypeError, match=r"iterable of arrays or tensors with a `\.shape`\. Got an"):
        tkeras.layers.Normalization().adapt([[1.0, 2.0]])
    with pytest.raises(TypeError, match=r"unsupported data of type float\. Expected a numpy"):
        tkeras.layers.Normalization().adapt(3.0)


# ---------------------------------------------------------------------- docs


@pytest.mark.parametrize(
    "module",
    [
        "rescaling",
        "normalization",
        "resizing",
        "center_crop",
        "random_flip",
        "random_rotation",
        "random_zoom",
        "random_translation",
        "random_crop",
        "random_contrast",
        "random_brightness",
    ],
)
def test_docstring_examples_run(module) -> None:
    mod = importlib.import_module(f"tkeras.layers.preprocessing.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_docstring_examples_give_kerass_numbers() -> None:
    x = np.array([[[[1.0], [2.0], [3.0], [4.0]]]], dtype="float32")
    theirs = keras.layers.RandomTranslation((0.0, 0.0), (0.5, 0.5), fill_mode="wrap")
    np.testing.assert_allclose(_np(theirs(x, training=True))[0, 0, :, 0], [3, 4, 1, 2])
    zoom = keras.layers.RandomZoom(height_factor=(0.5, 0.5), fill_mode="constant")
    ours = tkeras.layers.RandomZoom(height_factor=(0.5, 0.5), fill_mode="constant")
    ones = np.ones((1, 4, 4, 1), "float32")
    np.testing.assert_allclose(
        ours(torch.tensor(ones), training=True).numpy(), _np(zoom(ones, training=True))
    )
    rotation = keras.layers.RandomRotation(factor=(0.25, 0.25))
    square = np.arange(4.0, dtype="float32").reshape(1, 2, 2, 1)
    np.testing.assert_allclose(
        np.round(_np(rotation(square, training=True))[0, ..., 0]), [[1, 3], [0, 2]]
    )
