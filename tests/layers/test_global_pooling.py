"""GlobalAveragePooling1D/2D/3D and GlobalMaxPooling1D/2D/3D: Keras parity (masked mean
included), shapes, config, aliases, and every error message."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

NAMES = [f"Global{kind}Pooling{rank}D" for kind in ("Average", "Max") for rank in (1, 2, 3)]
ALIASES = {
    f"Global{short}Pool{rank}D": f"Global{kind}Pooling{rank}D"
    for short, kind in (("Avg", "Average"), ("Max", "Max"))
    for rank in (1, 2, 3)
}
# Odd, unequal spatial sizes so an axis mix-up changes the shape or the numbers.
SPATIAL = {1: (7,), 2: (5, 6), 3: (3, 4, 5)}
CHANNELS = 3


def _shape(rank: int, fmt: str) -> tuple[int, ...]:
    if fmt == "channels_last":
        return (2, *SPATIAL[rank], CHANNELS)
    return (2, CHANNELS, *SPATIAL[rank])


def _cases() -> list[Case]:
    cases = []
    for name in NAMES:
        rank = int(name[-2])
        for fmt in ("channels_last", "channels_first"):
            for keepdims in (False, True):
                kwargs = {}
                # Leave the defaults out where they apply, so the defaults are exercised too.
                if fmt == "channels_first":
                    kwargs["data_format"] = fmt
                if keepdims:
                    kwargs["keepdims"] = True
                cases.append(
                    Case(name, kwargs, _shape(rank, fmt), id=f"{name}-{fmt}-keepdims{keepdims}")
                )
    # The aliases are the same classes; one case each checks that Keras's name resolves too.
    for alias, name in ALIASES.items():
        rank = int(name[-2])
        cases.append(Case(alias, {}, _shape(rank, "channels_last"), id=alias))
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity_with_keras(case):
    check_case(case)


# ---------------------------------------------------------------- the masked mean


def _mask(batch: int, steps: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mask = rng.random((batch, steps)) < 0.6
    mask[:, 0] = True  # every row keeps a step: an all-masked row is 0 / 0
    mask[1] = True  # and one row keeps them all
    return mask


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("mask_dtype", ["bool", "float32"])
def test_masked_average_matches_keras(fmt, keepdims, mask_dtype):
    kwargs = {"data_format": fmt, "keepdims": keepdims}
    shape = (3, 6, 4) if fmt == "channels_last" else (3, 4, 6)
    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    mask = _mask(3, 6).astype(mask_dtype)
    xk = torch.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yk = keras.layers.GlobalAveragePooling1D(**kwargs)(xk, mask=torch.tensor(mask))
    yt = tkeras.layers.GlobalAveragePooling1D(**kwargs)(xt, mask=torch.tensor(mask))
    yk_np = keras.ops.convert_to_numpy(yk)
    assert yt.shape == yk_np.shape
    np.testing.assert_allclose(yt.detach().numpy(), yk_np, rtol=1e-5, atol=1e-5)
    cot = torch.randn(yt.shape, generator=torch.Generator().manual_seed(1))
    (gk,) = torch.autograd.grad((yk * cot).sum(), xk)
    (gt,) = torch.autograd.grad((yt * cot).sum(), xt)
    np.testing.assert_allclose(gt.numpy(), gk.detach().numpy(), rtol=1e-5, atol=1e-5)
    # A masked step gets no gradient, and the mask really changed the result.
    steps_axis = 1 if fmt == "channels_last" else 2
    dropped = np.expand_dims(~mask.astype(bool), 3 - steps_axis)
    assert np.all(np.where(dropped, gt.numpy(), 0.0) == 0.0)
    unmasked = tkeras.layers.GlobalAveragePooling1D(**kwargs)(torch.tensor(x))
    assert not torch.allclose(unmasked, yt)


def test_masked_average_by_hand():
    x = torch.tensor([[[1.0], [2.0], [30.0], [6.0]]])
    mask = torch.tensor([[True, True, False, True]])
    y = tkeras.layers.GlobalAveragePooling1D()(x, mask=mask)
    assert y.tolist() == [[3.0]]  # (1 + 2 + 6) / 3; the 30 is masked out


def test_a_nan_in_a_masked_step_does_not_leak():
    x = torch.tensor([[[1.0], [float("nan")], [3.0]]])
    mask = torch.tensor([[1.0, 0.0, 1.0]])
    assert tkeras.layers.GlobalAveragePooling1D()(x, mask=mask).tolist() == [[2.0]]
    k = keras.layers.GlobalAveragePooling1D()(x, mask=mask)
    assert keras.ops.convert_to_numpy(k).tolist() == [[2.0]]


def test_a_fully_masked_row_gives_nan_as_in_keras():
    x = torch.ones(2, 3, 2)
    mask = torch.tensor([[True, True, True], [False, False, False]])
    y = tkeras.layers.GlobalAveragePooling1D()(x, mask=mask)
    k = keras.ops.convert_to_numpy(keras.layers.GlobalAveragePooling1D()(x, mask=mask))
    assert y[0].tolist() == [1.0, 1.0] and torch.isnan(y[1]).all()
    np.testing.assert_array_equal(np.isnan(k), torch.isnan(y).numpy())


def test_the_mask_from_masking_reaches_the_pooling_in_a_model():
    x = np.random.default_rng(0).standard_normal((3, 5, 4)).astype("float32")
    x[0, 3:] = 0.0  # padded steps
    x[2, 1] = 0.0
    results = []
    for lib in (keras, tkeras):
        model = lib.Sequential(
            [lib.Input((5, 4)), lib.layers.Masking(), lib.layers.GlobalAveragePooling1D()]
        )
        results.append(keras.ops.convert_to_numpy(model(torch.tensor(x))))
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5, atol=1e-5)
    # Without the mask the padded zeros would be averaged in.
    assert not np.allclose(results[1][0], x[0].mean(0))


def test_masking_support_matches_keras():
    for name in NAMES:
        k, t = getattr(keras.layers, name)(), getattr(tkeras.layers, name)()
        assert t.supports_masking == k.supports_masking, name
    layer = tkeras.layers.GlobalAveragePooling1D()
    mask = torch.ones(2, 5, dtype=torch.bool)
    assert layer.compute_mask(torch.ones(2, 5, 3), mask) is None


# ---------------------------------------------------------------- shapes, layout, config


def test_reductions_keep_the_input_layout():
    # A plain reduction: no permute to another layout, so a channels_last output is contiguous.
    for name in NAMES:
        rank = int(name[-2])
        for keepdims in (False, True):
            y = getattr(tkeras.layers, name)(keepdims=keepdims)(
                torch.randn(_shape(rank, "channels_last"))
            )
            assert y.is_contiguous()


def test_max_by_hand_and_ties_share_the_gradient_as_in_keras():
    x = torch.tensor([[[1.0, 5.0], [3.0, 5.0], [3.0, -1.0]]], requires_grad=True)
    y = tkeras.layers.GlobalMaxPooling1D()(x)
    assert y.tolist() == [[3.0, 5.0]]
    (g,) = torch.autograd.grad(y.sum(), x)
    xk = x.detach().clone().requires_grad_(True)
    (gk,) = torch.autograd.grad(keras.layers.GlobalMaxPooling1D()(xk).sum(), xk)
    assert g.tolist() == gk.tolist() == [[[0.0, 0.5], [0.5, 0.5], [0.5, 0.0]]]


@pytest.mark.parametrize(
    "name, kwargs, shape",
    [
        ("GlobalAveragePooling1D", {}, (None, None, 4)),
        ("GlobalMaxPooling1D", {"keepdims": True}, (None, 7, 4)),
        (
            "GlobalAveragePooling1D",
            {"data_format": "channels_first", "keepdims": True},
            (2, 4, None),
        ),
        ("GlobalMaxPooling2D", {}, (None, None, None, 3)),
        ("GlobalAveragePooling2D", {"keepdims": True}, (5, None, 6, 3)),
        (
            "GlobalMaxPooling2D",
            {"data_format": "channels_first", "keepdims": True},
            (None, 3, 4, 5),
        ),
        ("GlobalAveragePooling3D", {"data_format": "channels_first"}, (None, 2, None, 4, 5)),
        ("GlobalMaxPooling3D", {"keepdims": True}, (1, None, None, None, 8)),
    ],
)
def test_compute_output_shape_matches_keras(name, kwargs, shape):
    expected = getattr(keras.layers, name)(**kwargs).compute_output_shape(shape)
    assert getattr(tkeras.layers, name)(**kwargs).compute_output_shape(shape) == tuple(expected)


def test_symbolic_call_gives_the_output_shape():
    x = tkeras.Input((None, 4))
    assert tkeras.layers.GlobalAveragePooling1D(keepdims=True)(x).shape == (None, 1, 4)
    y = tkeras.layers.GlobalMaxPooling2D(data_format="channels_first")(tkeras.Input((3, 5, None)))
    assert y.shape == (None, 3)


@pytest.mark.parametrize("name", NAMES)
def test_signature_matches_keras(name):
    def params(cls):
        return [
            (p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()
        ]

    assert params(getattr(tkeras.layers, name)) == params(getattr(keras.layers, name))


@pytest.mark.parametrize("name", NAMES)
def test_get_config_matches_keras(name):
    for kwargs in ({}, {"data_format": "channels_first", "keepdims": True, "name": "g"}):
        k_cfg = getattr(keras.layers, name)(**kwargs).get_config()
        layer = getattr(tkeras.layers, name)(**kwargs)
        cfg = layer.get_config()
        k_cfg.pop("dtype"), cfg.pop("dtype")
        if "name" not in kwargs:
            k_cfg.pop("name"), cfg.pop("name")
        assert cfg == k_cfg
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


def test_aliases_are_the_same_classes():
    for alias, name in ALIASES.items():
        assert getattr(tkeras.layers, alias) is getattr(tkeras.layers, name)
        assert getattr(keras.layers, alias) is getattr(keras.layers, name)
    assert set(ALIASES) | set(ALIASES.values()) <= set(tkeras.layers.pooling.__all__)
    assert set(ALIASES) | set(ALIASES.values()) <= set(tkeras.layers.__all__)


def test_data_format_none_follows_the_config():
    previous = tkeras.config.image_data_format()
    tkeras.config.set_image_data_format("channels_first")
    try:
        layer = tkeras.layers.GlobalAveragePooling2D()
    finally:
        tkeras.config.set_image_data_format(previous)
    assert layer.data_format == "channels_first"
    x = torch.randn(2, 3, 4, 5)
    torch.testing.assert_close(layer(x), x.mean((2, 3)))


# ---------------------------------------------------------------- errors


def test_an_invalid_data_format_raises():
    with pytest.raises(
        ValueError,
        match=r"GlobalMaxPooling2D 'bad': the `data_format` argument must be one of "
        r"'channels_last', 'channels_first'\. Received: data_format='NHWC'",
    ):
        tkeras.layers.GlobalMaxPooling2D(data_format="NHWC", name="bad")


@pytest.mark.parametrize(
    "name, kwargs, shape, match",
    [
        (
            "GlobalAveragePooling2D",
            {},
            (2, 6, 6),
            r'Input 0 of layer "bad" is incompatible with the layer: expected ndim=4, found '
            r"ndim=3\. Full shape received: \(2, 6, 6\)\. GlobalAveragePooling2D expects a 4D "
            r"input \(batch, rows, cols, channels\) with data_format='channels_last'\.",
        ),
        (
            "GlobalMaxPooling1D",
            {"data_format": "channels_first"},
            (2, 3, 4, 5),
            r"expected ndim=3, found ndim=4\. .* GlobalMaxPooling1D expects a 3D input "
            r"\(batch, features, steps\) with data_format='channels_first'\.",
        ),
        (
            "GlobalAveragePooling3D",
            {},
            (2, 4, 4, 4),
            r"expected ndim=5, found ndim=4\. .*\(batch, dim1, dim2, dim3, channels\)",
        ),
    ],
)
def test_wrong_input_rank_raises(name, kwargs, shape, match):
    layer = getattr(tkeras.layers, name)(name="bad", **kwargs)
    with pytest.raises(ValueError, match=match):
        layer(torch.randn(shape))
    # Once built, the cheap rank check on the hot path raises the same error.
    layer(torch.randn(_shape(int(name[-2]), layer.data_format)))
    with pytest.raises(ValueError, match=match):
        layer(torch.randn(shape))


def test_compute_output_shape_rejects_the_wrong_rank():
    layer = tkeras.layers.GlobalMaxPooling3D(name="bad")
    with pytest.raises(
        ValueError,
        match=r"GlobalMaxPooling3D 'bad': expected an input shape of rank 5 "
        r"\(batch, dim1, dim2, dim3, channels\), received input_shape=\(2, 3, 4\)\.",
    ):
        layer.compute_output_shape((2, 3, 4))


# ---------------------------------------------------------------- accelerator


@pytest.mark.gpu
def test_matches_cpu_on_the_accelerator():
    device = "cuda" if torch.cuda.is_available() else "mps"
    for case in CASES[::3]:
        layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
        x = torch.randn(case.input_shape)
        torch.testing.assert_close(layer(x.to(device)).cpu(), layer(x), rtol=1e-5, atol=1e-5)
    x = torch.randn(3, 6, 4)
    mask = torch.tensor(_mask(3, 6))
    layer = tkeras.layers.GlobalAveragePooling1D()
    torch.testing.assert_close(
        layer(x.to(device), mask=mask.to(device)).cpu(), layer(x, mask=mask), rtol=1e-5, atol=1e-5
    )
