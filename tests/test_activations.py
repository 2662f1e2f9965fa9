"""Activation functions: the registry equals Keras's, every function and argument variant
matches keras.activations (values and gradients), and get/serialize/deserialize resolve alike."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch
from keras.src import activations as keras_activations

import tkeras
from tkeras import activations

RTOL = ATOL = 1e-5


def _inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    normal = (rng.standard_normal((3, 4, 6)) * 3).astype("float32")
    # Exact kinks and thresholds of the piecewise functions, and large magnitudes.
    normal[0, 0] = [0.0, 1.0, -1.0, 0.5, -0.5, 3.0]
    normal[0, 1] = [-3.0, 6.0, 2.0, -2.0, 20.0, -20.0]
    large = rng.uniform(-40.0, 40.0, (2, 4, 6)).astype("float32")  # saturated regions
    return {"normal": normal, "large": large}


INPUTS = _inputs()

# Each name with its default arguments (threshold has none), then the argument variants.
VARIANTS: list[tuple[str, dict]] = [
    (name, {}) for name in sorted(activations.ALL_OBJECTS_DICT) if name != "threshold"
] + [
    ("relu", {"negative_slope": 0.1}),
    ("relu", {"max_value": 6.0}),
    ("relu", {"max_value": 6}),
    ("relu", {"max_value": 2.5}),
    ("relu", {"threshold": 0.5}),
    ("relu", {"threshold": -0.5}),
    ("relu", {"negative_slope": 0.1, "max_value": 2.0}),
    ("relu", {"negative_slope": 0.1, "threshold": 1.0}),
    ("relu", {"negative_slope": 0.3, "threshold": -1.0}),
    ("relu", {"max_value": 3.0, "threshold": 1.0}),
    ("relu", {"negative_slope": 0.1, "max_value": 3.0, "threshold": 1.0}),
    ("relu", {"max_value": 0.5, "threshold": 1.0}),
    ("leaky_relu", {"negative_slope": 0.05}),
    ("leaky_relu", {"negative_slope": 0.3}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("celu", {"alpha": 0.5}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {"approximate": True}),
    ("gelu", {"approximate": False}),
    ("softmax", {"axis": 0}),
    ("softmax", {"axis": 1}),
    ("softmax", {"axis": -2}),
    ("softmax", {"axis": None}),
    ("softmax", {"axis": (1, 2)}),
    ("softmax", {"axis": (0, 2)}),
    ("softmax", {"axis": (0, 1, 2)}),
    ("log_softmax", {"axis": 0}),
    ("log_softmax", {"axis": 1}),
    ("log_softmax", {"axis": -2}),
    ("log_softmax", {"axis": None}),
    ("log_softmax", {"axis": (1, 2)}),
    ("log_softmax", {"axis": (0, 2)}),
    ("log_softmax", {"axis": (0, 1, 2)}),
    ("glu", {"axis": 1}),
    ("glu", {"axis": -2}),
    ("threshold", {"threshold": 0.5, "default_value": -1.0}),
    ("threshold", {"threshold": -1.0, "default_value": 2.0}),
    ("threshold", {"threshold": 0.0, "default_value": 0.0}),
    ("squareplus", {"b": 1}),
    ("squareplus", {"b": 0}),
    ("squareplus", {"b": 10.0}),
    ("sparsemax", {"axis": 0}),
    ("sparsemax", {"axis": 1}),
    ("sparsemax", {"axis": -2}),
    ("soft_shrink", {"threshold": 1.0}),
    ("hard_shrink", {"threshold": 1.0}),
    ("soft_shrink", {"threshold": 0.0}),
]


def _run(fn, x: np.ndarray, kwargs: dict):
    xt = torch.tensor(x, requires_grad=True)
    y = fn(xt, **kwargs)
    cotangent = np.random.default_rng(1).standard_normal(tuple(y.shape)).astype("float32")
    (grad,) = torch.autograd.grad((y * torch.tensor(cotangent)).sum(), xt)
    return keras.ops.convert_to_numpy(y), grad.detach().numpy()


@pytest.mark.parametrize("name, kwargs", VARIANTS, ids=lambda v: str(v) if v else "default")
@pytest.mark.parametrize("data", sorted(INPUTS))
def test_matches_keras(name, kwargs, data):
    x = INPUTS[data]
    y_keras, g_keras = _run(keras_activations.ALL_OBJECTS_DICT[name], x, kwargs)
    y_ours, g_ours = _run(activations.ALL_OBJECTS_DICT[name], x, kwargs)
    assert y_ours.shape == y_keras.shape
    np.testing.assert_allclose(y_ours, y_keras, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(g_ours, g_keras, rtol=RTOL, atol=ATOL)


def test_every_name_has_a_variant():
    assert {name for name, _ in VARIANTS} == set(activations.ALL_OBJECTS_DICT)


def test_registry_names_equal_kerass():
    assert set(activations.ALL_OBJECTS_DICT) == set(keras_activations.ALL_OBJECTS_DICT)
    assert len(activations.ALL_OBJECTS_DICT) == 32


def test_aliases_are_the_same_functions_as_in_keras():
    ours, theirs = activations.ALL_OBJECTS_DICT, keras_activations.ALL_OBJECTS_DICT
    for a in ours:
        for b in ours:
            assert (ours[a] is ours[b]) == (theirs[a] is theirs[b]), (a, b)
    assert activations.swish is activations.silu
    assert activations.hard_swish is activations.hard_silu


def test_module_functions_are_the_registry_entries():
    for name, fn in activations.ALL_OBJECTS_DICT.items():
        assert getattr(activations, name) is fn


_X = torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0])


@pytest.mark.parametrize(
    "fn, kwargs, expected",
    [
        (activations.relu, {}, [0, 0, 0, 5, 10]),
        (activations.relu, {"negative_slope": 0.5}, [-5, -2.5, 0, 5, 10]),
        (activations.relu, {"max_value": 5.0}, [0, 0, 0, 5, 5]),
        (activations.relu, {"threshold": 5.0}, [0, 0, 0, 0, 10]),
        (activations.leaky_relu, {}, [-2, -1, 0, 5, 10]),  # default slope 0.2
        (activations.relu6, {}, [0, 0, 0, 5, 6]),
        (activations.hard_sigmoid, {}, [0, 0, 0.5, 1, 1]),
        (activations.hard_silu, {}, [0, 0, 0, 5, 10]),
        (activations.hard_tanh, {}, [-1, -1, 0, 1, 1]),
        (activations.sparse_sigmoid, {}, [0, 0, 0.5, 1, 1]),
        (activations.sparse_plus, {}, [0, 0, 0.25, 5, 10]),
        (activations.threshold, {"threshold": 0.0, "default_value": 7.0}, [7, 7, 7, 5, 10]),
        (activations.soft_shrink, {"threshold": 2.0}, [-8, -3, 0, 3, 8]),
        (activations.hard_shrink, {"threshold": 5.0}, [-10, 0, 0, 0, 10]),
        (activations.linear, {}, [-10, -5, 0, 5, 10]),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_hand_calculated_values(fn, kwargs, expected):
    np.testing.assert_allclose(
        fn(_X, **kwargs).numpy(), np.array(expected, "float32"), rtol=1e-6, atol=1e-7
    )


def test_hand_calculated_smooth_values():
    x = torch.tensor([1.0])
    assert activations.gelu(x).item() == pytest.approx(0.8413447, abs=1e-6)  # exact erf form
    assert activations.gelu(x, approximate=True).item() == pytest.approx(0.8411920, abs=1e-6)
    assert activations.squareplus(torch.tensor([0.0])).item() == pytest.approx(1.0)
    # One-element support: the simplex projection.
    np.testing.assert_allclose(
        activations.sparsemax(torch.tensor([3.0, 0.0, -1.0])).numpy(), [1.0, 0.0, 0.0]
    )
    # Keras 3.15 sums the cumulative sums over the support, so [0.5, 0] gives tau = 0, not
    # -0.25 (the projection would be [0.75, 0.25]); tkeras keeps Keras's numbers.
    np.testing.assert_allclose(activations.sparsemax(torch.tensor([0.5, 0.0])).numpy(), [0.5, 0.0])
    np.testing.assert_allclose(activations.glu(torch.tensor([2.0, 0.0])).numpy(), [1.0])


def test_softmax_accepts_negative_axes_in_a_tuple():
    # Keras 3.15 fails on negative axes in a tuple; tkeras normalizes them.
    x = torch.tensor(INPUTS["normal"])
    for fn in (activations.softmax, activations.log_softmax):
        np.testing.assert_allclose(
            fn(x, axis=(0, -1)).numpy(), fn(x, axis=(0, 2)).numpy(), rtol=1e-6
        )
    total = activations.softmax(x, axis=(1, 2)).sum(dim=(1, 2))
    np.testing.assert_allclose(total.numpy(), np.ones(3), rtol=1e-6)


# ---------------------------------------------------------------------- get / serialize


def test_get_resolves_strings_callables_and_none_as_keras():
    for name in activations.ALL_OBJECTS_DICT:
        ours = activations.get(name)
        assert ours is activations.ALL_OBJECTS_DICT[name]
        assert ours.__name__ == keras.activations.get(name).__name__
    assert activations.get(None) is activations.linear

    def custom(x):
        return x * 2

    assert activations.get(custom) is custom
    assert activations.get(torch.tanh) is torch.tanh


def test_get_resolves_a_serialized_dict():
    config = keras.saving.serialize_keras_object(keras.activations.relu)
    assert activations.get(config) is activations.relu
    assert activations.get({"class_name": "function", "config": "gelu"}) is activations.gelu


def test_get_unknown_name_lists_the_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown activation: 'rellu'\. Expected one of: "
        r"celu, elu, exponential, gelu, glu, hard_shrink, ",
    ) as info:
        activations.get("rellu")
    listed = str(info.value).split("Expected one of: ")[1].rstrip(".").split(", ")
    assert listed == sorted(keras_activations.ALL_OBJECTS_DICT)


@pytest.mark.parametrize("identifier", [3, 1.5, [1]], ids=str)
def test_get_rejects_non_callables_as_keras_does(identifier):
    with pytest.raises(ValueError, match=r"Could not interpret activation function identifier"):
        keras.activations.get(identifier)
    with pytest.raises(
        ValueError,
        match=r"Could not interpret activation function identifier: "
        + f"{identifier!r}".replace("[", r"\["),
    ):
        activations.get(identifier)


def test_serialize_matches_keras():
    for name in activations.ALL_OBJECTS_DICT:
        expected = keras.activations.serialize(keras.activations.get(name))
        assert activations.serialize(activations.get(name)) == expected, name


def test_deserialize_names_and_custom_objects():
    for name in activations.ALL_OBJECTS_DICT:
        assert activations.deserialize(name) is activations.ALL_OBJECTS_DICT[name]

    def mine(x):
        return x

    assert activations.deserialize("mine", custom_objects={"mine": mine}) is mine
    with pytest.raises(ValueError, match=r"Unknown activation: 'mine'"):
        activations.deserialize("mine")


def test_tkeras_activations_is_the_public_module():
    assert tkeras.activations is activations
