"""Initializers: deterministic ones equal Keras's exactly; random ones follow Keras's formulas
(fans, bounds, standard deviations, truncation) and seeding; names, configs and errors as Keras."""

from __future__ import annotations

import math
import re

import keras
import numpy as np
import pytest
import torch
from keras.src import initializers as keras_initializers
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans

import tkeras
from tkeras import initializers
from tkeras.initializers.initializers import REGISTRY

# The stddev of a unit normal truncated to [-2, 2] (Keras divides by it).
TRUNC_STD = 0.87962566103423978


def _np(x) -> np.ndarray:
    return keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x


def _ours(x) -> np.ndarray:
    assert isinstance(x, torch.Tensor)
    return x.numpy()


# ---------------------------------------------------------------------- deterministic, exact

DETERMINISTIC = [
    ("Zeros", {}, (3, 4)),
    ("Zeros", {}, (2, 3, 4, 5)),
    ("Ones", {}, (7,)),
    ("Ones", {}, ()),
    ("Constant", {}, (2, 3)),
    ("Constant", {"value": 0.5}, (2, 3)),
    ("Constant", {"value": -3}, (4, 1, 2)),
    ("Constant", {"value": [1.0, 2.0, 3.0]}, (2, 3)),
    ("Identity", {}, (4, 4)),
    ("Identity", {}, (3, 5)),
    ("Identity", {}, (5, 3)),
    ("Identity", {"gain": 2.5}, (4, 4)),
    ("Identity", {"gain": -1.0}, (2, 3)),
]


@pytest.mark.parametrize("name, kwargs, shape", DETERMINISTIC, ids=str)
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_deterministic_initializers_equal_kerass(name, kwargs, shape, dtype):
    expected = _np(getattr(keras.initializers, name)(**kwargs)(shape, dtype=dtype))
    got = _ours(getattr(initializers, name)(**kwargs)(shape, dtype=dtype))
    assert got.dtype == expected.dtype == np.dtype(dtype or "float32")
    assert got.shape == expected.shape == shape
    np.testing.assert_array_equal(got, expected)


# ---------------------------------------------------------------------- fans

FAN_SHAPES = [(), (5,), (3, 4), (3, 4, 5), (2, 3, 4, 5), (2, 3, 4, 5, 6), (1, 1), (7, 1, 1)]


@pytest.mark.parametrize("shape", FAN_SHAPES, ids=str)
def test_compute_fans_equal_kerass(shape):
    assert initializers.compute_fans(shape) == keras_compute_fans(shape)


@pytest.mark.parametrize(
    "shape, input_axes, output_axes",
    [((3, 4, 5), [0], [1, 2]), ((2, 3, 4, 5), [0, 1, 2], [3]), ((6, 7), [1], [0])],
    ids=str,
)
def test_compute_fans_with_axes_equal_kerass(shape, input_axes, output_axes):
    got = initializers.compute_fans(shape, input_axes=input_axes, output_axes=output_axes)
    assert got == keras_compute_fans(shape, input_axes=input_axes, output_axes=output_axes)


def test_compute_fans_hand_calculated():
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((10,)) == (10, 10)
    assert initializers.compute_fans(()) == (1, 1)


# ---------------------------------------------------------------------- random, by formula

_CONV = (3, 3, 64, 128)  # fan_in 576, fan_out 1152: 73,728 values
_DENSE = (300, 250)  # 75,000 values


def _uniform(limit: float, mean: float = 0.0) -> dict:
    return {"kind": "uniform", "low": mean - limit, "high": mean + limit}


def _expected(name: str, kwargs: dict, shape: tuple) -> dict:
    """Keras's distribution for an initializer, from Keras's formulas."""
    fan_in, fan_out = keras_compute_fans(shape, kwargs.get("input_axes"), kwargs.get("output_axes"))
    fan_avg = (fan_in + fan_out) / 2
    if name == "RandomUniform":
        lo, hi = kwargs.get("minval", -0.05), kwargs.get("maxval", 0.05)
        return {"kind": "uniform", "low": lo, "high": hi}
    if name == "RandomNormal":
        return {
            "kind": "normal",
            "mean": kwargs.get("mean", 0.0),
            "std": kwargs.get("stddev", 0.05),
        }
    if name == "TruncatedNormal":
        std = kwargs.get("stddev", 0.05)
        return {
            "kind": "truncated",
            "mean": kwargs.get("mean", 0.0),
            "std": std * TRUNC_STD,
            "bound": 2 * std,
        }
    scale, mode, dist = {
        "GlorotUniform": (1.0, fan_avg, "uniform"),
        "GlorotNormal": (1.0, fan_avg, "truncated_normal"),
        "HeUniform": (2.0, fan_in, "uniform"),
        "HeNormal": (2.0, fan_in, "truncated_normal"),
        "LecunUniform": (1.0, fan_in, "uniform"),
        "LecunNormal": (1.0, fan_in, "truncated_normal"),
    }.get(name, (None, None, None))
    if name == "VarianceScaling":
        scale = kwargs.get("scale", 1.0)
        mode = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": fan_avg}[
            kwargs.get("mode", "fan_in")
        ]
        dist = kwargs.get("distribution", "truncated_normal")
        dist = "truncated_normal" if dist == "normal" else dist
    variance = scale / max(1.0, mode)
    if dist == "uniform":
        return _uniform(math.sqrt(3.0 * variance))
    if dist == "untruncated_normal":
        return {"kind": "normal", "mean": 0.0, "std": math.sqrt(variance)}
    pre = math.sqrt(variance) / TRUNC_STD
    return {"kind": "truncated", "mean": 0.0, "std": math.sqrt(variance), "bound": 2 * pre}


RANDOM = [
    ("RandomUniform", {}, _DENSE),
    ("RandomUniform", {"minval": 1.0, "maxval": 3.0}, _DENSE),
    ("RandomNormal", {}, _DENSE),
    ("RandomNormal", {"mean": 2.0, "stddev": 0.5}, _DENSE),
    ("TruncatedNormal", {}, _DENSE),
    ("TruncatedNormal", {"mean": -1.0, "stddev": 2.0}, _DENSE),
    ("GlorotUniform", {}, _CONV),
    ("GlorotUniform", {}, _DENSE),
    ("GlorotNormal", {}, _CONV),
    ("HeUniform", {}, _CONV),
    ("HeNormal", {}, _CONV),
    ("LecunUniform", {}, _DENSE),
    ("LecunNormal", {}, _DENSE),
    ("VarianceScaling", {}, _CONV),
    ("VarianceScaling", {"scale": 0.1, "mode": "fan_out", "distribution": "uniform"}, _CONV),
    (
        "VarianceScaling",
        {"scale": 3.0, "mode": "fan_avg", "distribution": "untruncated_normal"},
        _CONV,
    ),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "normal"}, _DENSE),
    (
        "VarianceScaling",
        {
            "scale": 2.0,
            "mode": "fan_in",
            "distribution": "uniform",
            "input_axes": [0],
            "output_axes": [1, 2],
        },
        (40, 30, 60),
    ),
    ("GlorotUniform", {"input_axes": [0, 1], "output_axes": [2]}, (40, 30, 60)),
    ("HeNormal", {"input_axes": [1], "output_axes": [0]}, _DENSE),
]


def _check_distribution(values: np.ndarray, expected: dict, strict_bounds: bool) -> None:
    values = values.astype("float64").ravel()
    if expected["kind"] == "uniform":
        lo, hi = expected["low"], expected["high"]
        width = hi - lo
        assert values.min() >= lo and values.max() <= hi
        # The whole range is used (so the bound is Keras's, not narrower).
        assert values.min() < lo + 0.001 * width and values.max() > hi - 0.001 * width
        mean, std = (lo + hi) / 2, width / math.sqrt(12)
    else:
        mean, std = expected["mean"], expected["std"]
        if expected["kind"] == "truncated":
            deviation = np.abs(values - mean).max()
            if strict_bounds:
                assert deviation <= expected["bound"] * (1 + 1e-6)
            assert deviation > 0.99 * expected["bound"]  # truncated at 2 std, not narrower
    assert abs(values.mean() - mean) < 0.02 * std
    assert values.std() == pytest.approx(std, rel=0.02)


@pytest.mark.parametrize("name, kwargs, shape", RANDOM, ids=str)
def test_random_initializers_follow_kerass_formula(name, kwargs, shape):
    expected = _expected(name, kwargs, shape)
    ours = getattr(initializers, name)(**kwargs)(shape)
    assert ours.dtype == torch.float32 and tuple(ours.shape) == shape
    _check_distribution(_ours(ours), expected, strict_bounds=True)
    # The formula is Keras's: its own sample passes the same checks. (Keras's torch backend
    # redraws out-of-range values only 4 times, so its truncation is not strict.)
    theirs = _np(getattr(keras.initializers, name)(**kwargs)(shape))
    _check_distribution(theirs, expected, strict_bounds=False)


def test_random_initializer_dtype():
    assert initializers.GlorotUniform()((3, 4), dtype="float64").dtype == torch.float64
    assert initializers.RandomNormal()((3, 4), dtype=torch.float64).dtype == torch.float64
    assert initializers.Orthogonal()((3, 4), dtype="float64").dtype == torch.float64


@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (3, 3, 4, 8), (2, 16), (6, 6)], ids=str)
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal_is_orthogonal_for_tall_and_wide_shapes(shape, gain):
    for values in (
        _ours(initializers.Orthogonal(gain=gain, seed=1)(shape)).astype("float64"),
        _np(keras.initializers.Orthogonal(gain=gain, seed=1)(shape)).astype("float64"),
    ):
        assert values.shape == shape
        flat = values.reshape(-1, shape[-1])
        rows, cols = flat.shape
        gram = flat.T @ flat if rows >= cols else flat @ flat.T
        np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, cols)), atol=1e-5)


# ---------------------------------------------------------------------- seeding

SEEDED = [
    "RandomUniform",
    "RandomNormal",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "Orthogonal",
]


@pytest.mark.parametrize("name", SEEDED)
def test_seeded_initializers_repeat_their_values(name):
    cls = getattr(initializers, name)
    a = cls(seed=42)
    first = a((6, 5))
    assert torch.equal(first, a((6, 5)))
    assert torch.equal(first, cls(seed=42)((6, 5)))
    assert not torch.equal(first, cls(seed=43)((6, 5)))


@pytest.mark.parametrize("name", SEEDED)
def test_unseeded_instances_repeat_their_values_as_in_keras(name):
    # Keras draws a seed when an unseeded initializer is created, so one instance returns the
    # same values on every call, and two instances differ.
    theirs = getattr(keras.initializers, name)()
    assert np.array_equal(_np(theirs((6, 5))), _np(theirs((6, 5))))
    cls = getattr(initializers, name)
    ours = cls()
    assert torch.equal(ours((6, 5)), ours((6, 5)))
    assert not torch.equal(ours((6, 5)), cls()((6, 5)))
    assert ours.get_config()["seed"] is None


def test_set_random_seed_makes_unseeded_initialization_reproducible():
    tkeras.utils.set_random_seed(123)
    first = tkeras.layers.Dense(4)
    first.build_from_shape((2, 3))
    tkeras.utils.set_random_seed(123)
    second = tkeras.layers.Dense(4)
    second.build_from_shape((2, 3))
    np.testing.assert_array_equal(first.get_weights()[0], second.get_weights()[0])


# ---------------------------------------------------------------------- names, get, configs


def _classes() -> list[type]:
    return [
        obj
        for name in initializers.__all__
        if isinstance(obj := getattr(initializers, name), type)
        and issubclass(obj, initializers.Initializer)
        and obj is not initializers.Initializer
    ]


def test_every_keras_initializer_class_exists():
    theirs = {cls.__name__ for cls in keras_initializers.ALL_OBJECTS_DICT.values()}
    ours = {cls.__name__ for cls in _classes()} | {"Initializer"}
    assert theirs == ours


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_string_names_resolve_as_in_keras(cls):
    keras_names = {
        n for n, c in keras_initializers.ALL_OBJECTS_DICT.items() if c.__name__ == cls.__name__
    }
    ours = {n for n in REGISTRY.names() if REGISTRY.lookup(n) is cls}
    assert ours == keras_names
    for name in keras_names:
        assert type(initializers.get(name)) is cls


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_default_config_equals_kerass(cls):
    ours = cls().get_config()
    theirs = getattr(keras.initializers, cls.__name__)().get_config()
    if cls is initializers.Identity:
        # Keras 3.15's Identity has no get_config, so it drops `gain`; tkeras keeps it.
        assert theirs == {} and ours == {"gain": 1.0}
        return
    assert ours == theirs


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("Constant", {"value": 2.0}),
        ("RandomUniform", {"minval": -1.0, "maxval": 2.0, "seed": 3}),
        ("TruncatedNormal", {"mean": 1.0, "stddev": 0.2, "seed": 4}),
        (
            "VarianceScaling",
            {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform", "seed": 5},
        ),
        ("Orthogonal", {"gain": 2.0, "seed": 6}),
        ("HeNormal", {"seed": 7}),
        ("GlorotUniform", {"seed": 1, "input_axes": [0], "output_axes": [1]}),
    ],
    ids=str,
)
def test_config_round_trip_and_equality_with_keras(name, kwargs):
    ours = getattr(initializers, name)(**kwargs)
    assert ours.get_config() == getattr(keras.initializers, name)(**kwargs).get_config()
    config = initializers.serialize(ours)
    assert config["class_name"] == name
    assert ours.clone().get_config() == ours.get_config()
    clone = initializers.deserialize(config)
    assert type(clone) is type(ours) and clone.get_config() == ours.get_config()
    assert torch.equal(clone((4, 3)), ours((4, 3)))
    # Keras's own serialized form deserializes in tkeras.
    keras_config = keras.initializers.serialize(getattr(keras.initializers, name)(**kwargs))
    assert initializers.get(keras_config).get_config() == ours.get_config()


def test_get_resolves_every_identifier_kind():
    assert initializers.get(None) is None
    instance = initializers.HeNormal(seed=1)
    assert initializers.get(instance) is instance
    assert type(initializers.get(initializers.Orthogonal)) is initializers.Orthogonal

    def fn(shape, dtype=None):
        return torch.full(shape, 7.0)

    assert initializers.get(fn) is fn
    got = initializers.get({"class_name": "Constant", "config": {"value": 3.0}})
    assert torch.equal(got((2,)), torch.tensor([3.0, 3.0]))
    array = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(initializers.get(array)((2, 3)).numpy(), array)
    with pytest.raises(
        ValueError,
        match=r"Expected `shape` to be \(2, 3\) for direct tensor as "
        r"initializer\. Received shape=\(3, 2\)",
    ):
        initializers.get(array)((3, 2))


def test_deserialize_custom_objects():
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return torch.full(tuple(shape), 0.5)

    got = initializers.deserialize(
        {"class_name": "Halves", "config": {}}, custom_objects={"Halves": Halves}
    )
    assert torch.equal(got((2,)), torch.tensor([0.5, 0.5]))


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown initializer: 'glorot'\. Expected one of: "
        r"Constant, GlorotNormal, GlorotUniform, ",
    ) as info:
        initializers.get("glorot")
    listed = str(info.value).split("Expected one of: ")[1].rstrip(".").split(", ")
    assert listed == sorted(REGISTRY.names())
    assert "glorot_uniform" in listed and "he_normal" in listed


@pytest.mark.parametrize("identifier", [3, 1.5], ids=str)
def test_get_rejects_uninterpretable_identifiers(identifier):
    with pytest.raises(ValueError, match=r"Could not interpret initializer identifier"):
        keras.initializers.get(identifier)
    with pytest.raises(
        ValueError,
        match=rf"Could not interpret initializer identifier: "
        rf"{re.escape(repr(identifier))}",
    ):
        initializers.get(identifier)


def test_base_initializer_call_must_be_overridden():
    with pytest.raises(
        NotImplementedError,
        match=r"Initializer subclasses must implement "
        r"`__call__\(shape, dtype=None\)`",
    ):
        initializers.Initializer()((2,))


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: initializers.VarianceScaling(scale=-1.0),
            r"Argument `scale` must be positive float\. Received: scale=-1\.0",
        ),
        (
            lambda: initializers.VarianceScaling(scale=0),
            r"Argument `scale` must be positive float\. Received: scale=0",
        ),
        (
            lambda: initializers.VarianceScaling(mode="fan_max"),
            r"Invalid `mode` argument: 'fan_max'\. Expected one of \('fan_in', 'fan_out', "
            r"'fan_avg'\)",
        ),
        (
            lambda: initializers.VarianceScaling(distribution="gaussian"),
            r"Invalid `distribution` argument: 'gaussian'\. Expected one of \('truncated_normal', "
            r"'untruncated_normal', 'uniform'\)",
        ),
        (
            lambda: initializers.RandomNormal(seed="7"),
            r"`seed` argument should be an integer or None\. Received: seed='7'",
        ),
        (
            lambda: initializers.GlorotUniform(seed=1.5),
            r"`seed` argument should be an integer or None\. Received: seed=1\.5",
        ),
        (
            lambda: initializers.Identity()((2, 3, 4)),
            r"Identity matrix initializer can only be used for 2D matrices\. Received: "
            r"shape=\(2, 3, 4\) of rank 3\.",
        ),
        (
            lambda: initializers.Identity()((5,)),
            r"Identity matrix initializer can only be used for 2D matrices\. Received: "
            r"shape=\(5,\) of rank 1\.",
        ),
        (
            lambda: initializers.Orthogonal()((5,)),
            r"The tensor to initialize must be at least two-dimensional\. Received: shape=\(5,\) "
            r"of rank 1\.",
        ),
        (
            lambda: initializers.Orthogonal()(()),
            r"at least two-dimensional\. Received: shape=\(\) of rank 0\.",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.VarianceScaling(scale=-1.0),
        lambda m: m.VarianceScaling(mode="fan_max"),
        lambda m: m.VarianceScaling(distribution="gaussian"),
        lambda m: m.Identity()((2, 3, 4)),
        lambda m: m.Orthogonal()((5,)),
    ],
)
def test_keras_rejects_the_same_arguments(make):
    # Every rejected argument above is rejected by Keras too (with ValueError).
    with pytest.raises(ValueError):
        make(keras.initializers)
    with pytest.raises(ValueError):
        make(initializers)
