"""Normalization layers (BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization): parity with Keras 3 in inference and training mode, BatchNormalization's
moving statistics, masks and renorm, weights, and every error message."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

# LayerNormalization's rms_scaling is deprecated in Keras 3 and warns in both libraries.
pytestmark = pytest.mark.filterwarnings("ignore:.*rms_scaling=True.*")

_NORMAL = {"class_name": "RandomNormal", "config": {"mean": 0.5, "stddev": 0.3, "seed": 1}}
_UNIFORM = {"class_name": "RandomUniform", "config": {"minval": 0.5, "maxval": 2.0, "seed": 2}}
_POSITIVE = {"class_name": "RandomUniform", "config": {"minval": 0.2, "maxval": 3.0, "seed": 3}}
_FOUR = {"class_name": "Constant", "config": {"value": 4.0}}
_ONE = {"class_name": "Constant", "config": {"value": 1.0}}
_CLIPPING = {"rmax": 1.5, "rmin": 0.6, "dmax": 0.3}


def _both_modes(layer: str, kwargs: dict, shape: tuple, name: str) -> list[Case]:
    return [
        Case(layer, kwargs, shape, id=f"{name}-inference"),
        Case(layer, kwargs, shape, training=True, id=f"{name}-training"),
    ]


def _batch_normalization() -> list[Case]:
    bn = "BatchNormalization"
    cases = []
    for shape, axis, name in [
        ((6, 5), -1, "rank2"),
        ((4, 7, 5), -1, "rank3"),
        ((3, 5, 6, 4), -1, "rank4"),
        ((2, 3, 4, 5, 3), -1, "rank5"),
        ((2, 3, 4, 2, 3, 2), -1, "rank6"),
        ((6, 5), 1, "rank2-axis1"),
        ((4, 5, 7), 1, "rank3-axis1"),
        ((3, 4, 5, 6), 1, "rank4-axis1"),
        ((2, 3, 4, 5, 3), 1, "rank5-axis1"),
        ((3, 5, 4, 6), 2, "rank4-axis2"),
        ((3, 5, 4, 6), -2, "rank4-axis-2"),
        ((5, 3), 0, "rank2-axis0"),
    ]:
        cases += _both_modes(bn, {"axis": axis}, shape, f"BN-{name}")
    # Keras's torch backend fails on a rank-1 input in training mode (a reshape error).
    cases.append(Case(bn, {}, (7,), id="BN-rank1-inference"))
    for kwargs, name in [
        ({"center": False}, "no-center"),
        ({"scale": False}, "no-scale"),
        ({"center": False, "scale": False}, "no-center-no-scale"),
        ({"momentum": 0.5, "epsilon": 0.1}, "momentum-epsilon"),
        (
            {
                "beta_initializer": _NORMAL,
                "gamma_initializer": _UNIFORM,
                "moving_mean_initializer": _NORMAL,
                "moving_variance_initializer": _POSITIVE,
            },
            "initializers",
        ),
        ({"synchronized": False}, "synchronized-false"),
        (
            {
                "trainable": False,
                "moving_mean_initializer": _NORMAL,
                "moving_variance_initializer": _POSITIVE,
            },
            "frozen",
        ),
    ]:
        cases += _both_modes(bn, kwargs, (3, 4, 5, 6), f"BN-{name}")
    cases += [
        Case(bn, {}, (1, 4), training=True, id="BN-one-value-per-channel-training"),
        Case(bn, {"axis": 1}, (1, 4, 1), training=True, id="BN-rank3-one-value-training"),
        Case(bn, {"epsilon": 0.0}, (6, 3), training=True, id="BN-epsilon0-training"),
        # Renorm's training output depends on its statistics before the call, which
        # check_case cannot copy from Keras (Keras is called first), so training-mode renorm
        # is checked by test_moving_statistics_after_three_training_calls_equal_keras.
        Case(
            bn,
            {
                "renorm": True,
                "renorm_clipping": _CLIPPING,
                "renorm_momentum": 0.5,
                "moving_mean_initializer": _ONE,
                "moving_variance_initializer": _FOUR,
            },
            (3, 4, 5, 6),
            id="BN-renorm-inference",
        ),
    ]
    return cases


def _layer_normalization() -> list[Case]:
    ln = "LayerNormalization"
    return [
        Case(ln, {}, (4, 6), id="LN-rank2"),
        Case(ln, {}, (3, 4, 6), id="LN-rank3"),
        Case(ln, {}, (2, 3, 4, 6), id="LN-rank4"),
        Case(ln, {}, (3, 4, 6), training=True, id="LN-training"),
        Case(ln, {"axis": 2}, (3, 4, 6), id="LN-axis2-positive"),
        Case(ln, {"axis": [1, 2]}, (3, 4, 6), id="LN-axis-list-trailing"),
        Case(ln, {"axis": (-2, -1)}, (2, 3, 4, 5), id="LN-axis-tuple-negative"),
        Case(ln, {"axis": [1, 3]}, (2, 3, 4, 5), id="LN-axis-list-gap"),
        Case(ln, {"axis": [3, 1]}, (2, 3, 4, 5), id="LN-axis-list-unsorted"),
        Case(ln, {"axis": [-1, 1]}, (2, 3, 4), id="LN-axis-list-mixed-signs"),
        Case(ln, {"axis": [2, -1]}, (2, 3, 4, 5), id="LN-axis-list-mixed-signs-trailing"),
        Case(ln, {"epsilon": 0.5}, (3, 4, 6), id="LN-epsilon"),
        Case(ln, {"center": False}, (3, 6), id="LN-no-center"),
        Case(ln, {"scale": False}, (3, 6), id="LN-no-scale"),
        Case(
            ln,
            {"center": False, "scale": False, "axis": [1, 3]},
            (2, 3, 4, 5),
            id="LN-no-affine-gap",
        ),
        Case(
            ln,
            {"beta_initializer": _NORMAL, "gamma_initializer": _UNIFORM},
            (3, 4, 6),
            id="LN-initializers",
        ),
        Case(
            ln,
            {"beta_initializer": _NORMAL, "gamma_initializer": _UNIFORM, "axis": [1, 3]},
            (2, 3, 4, 5),
            id="LN-initializers-gap",
        ),
        Case(
            ln, {"rms_scaling": True, "gamma_initializer": _UNIFORM}, (3, 4, 6), id="LN-rms-scaling"
        ),
        Case(
            ln,
            {"rms_scaling": True, "scale": False, "center": True},
            (3, 6),
            id="LN-rms-scaling-no-scale",
        ),
        Case(
            ln,
            {"rms_scaling": True, "axis": [1, 3], "gamma_initializer": _UNIFORM},
            (2, 3, 4, 5),
            id="LN-rms-scaling-gap",
        ),
    ]


def _group_normalization() -> list[Case]:
    gn = "GroupNormalization"
    return [
        Case(gn, {"groups": 2}, (3, 5, 6, 4), id="GN-rank4"),
        Case(gn, {"groups": 3}, (3, 7, 6), id="GN-rank3"),
        Case(gn, {"groups": 2}, (3, 4, 5, 4, 6), id="GN-rank5"),
        Case(gn, {"groups": 2}, (5, 6), id="GN-rank2"),
        Case(gn, {"groups": 2}, (3, 5, 6, 4), training=True, id="GN-training"),
        Case(gn, {"groups": 1}, (3, 5, 6, 4), id="GN-groups1"),
        Case(gn, {"groups": -1}, (3, 5, 6, 4), id="GN-instance"),
        Case(gn, {}, (2, 3, 64), id="GN-default-groups"),
        Case(gn, {"groups": 2, "axis": 1}, (3, 4, 5, 6), id="GN-channels-first"),
        Case(gn, {"groups": 3, "axis": 2}, (3, 4, 6, 5), id="GN-axis2"),
        Case(gn, {"groups": 3, "axis": -2}, (3, 4, 6, 5), id="GN-axis-2"),
        Case(gn, {"groups": 2, "epsilon": 0.5}, (3, 5, 4), id="GN-epsilon"),
        Case(gn, {"groups": 2, "center": False}, (3, 5, 4), id="GN-no-center"),
        Case(gn, {"groups": 2, "scale": False}, (3, 5, 4), id="GN-no-scale"),
        Case(
            gn,
            {"groups": 2, "beta_initializer": _NORMAL, "gamma_initializer": _UNIFORM},
            (3, 5, 5, 4),
            id="GN-initializers",
        ),
    ]


def _unit_normalization() -> list[Case]:
    un = "UnitNormalization"
    return [
        Case(un, {}, (4, 6), id="UN-rank2"),
        Case(un, {}, (2, 3, 4, 6), id="UN-rank4"),
        Case(un, {"axis": 1}, (3, 4, 6), id="UN-axis1"),
        Case(un, {"axis": -2}, (3, 4, 6), id="UN-axis-2"),
        Case(un, {"axis": [1, 2]}, (3, 4, 6), id="UN-axis-list"),
        Case(un, {"axis": (1, 3)}, (2, 3, 4, 5), id="UN-axis-tuple-gap"),
    ]


CASES: list[Case] = (
    _batch_normalization() + _layer_normalization() + _group_normalization() + _unit_normalization()
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    check_case(case)


# ---------------------------------------------------------------------------- helpers


def _pair(name: str, shape: tuple, **kwargs):
    """The same layer in Keras and tkeras, built, with Keras's weights copied into tkeras."""
    k_layer = getattr(keras.layers, name)(**kwargs)
    t_layer = getattr(tkeras.layers, name)(**kwargs)
    k_layer.build(shape)
    t_layer.build_from_shape(shape)
    t_layer.set_weights(k_layer.get_weights())
    return k_layer, t_layer


def _np(y) -> np.ndarray:
    return keras.ops.convert_to_numpy(y) if not isinstance(y, np.ndarray) else y


def _assert_same_weights(k_layer, t_layer) -> None:
    k_weights, t_weights = k_layer.get_weights(), t_layer.get_weights()
    assert len(k_weights) == len(t_weights)
    for a, b in zip(k_weights, t_weights):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5)


def _inputs(shape: tuple, seed: int, scale: float = 2.0, shift: float = 0.7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale + shift).astype("float32")


# ---------------------------------------------------------------------------- BatchNormalization


@pytest.mark.parametrize(
    "shape,kwargs",
    [
        pytest.param((8, 5, 5, 3), {}, id="rank4"),
        pytest.param((6, 4), {"momentum": 0.5}, id="rank2-momentum"),
        pytest.param((6, 3, 7), {"axis": 1, "momentum": 0.8}, id="rank3-axis1"),
        pytest.param((4, 3, 5, 6), {"axis": 2, "scale": False}, id="rank4-axis2"),
        pytest.param(
            (6, 4, 3),
            {"renorm": True, "renorm_clipping": _CLIPPING, "renorm_momentum": 0.7},
            id="renorm-clipping",
        ),
        pytest.param(
            (6, 4, 3),
            {"renorm": True, "momentum": 0.6, "moving_variance_initializer": _FOUR},
            id="renorm-stddev2",
        ),
        pytest.param(
            (6, 4, 3),
            {
                "renorm": True,
                "center": False,
                "scale": False,
                "renorm_momentum": 0.5,
                "moving_mean_initializer": _ONE,
                "moving_variance_initializer": _FOUR,
            },
            id="renorm-no-affine",
        ),
        pytest.param(
            (1, 4), {"renorm": True, "moving_variance_initializer": _FOUR}, id="renorm-one-value"
        ),
        pytest.param((1, 4), {"momentum": 0.5}, id="one-value"),
        pytest.param((6, 3), {"epsilon": 0.0, "momentum": 0.5}, id="epsilon0"),
    ],
)
def test_moving_statistics_after_three_training_calls_equal_keras(shape, kwargs):
    k_layer, t_layer = _pair("BatchNormalization", shape, **kwargs)
    for step in range(3):
        x = _inputs(shape, seed=step)
        yk = k_layer(torch.tensor(x), training=True)
        yt = t_layer(torch.tensor(x), training=True)
        np.testing.assert_allclose(yt.detach().numpy(), _np(yk), rtol=1e-5, atol=1e-5)
    _assert_same_weights(k_layer, t_layer)
    moved = t_layer.moving_mean.numpy()
    assert np.abs(moved).max() > 1e-3, "the moving mean did not move"
    x = _inputs(shape, seed=9)
    np.testing.assert_allclose(
        t_layer(torch.tensor(x)).detach().numpy(),
        _np(k_layer(torch.tensor(x))),
        rtol=1e-5,
        atol=1e-5,
    )


def test_moving_statistics_use_the_biased_variance_by_hand():
    layer = tkeras.layers.BatchNormalization(momentum=0.5, epsilon=0.0)
    y = layer(torch.tensor([[0.0], [2.0]]), training=True)
    # mean 1, biased variance 1 (torch's running_var would use the unbiased 2).
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.5])
    np.testing.assert_allclose(layer.moving_variance.numpy(), [1.0])
    np.testing.assert_allclose(y.detach().numpy(), [[-1.0], [1.0]])


def test_inference_does_not_update_the_moving_statistics():
    layer = tkeras.layers.BatchNormalization()
    x = torch.tensor(_inputs((6, 3), seed=0))
    layer(x)
    layer(x, training=False)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3, "float32"))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.ones(3, "float32"))


def test_module_train_mode_means_training():
    layer = tkeras.layers.BatchNormalization(momentum=0.0)
    x = torch.tensor(_inputs((6, 3), seed=0))
    layer.train()
    layer(x)
    np.testing.assert_allclose(layer.moving_mean.numpy(), x.mean(0).numpy(), rtol=1e-6)


@pytest.mark.parametrize("set_after_build", [False, True])
def test_frozen_layer_in_training_uses_and_keeps_moving_statistics(set_after_build):
    shape = (6, 4, 3)
    kwargs = {"moving_mean_initializer": _NORMAL, "moving_variance_initializer": _POSITIVE}
    if not set_after_build:
        kwargs["trainable"] = False
    k_layer, t_layer = _pair("BatchNormalization", shape, **kwargs)
    if set_after_build:
        k_layer.trainable = False
        t_layer.trainable = False
    before = t_layer.get_weights()
    x = _inputs(shape, seed=1)
    for _ in range(3):
        yk = k_layer(torch.tensor(x), training=True)
        yt = t_layer(torch.tensor(x), training=True)
    np.testing.assert_allclose(yt.detach().numpy(), _np(yk), rtol=1e-5, atol=1e-5)
    inference = t_layer(torch.tensor(x), training=False)
    np.testing.assert_array_equal(yt.detach().numpy(), inference.detach().numpy())
    for a, b in zip(before, t_layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    _assert_same_weights(k_layer, t_layer)
    assert t_layer.trainable_weights == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"center": False},
        {"scale": False},
        {"center": False, "scale": False},
        {"renorm": True},
        {"renorm": True, "scale": False},
    ],
    ids=str,
)
def test_batch_normalization_weights_match_keras(kwargs):
    k_layer, t_layer = _pair("BatchNormalization", (2, 5, 3), **kwargs)
    assert [w.name for w in t_layer.weights] == [w.name for w in k_layer.weights]
    assert [w.trainable for w in t_layer.weights] == [w.trainable for w in k_layer.weights]
    assert [w.name for w in t_layer.trainable_weights] == [
        w.name for w in k_layer.trainable_weights
    ]
    assert [w.keras_shape for w in t_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert t_layer.count_params() == k_layer.count_params()
    for var in t_layer.non_trainable_weights:
        assert not var.requires_grad


def test_renorm_initial_statistics_equal_keras():
    k_layer = keras.layers.BatchNormalization(renorm=True, moving_variance_initializer=_FOUR)
    t_layer = tkeras.layers.BatchNormalization(renorm=True, moving_variance_initializer=_FOUR)
    k_layer.build((2, 3))
    t_layer.build_from_shape((2, 3))
    _assert_same_weights(k_layer, t_layer)
    np.testing.assert_allclose(t_layer.moving_stddev.numpy(), [2.0, 2.0, 2.0])


@pytest.mark.parametrize(
    "shape,kwargs,mask",
    [
        ((4, 6, 3), {}, "random"),
        ((4, 6, 3), {"momentum": 0.5, "center": False}, "random"),
        ((4, 6, 3), {"renorm": True, "renorm_clipping": _CLIPPING}, "random"),
        ((2, 5, 4, 3), {}, "random"),
        ((4, 3, 6), {"axis": 1}, "random"),
        ((4, 6, 3), {}, "float"),
        ((4, 6, 3), {}, "all-false"),
    ],
    ids=str,
)
def test_masked_training_statistics_equal_keras(shape, kwargs, mask):
    k_layer, t_layer = _pair("BatchNormalization", shape, **kwargs)
    rng = np.random.default_rng(5)
    if mask == "all-false":
        m = np.zeros(shape[:-1], bool)
    else:
        m = rng.random(shape[:-1]) > 0.4
        if mask == "float":
            m = m.astype("float32") * 2.5
    for step in range(3):
        x = _inputs(shape, seed=step)
        xk = torch.tensor(x, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        yk = k_layer(xk, training=True, mask=torch.tensor(m))
        yt = t_layer(xt, training=True, mask=torch.tensor(m))
        np.testing.assert_allclose(yt.detach().numpy(), _np(yk), rtol=1e-5, atol=1e-5)
        cot = torch.tensor(rng.standard_normal(shape).astype("float32"))
        (gk,) = torch.autograd.grad((yk * cot).sum(), xk)
        (gt,) = torch.autograd.grad((yt * cot).sum(), xt)
        np.testing.assert_allclose(gt.numpy(), gk.detach().numpy(), rtol=1e-4, atol=1e-5)
    _assert_same_weights(k_layer, t_layer)


def test_mask_is_ignored_in_inference():
    layer = tkeras.layers.BatchNormalization(moving_mean_initializer=_NORMAL)
    x = torch.tensor(_inputs((4, 6, 3), seed=0))
    mask = torch.tensor(np.random.default_rng(0).random((4, 6)) > 0.5)
    np.testing.assert_array_equal(layer(x, mask=mask).detach().numpy(), layer(x).detach().numpy())


def test_mask_of_the_wrong_rank_is_rejected():
    layer = tkeras.layers.BatchNormalization(name="bn")
    x = torch.ones(4, 6, 3)
    message = (
        r"BatchNormalization 'bn': the mask must have one dimension less than the inputs\. "
        r"Received: mask\.shape=\(4, 6, 3\), inputs\.shape=\(4, 6, 3\)"
    )
    with pytest.raises(ValueError, match=message):
        layer(x, training=True, mask=torch.ones(4, 6, 3))


def test_batch_normalization_gradients_reach_gamma_and_beta_in_training():
    k_layer, t_layer = _pair(
        "BatchNormalization", (5, 4), gamma_initializer=_UNIFORM, beta_initializer=_NORMAL
    )
    x = _inputs((5, 4), seed=3)
    cot = torch.tensor(_inputs((5, 4), seed=4))
    yk = k_layer(torch.tensor(x), training=True)
    yt = t_layer(torch.tensor(x), training=True)
    gk = torch.autograd.grad((yk * cot).sum(), [k_layer.gamma.value, k_layer.beta.value])
    gt = torch.autograd.grad((yt * cot).sum(), [t_layer.gamma, t_layer.beta])
    for a, b in zip(gk, gt):
        np.testing.assert_allclose(b.numpy(), a.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_channels_last_output_keeps_the_layout():
    layer = tkeras.layers.BatchNormalization()
    for training in (False, True):
        y = layer(torch.randn(2, 5, 5, 3), training=training)
        assert y.is_contiguous()


def test_symbolic_shape_and_build_do_not_change_statistics():
    layer = tkeras.layers.BatchNormalization()
    out = layer(tkeras.Input((5, 3)))
    assert tuple(out.shape) == (None, 5, 3)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3, "float32"))


@pytest.mark.gpu
def test_training_step_on_cuda_never_syncs_with_the_host():
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA (sync debug mode)")
    layer = tkeras.layers.BatchNormalization(renorm=False).to("cuda")
    x = torch.randn(8, 5, 5, 3, device="cuda", requires_grad=True)
    layer(x, training=True)  # builds
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        y = layer(x, training=True)
        y.sum().backward()
        layer(x, training=False)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert layer.moving_mean.device.type == "cuda"


# ---------------------------------------------------------------------------- other layers


def test_layer_normalization_on_a_non_trailing_axis_normalizes_that_axis():
    # Keras's torch backend runs F.layer_norm over the last axis here (a bug); tkeras follows
    # Keras's documented semantics, checked by hand.
    x = _inputs((2, 3, 4), seed=0)
    layer = tkeras.layers.LayerNormalization(
        axis=1, epsilon=0.01, gamma_initializer=_UNIFORM, beta_initializer=_NORMAL
    )
    y = layer(torch.tensor(x)).detach().numpy()
    gamma, beta = layer.get_weights()
    assert gamma.shape == beta.shape == (3,)
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    expected = (x - mean) / np.sqrt(var + 0.01) * gamma[:, None] + beta[:, None]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


def test_layer_normalization_rms_scaling_by_hand_and_weights():
    with pytest.warns(UserWarning, match=r"LayerNormalization: `rms_scaling=True` is deprecated"):
        layer = tkeras.layers.LayerNormalization(rms_scaling=True, epsilon=0.0)
    x = np.array([[1.0, 3.0]], "float32")
    y = layer(torch.tensor(x)).detach().numpy()
    # Divided by the standard deviation (1), not the RMS, and not centered (as Keras).
    np.testing.assert_allclose(y, x, rtol=1e-6)
    assert [w.name for w in layer.weights] == ["gamma"]
    assert layer.get_config()["rms_scaling"] is True


@pytest.mark.parametrize(
    "name,shape,kwargs",
    [
        ("LayerNormalization", (2, 3, 4), {}),
        ("LayerNormalization", (2, 3, 4, 5), {"axis": [-1, 1]}),
        ("LayerNormalization", (2, 3, 4), {"center": False}),
        ("LayerNormalization", (2, 3, 4), {"rms_scaling": True}),
        ("LayerNormalization", (2, 3, 4), {"scale": False, "rms_scaling": True}),
        ("GroupNormalization", (2, 3, 4), {"groups": 2}),
        ("GroupNormalization", (2, 3, 4), {"groups": 2, "scale": False}),
        ("UnitNormalization", (2, 3), {}),
    ],
    ids=str,
)
def test_weights_match_keras(name, shape, kwargs):
    k_layer, t_layer = _pair(name, shape, **kwargs)
    assert [w.name for w in t_layer.weights] == [w.name for w in k_layer.weights]
    assert [w.keras_shape for w in t_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert [w.trainable for w in t_layer.weights] == [w.trainable for w in k_layer.weights]


def test_unit_normalization_by_hand_and_zero_vector():
    layer = tkeras.layers.UnitNormalization()
    y = layer(torch.tensor([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(y.numpy(), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    tiny = torch.tensor([[1e-20, 0.0]])
    yk = keras.layers.UnitNormalization()(tiny)
    np.testing.assert_allclose(layer(tiny).numpy(), _np(yk), rtol=1e-6)


def test_group_normalization_instance_mode_sets_groups_to_channels():
    layer = tkeras.layers.GroupNormalization(groups=-1)
    layer(torch.randn(2, 4, 6))
    assert layer.groups == 6


@pytest.mark.parametrize(
    "name",
    ["BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization"],
)
def test_signatures_and_config_match_keras(name):
    k_sig = inspect.signature(getattr(keras.layers, name))
    t_sig = inspect.signature(getattr(tkeras.layers, name))
    assert list(t_sig.parameters) == list(k_sig.parameters)
    for pname, param in k_sig.parameters.items():
        assert t_sig.parameters[pname].default == param.default, pname
    layer = getattr(tkeras.layers, name)(name="n")
    config = layer.get_config()
    assert set(k_sig.parameters) - {"kwargs"} <= set(config)
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_supports_masking_passes_the_mask_through():
    for name in [
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
    ]:
        layer = getattr(tkeras.layers, name)()
        assert layer.supports_masking
        mask = torch.tensor([[True, False]])
        assert layer.compute_mask(torch.ones(1, 2, 4), mask) is mask


# ---------------------------------------------------------------------------- errors


def test_synchronized_without_a_process_group_is_plain_batch_norm():
    x = torch.randn(6, 4)
    plain, synced = (tkeras.layers.BatchNormalization(synchronized=s) for s in (False, True))
    torch.testing.assert_close(synced(x, training=True), plain(x, training=True))
    torch.testing.assert_close(synced.moving_variance, plain.moving_variance)
    assert synced.get_config()["synchronized"] is True


@pytest.mark.parametrize(
    "clipping,message",
    [
        (
            {"rmax": 2.0, "max": 1.0},
            r"BatchNormalization 'bn': invalid keys \['max'\] in the `renorm_clipping` argument; "
            r"expected only \['rmax', 'rmin', 'dmax'\]\. Received: renorm_clipping=",
        ),
        (
            {"rmax": 0.5, "rmin": 1.0},
            r"BatchNormalization 'bn': `renorm_clipping` needs rmax >= rmin\. Received: rmax=0\.5, "
            r"rmin=1\.0",
        ),
        (
            {"dmax": -1.0},
            r"BatchNormalization 'bn': `renorm_clipping` needs a non-negative dmax\. Received: "
            r"dmax=-1\.0",
        ),
    ],
)
def test_invalid_renorm_clipping_is_rejected(clipping, message):
    with pytest.raises(ValueError, match=message):
        tkeras.layers.BatchNormalization(renorm=True, renorm_clipping=clipping, name="bn")


@pytest.mark.parametrize(
    "make,message",
    [
        (
            lambda: tkeras.layers.BatchNormalization(axis=[1]),
            r"BatchNormalization: expected an int for the argument `axis`, but received: "
            r"axis=\[1\]",
        ),
        (
            lambda: tkeras.layers.GroupNormalization(axis=1.5),
            r"GroupNormalization: expected an int for the argument `axis`, but received: axis=1\.5",
        ),
        (
            lambda: tkeras.layers.LayerNormalization(axis="last"),
            r"LayerNormalization: expected an int or a list/tuple of ints for the argument "
            r"`axis`, but received: axis='last'",
        ),
        (
            lambda: tkeras.layers.UnitNormalization(axis=[1, None]),
            r"UnitNormalization: expected an int or a non-empty list/tuple of ints for the "
            r"argument `axis`, but received: axis=\[1, None\]",
        ),
        (
            lambda: tkeras.layers.LayerNormalization(axis=[]),
            r"LayerNormalization: expected an int or a non-empty list/tuple of ints for the "
            r"argument `axis`, but received: axis=\[\]",
        ),
    ],
)
def test_axis_of_the_wrong_type_is_rejected(make, message):
    with pytest.raises(TypeError, match=message):
        make()


@pytest.mark.parametrize(
    "name,kwargs,axis_repr",
    [
        ("BatchNormalization", {"axis": 3}, "3"),
        ("BatchNormalization", {"axis": -4}, "-4"),
        ("LayerNormalization", {"axis": [1, 3]}, r"\[1, 3\]"),
        ("GroupNormalization", {"axis": 3, "groups": 1}, "3"),
        ("UnitNormalization", {"axis": (1, -4)}, r"\[1, -4\]"),
    ],
)
def test_axis_out_of_bounds_is_rejected(name, kwargs, axis_repr):
    layer = getattr(tkeras.layers, name)(name="n", **kwargs)
    message = (
        rf"{name} 'n': axis -?\d is out of bounds for an input of rank 3\. Received: "
        rf"axis={axis_repr}, input_shape=\(2, 3, 4\)"
    )
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(2, 3, 4))


def test_layer_normalization_repeated_axis_is_rejected():
    layer = tkeras.layers.LayerNormalization(axis=[2, -1], name="ln")
    message = (
        r"LayerNormalization 'ln': the `axis` argument names the same input axis twice\. "
        r"Received: axis=\[2, -1\], input_shape=\(2, 3, 4\)"
    )
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(2, 3, 4))


@pytest.mark.parametrize("name", ["BatchNormalization", "LayerNormalization", "GroupNormalization"])
def test_unknown_channel_size_is_rejected_at_build(name):
    kwargs = {"groups": 1} if name == "GroupNormalization" else {}
    layer = getattr(tkeras.layers, name)(name="n", **kwargs)
    message = (
        rf"{name} 'n': axis 2 of the input must have a known size to build the layer's "
        r"weights\. Received: input_shape=\(None, 3, None\)"
    )
    with pytest.raises(ValueError, match=message):
        layer.build_from_shape((None, 3, None))


@pytest.mark.parametrize("name", ["BatchNormalization", "LayerNormalization", "GroupNormalization"])
def test_other_channel_count_after_build_is_rejected(name):
    kwargs = {"groups": 1} if name == "GroupNormalization" else {}
    layer = getattr(tkeras.layers, name)(name="n", **kwargs)
    layer(torch.ones(2, 3, 4))
    message = (
        r'Input 0 of layer "n" is incompatible with the layer: expected axis -?\d of input '
        r"shape to have value 4, but received input with shape \(2, 3, 5\)"
    )
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(2, 3, 5))
    with pytest.raises(ValueError, match=r'layer "n" .* expected ndim=3, found ndim=2'):
        layer(torch.ones(2, 4))


@pytest.mark.parametrize("groups", [0, -2, 2.0, "2", True])
def test_group_normalization_invalid_groups_is_rejected(groups):
    message = (
        r"GroupNormalization 'gn': received an invalid value for argument `groups`, "
        r"expected a positive integer \(or -1 for instance normalization\), got "
        rf"groups={groups!r}\."
    )
    with pytest.raises(ValueError, match=message):
        tkeras.layers.GroupNormalization(groups=groups, name="gn")


@pytest.mark.parametrize(
    "groups,shape,message",
    [
        (
            3,
            (2, 5, 4),
            r"GroupNormalization 'gn': the number of channels \(4\) must be a multiple of the "
            r"number of groups \(3\)\. Received: groups=3, input_shape=\(2, 5, 4\)",
        ),
        (
            8,
            (2, 5, 4),
            r"GroupNormalization 'gn': the number of groups \(8\) cannot be more than the number "
            r"of channels \(4\)\. Received: groups=8, input_shape=\(2, 5, 4\)",
        ),
        (
            32,
            (2, 5, 16),
            r"GroupNormalization 'gn': the number of groups \(32\) cannot be more than the number "
            r"of channels \(16\)",
        ),
    ],
)
def test_group_normalization_groups_must_divide_channels(groups, shape, message):
    layer = tkeras.layers.GroupNormalization(groups=groups, name="gn")
    with pytest.raises(ValueError, match=message):
        layer(torch.ones(shape))
    with pytest.raises(ValueError):
        keras.layers.GroupNormalization(groups=groups)(torch.ones(shape))


def test_group_normalization_rejects_rank1_and_the_batch_axis():
    with pytest.raises(
        ValueError,
        match=r"GroupNormalization 'gn': expects inputs of rank >= 2 "
        r"\(batch, \.\.\., channels\)\. Received: "
        r"input_shape=\(4,\)",
    ):
        tkeras.layers.GroupNormalization(groups=1, name="gn")(torch.ones(4))
    with pytest.raises(
        ValueError,
        match=r"GroupNormalization 'gn0': `axis` must name a channels "
        r"axis, not the batch axis 0\. Received: axis=-3, "
        r"input_shape=\(2, 3, 4\)",
    ):
        tkeras.layers.GroupNormalization(groups=1, axis=-3, name="gn0")(torch.ones(2, 3, 4))


def test_renorm_arguments_without_renorm_are_rejected():
    for kwargs in ({"renorm_clipping": _CLIPPING}, {"renorm_momentum": 0.5}):
        with pytest.raises(
            ValueError, match=r"only apply with renorm=True. Received: renorm=False"
        ):
            tkeras.layers.BatchNormalization(**kwargs)
