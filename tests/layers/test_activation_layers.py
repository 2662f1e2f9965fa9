"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax): parity with Keras 3, PReLU's
per-element alpha and its initializer, Softmax's mask, and every error message."""

from __future__ import annotations

import doctest
import importlib
import math
import warnings

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

_CONSTANT = {"class_name": "Constant", "config": {"value": 0.25}}


def _relu() -> list[Case]:
    return [
        Case("ReLU", {}, (3, 4, 6), id="ReLU-default"),
        Case("ReLU", {"max_value": 6.0}, (3, 8), id="ReLU-max6"),
        Case("ReLU", {"max_value": 0.7}, (3, 8), id="ReLU-max0.7"),
        Case("ReLU", {"negative_slope": 0.2}, (3, 8), id="ReLU-slope"),
        Case("ReLU", {"threshold": 0.5}, (3, 8), id="ReLU-threshold"),
        Case("ReLU", {"negative_slope": 0.1, "threshold": 0.3}, (3, 8), id="ReLU-slope-threshold"),
        Case(
            "ReLU",
            {"max_value": 1.5, "negative_slope": 0.3, "threshold": 0.2},
            (2, 3, 8),
            id="ReLU-all",
        ),
    ]


def _leaky_relu() -> list[Case]:
    return [
        Case("LeakyReLU", {}, (3, 4, 6), id="LeakyReLU-default"),
        Case("LeakyReLU", {"negative_slope": 0.05}, (3, 8), id="LeakyReLU-slope"),
        Case("LeakyReLU", {"negative_slope": 0.0}, (3, 8), id="LeakyReLU-slope0"),
    ]


def _prelu() -> list[Case]:
    return [
        Case("PReLU", {}, (3, 5), id="PReLU-default"),
        Case("PReLU", {"alpha_initializer": "random_normal"}, (3, 4, 5), id="PReLU-random"),
        Case("PReLU", {"alpha_initializer": _CONSTANT}, (3, 4, 5), id="PReLU-constant"),
        Case(
            "PReLU",
            {"alpha_initializer": "random_uniform", "shared_axes": [1, 2]},
            (2, 4, 5, 3),
            id="PReLU-shared-spatial",
        ),
        Case(
            "PReLU",
            {"alpha_initializer": "ones", "shared_axes": 1},
            (2, 4, 5),
            id="PReLU-shared-int",
        ),
        Case(
            "PReLU",
            {"alpha_initializer": "glorot_uniform", "shared_axes": (3,)},
            (2, 4, 5, 3),
            id="PReLU-shared-channels",
        ),
    ]


def _elu() -> list[Case]:
    return [
        Case("ELU", {}, (3, 4, 6), id="ELU-default"),
        Case("ELU", {"alpha": 0.5}, (3, 8), id="ELU-alpha0.5"),
        Case("ELU", {"alpha": 2.0}, (3, 8), id="ELU-alpha2"),
    ]


def _softmax() -> list[Case]:
    return [
        Case("Softmax", {}, (3, 4, 6), id="Softmax-default"),
        Case("Softmax", {"axis": 1}, (3, 4, 6), id="Softmax-axis1"),
        Case("Softmax", {"axis": -2}, (3, 4, 6), id="Softmax-axis-2"),
        Case("Softmax", {"axis": [1]}, (3, 4, 6), id="Softmax-axis-list1"),
        Case("Softmax", {"axis": (1, 2)}, (3, 4, 6), id="Softmax-axes"),
        Case("Softmax", {"axis": [-1, 1]}, (2, 3, 4, 5), id="Softmax-axes-mixed"),
        Case("Softmax", {"axis": None}, (3, 4), id="Softmax-axis-none"),
    ]


CASES: list[Case] = _relu() + _leaky_relu() + _prelu() + _elu() + _softmax()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    check_case(case)


# ---------------------------------------------------------------------- hand-checked values


def test_relu_formula_by_hand() -> None:
    x = torch.tensor([-2.0, 0.1, 0.5, 1.0, 3.0])
    y = tkeras.layers.ReLU(max_value=2.0, negative_slope=0.5, threshold=0.25)(x)
    # capped at 2; x below the threshold gives slope * (x - threshold); else x
    torch.testing.assert_close(y, torch.tensor([-1.125, -0.075, 0.5, 1.0, 2.0]))


def test_leaky_relu_layer_default_slope_is_0_3_not_the_activations_0_2() -> None:
    x = torch.tensor([-10.0, 4.0])
    torch.testing.assert_close(tkeras.layers.LeakyReLU()(x), torch.tensor([-3.0, 4.0]))
    torch.testing.assert_close(tkeras.activations.leaky_relu(x), torch.tensor([-2.0, 4.0]))


def test_elu_saturates_at_minus_alpha() -> None:
    y = tkeras.layers.ELU(alpha=0.5)(torch.tensor([-50.0, 0.0, 2.0]))
    torch.testing.assert_close(y, torch.tensor([-0.5, 0.0, 2.0]))


def test_leaky_relu_keras2_alpha_warns_and_sets_the_slope() -> None:
    x = np.random.default_rng(0).standard_normal((3, 5)).astype("float32")
    with pytest.warns(UserWarning, match=r"Argument `alpha` is deprecated"):
        ours = tkeras.layers.LeakyReLU(alpha=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.layers.LeakyReLU(alpha=0.1)
    np.testing.assert_allclose(
        ours(torch.tensor(x)).numpy(), keras.ops.convert_to_numpy(theirs(x)), rtol=1e-6
    )
    config = ours.get_config()
    assert config["negative_slope"] == 0.1 and "alpha" not in config
    assert tkeras.layers.LeakyReLU.from_config(config).negative_slope == 0.1


# ---------------------------------------------------------------------- PReLU


@pytest.mark.parametrize(
    "shape, shared_axes, alpha_shape",
    [
        ((2, 5), None, (5,)),
        ((2, 4, 5), None, (4, 5)),
        ((2, 4, 5, 3), [1, 2], (1, 1, 3)),
        ((2, 4, 5, 3), 3, (4, 5, 1)),
        ((2, 4, 5, 3), (1, 2, 3), (1, 1, 1)),
    ],
)
def test_prelu_alpha_is_per_element_with_shared_axes_of_size_1(
    shape, shared_axes, alpha_shape
) -> None:
    ours = tkeras.layers.PReLU(shared_axes=shared_axes)
    theirs = keras.layers.PReLU(shared_axes=shared_axes)
    ours.build_from_shape(shape)
    theirs.build(shape)
    assert tuple(ours.alpha.shape) == alpha_shape == tuple(theirs.alpha.shape)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    assert ours.count_params() == theirs.count_params() == math.prod(alpha_shape)
    assert ours.weights[0].name == "alpha"
    np.testing.assert_array_equal(ours.get_weights()[0], np.zeros(alpha_shape))  # init 0


@pytest.mark.parametrize(
    "initializer", ["ones", _CONSTANT, {"class_name": "Constant", "config": {"value": -0.5}}]
)
def test_prelu_alpha_initializer_gives_kerass_numbers_without_copying_weights(initializer) -> None:
    x = np.random.default_rng(1).standard_normal((3, 4, 5)).astype("float32")
    ours = tkeras.layers.PReLU(alpha_initializer=initializer)
    theirs = keras.layers.PReLU(alpha_initializer=initializer)
    np.testing.assert_allclose(
        ours(torch.tensor(x)).detach().numpy(),
        keras.ops.convert_to_numpy(theirs(x)),
        rtol=1e-6,
        atol=1e-6,
    )


def test_prelu_default_is_relu_until_trained() -> None:
    x = torch.tensor([[-2.0, 3.0]])
    torch.testing.assert_close(tkeras.layers.PReLU()(x), torch.tensor([[0.0, 3.0]]))


def test_prelu_alpha_gradient_matches_keras() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3, 5)).astype("float32")
    cot = rng.standard_normal((4, 3, 5)).astype("float32")
    theirs = keras.layers.PReLU(alpha_initializer="random_normal", shared_axes=[1])
    theirs.build(x.shape)
    ours = tkeras.layers.PReLU(shared_axes=[1])
    ours.build_from_shape(x.shape)
    ours.set_weights(theirs.get_weights())
    (torch.as_tensor(theirs(x)) * torch.tensor(cot)).sum().backward()
    (ours(torch.tensor(x)) * torch.tensor(cot)).sum().backward()
    k_grad = keras.ops.convert_to_numpy(theirs.alpha.value.grad)
    np.testing.assert_allclose(ours.alpha.grad.numpy(), k_grad, rtol=1e-5, atol=1e-5)
    assert ours.trainable_weights == [ours.alpha]


def test_prelu_checks_the_non_shared_axes_after_build() -> None:
    layer = tkeras.layers.PReLU(shared_axes=[1])
    layer(torch.zeros(2, 4, 5))
    layer(torch.zeros(3, 7, 5))  # the shared axis may change size
    with pytest.raises(ValueError, match=r"expected axis 2 of input shape to have value 5"):
        layer(torch.zeros(2, 4, 6))


def test_prelu_built_by_shape_inference_gets_real_weights() -> None:
    # DESIGN.md: no meta tensor ever becomes a weight, even when the build happens while the
    # layer is traced on meta tensors (a call on a KerasTensor).
    layer = tkeras.layers.PReLU()
    out = layer(tkeras.Input((3,)))
    assert tuple(out.shape) == (None, 3)
    assert layer.alpha.device.type == "cpu"
    y = layer(torch.ones(2, 3))
    assert y.device.type == "cpu"


# ---------------------------------------------------------------------- Softmax masks


def _mask_parity(shape, mask, axis=-1, dtype="float32") -> np.ndarray:
    x = np.random.default_rng(3).standard_normal(shape).astype(dtype)
    ours, theirs = tkeras.layers.Softmax(axis=axis), keras.layers.Softmax(axis=axis)
    xt, xk = torch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yt = ours(xt, mask=torch.as_tensor(mask))
    yk = theirs(xk, mask=torch.as_tensor(mask))
    np.testing.assert_allclose(
        yt.detach().numpy(), keras.ops.convert_to_numpy(yk), rtol=1e-5, atol=1e-6
    )
    cot = torch.tensor(np.random.default_rng(4).standard_normal(shape).astype(dtype))
    (gt,) = torch.autograd.grad((yt * cot).sum(), xt)
    (gk,) = torch.autograd.grad((yk * cot).sum(), xk)
    np.testing.assert_allclose(gt.numpy(), gk.numpy(), rtol=1e-5, atol=1e-6)
    return yt.detach().numpy()


def test_softmax_bool_mask_matches_keras_and_zeroes_masked_positions() -> None:
    mask = np.random.default_rng(5).random((3, 4, 6)) > 0.4
    mask[0, 0] = False  # a fully masked row
    y = _mask_parity((3, 4, 6), mask)
    assert (y[~mask] == 0).all()
    np.testing.assert_array_equal(y[0, 0], np.zeros(6))  # Keras: all zeros, not uniform
    partial = mask.any(-1)
    np.testing.assert_allclose(y.sum(-1)[partial], 1.0, rtol=1e-6)


@pytest.mark.parametrize(
    "mask",
    [
        np.array([1, 0, 1, 1, 0, 1], dtype="int64"),  # broadcast over the leading axes
        np.array([[0.9], [0.2], [0.7], [0.51]], dtype="float32"),  # > 0.5 keeps
        np.ones((3, 1, 6), dtype=bool),
    ],
    ids=["int-vector", "float-column", "bool-ones"],
)
def test_softmax_non_bool_and_broadcast_masks_match_keras(mask) -> None:
    _mask_parity((3, 4, 6), mask)


def test_softmax_mask_with_several_axes_matches_keras() -> None:
    mask = np.random.default_rng(6).random((2, 4, 6)) > 0.3
    _mask_parity((2, 4, 6), mask, axis=(1, 2))


def test_softmax_float16_mask_uses_a_finite_large_negative() -> None:
    x = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], dtype=torch.float16)
    mask = torch.tensor([[True, False, True], [False, False, False]])
    # autocast=False: a float16 input stays float16 (by default it is cast to float32 first).
    y = tkeras.layers.Softmax(autocast=False)(x, mask=mask)
    assert y.dtype == torch.float16 and not torch.isnan(y).any()
    expected = torch.softmax(torch.tensor([1.0, 3.0]), -1)
    torch.testing.assert_close(y[0, [0, 2]].float(), expected, rtol=1e-3, atol=1e-3)
    assert (y[0, 1] == 0) and (y[1] == 0).all()


def test_softmax_without_mask_is_a_single_torch_softmax() -> None:
    x = torch.randn(3, 5)
    torch.testing.assert_close(tkeras.layers.Softmax(axis=0)(x), torch.softmax(x, 0))


# ---------------------------------------------------------------------- config, shapes, docs


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        ("ReLU", {"max_value": 2.0, "negative_slope": 0.1, "threshold": 0.5}),
        ("LeakyReLU", {"negative_slope": 0.1}),
        ("PReLU", {"alpha_initializer": "ones", "shared_axes": [1]}),
        ("ELU", {"alpha": 0.3}),
        ("Softmax", {"axis": (1, 2)}),
    ],
)
def test_config_round_trip_and_output_shape(cls, kwargs) -> None:
    layer = getattr(tkeras.layers, cls)(**kwargs)
    config = layer.get_config()
    want = getattr(keras.layers, cls)(**kwargs).get_config()  # Keras-shaped, as Keras's
    assert {k: config[k] for k in kwargs} == {k: want[k] for k in kwargs}
    clone = type(layer).from_config(config)
    x = torch.rand(2, 3, 4) + 0.5
    torch.testing.assert_close(clone(x), layer(x))
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 4)
    assert layer.supports_masking


@pytest.mark.parametrize("module", ["relu", "leaky_relu", "prelu", "elu", "softmax"])
def test_docstring_examples_run(module) -> None:
    mod = importlib.import_module(f"tkeras.layers.activations.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "arg, value, expected",
    [
        ("max_value", -1.0, "a float >= 0 or None"),
        ("max_value", float("nan"), "a float >= 0 or None"),
        ("max_value", "6", "a float >= 0 or None"),
        ("negative_slope", -0.1, "a float >= 0"),
        ("negative_slope", None, "a float >= 0"),
        ("threshold", -0.5, "a float >= 0"),
        ("threshold", True, "a float >= 0"),
    ],
)
def test_relu_rejects_bad_arguments(arg, value, expected) -> None:
    with pytest.raises(
        ValueError,
        match=rf"ReLU 're_lu\w*': invalid value received for argument `{arg}`\. Expected "
        rf"{expected}\. Received: {arg}=",
    ):
        tkeras.layers.ReLU(**{arg: value})


@pytest.mark.parametrize("value", [-0.3, None, "0.3"])
def test_leaky_relu_rejects_bad_slope(value) -> None:
    with pytest.raises(
        ValueError,
        match=r"LeakyReLU 'leaky_re_lu\w*': invalid value received for argument "
        r"`negative_slope`\. Expected a float >= 0\. Received: negative_slope=",
    ):
        tkeras.layers.LeakyReLU(negative_slope=value)


@pytest.mark.parametrize("value", [-1.0, float("nan"), "1"])
def test_elu_rejects_bad_alpha(value) -> None:
    with pytest.raises(
        ValueError,
        match=r"ELU 'elu\w*': invalid value received for argument `alpha`\. Expected a float "
        r">= 0\. Received: alpha=",
    ):
        tkeras.layers.ELU(alpha=value)


@pytest.mark.parametrize("value", [0, -1, [1, -1], "1", [1.5], True])
def test_prelu_rejects_shared_axes_that_are_not_input_axes(value) -> None:
    with pytest.raises(
        ValueError,
        match=r"PReLU 'p_re_lu\w*': invalid value received for argument `shared_axes`\. "
        r"Expected None, an int or a list of ints >= 1 .*Received: shared_axes=",
    ):
        tkeras.layers.PReLU(shared_axes=value)


def test_prelu_rejects_shared_axes_beyond_the_input_rank() -> None:
    layer = tkeras.layers.PReLU(shared_axes=[1, 3])
    with pytest.raises(
        ValueError,
        match=r"shared_axes=\[1, 3\] names an axis beyond the input's rank 3 \(input shape "
        r"\(2, 4, 5\)\); expected axes in \[1, 2\]",
    ):
        layer(torch.zeros(2, 4, 5))


def test_prelu_needs_fixed_sizes_on_non_shared_axes() -> None:
    layer = tkeras.layers.PReLU()
    with pytest.raises(
        ValueError,
        match=r"alpha needs a fixed size on every non-shared axis, but the input shape is "
        r"\(None, None, 3\) with shared_axes=None\. Give the axis a size or add it to "
        r"shared_axes",
    ):
        layer.build_from_shape((None, None, 3))
    shared = tkeras.layers.PReLU(shared_axes=1)
    shared.build_from_shape((None, None, 3))
    assert tuple(shared.alpha.shape) == (1, 3)


def test_prelu_rejects_an_unknown_initializer() -> None:
    with pytest.raises(ValueError, match=r"not_an_initializer"):
        tkeras.layers.PReLU(alpha_initializer="not_an_initializer")


@pytest.mark.parametrize("value", ["-1", [], (1, "2"), 1.0, True])
def test_softmax_rejects_bad_axis(value) -> None:
    with pytest.raises(
        ValueError,
        match=r"Softmax 'softmax\w*': invalid value received for argument `axis`\. Expected an "
        r"int, a non-empty list or tuple of ints, or None\. Received: axis=",
    ):
        tkeras.layers.Softmax(axis=value)


@pytest.mark.parametrize("axis, min_ndim", [(3, 4), (-4, 4), ((1, 3), 4)])
def test_softmax_axis_beyond_the_input_rank_raises(axis, min_ndim) -> None:
    with pytest.raises(
        ValueError,
        match=rf'Input 0 of layer "softmax\w*" is incompatible with the layer: expected '
        rf"min_ndim={min_ndim}, found ndim=3\. .*Softmax\(axis=",
    ):
        tkeras.layers.Softmax(axis=axis)(torch.zeros(2, 3, 4))


@pytest.mark.parametrize(
    "mask_shape", [(1, 2, 3, 4), (2, 5), (2, 3, 2)], ids=["more-dims", "last", "middle"]
)
def test_softmax_rejects_a_mask_that_does_not_broadcast(mask_shape) -> None:
    with pytest.raises(
        ValueError,
        match=r"Softmax 'softmax\w*': the `mask` must be broadcastable to `inputs`.*"
        rf"Received: inputs.shape=\(2, 3, 4\), mask.shape={re_shape(mask_shape)}",
    ):
        tkeras.layers.Softmax()(torch.zeros(2, 3, 4), mask=torch.ones(mask_shape, dtype=bool))


def re_shape(shape: tuple) -> str:
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")
