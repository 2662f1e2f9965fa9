"""Conv1D/2D/3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D: parity with Keras 3, weight
layouts, memory formats, initializers and every error message."""

from __future__ import annotations

import inspect
import itertools
import math
import re

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

_TRANSPOSE = {1: "Conv1DTranspose", 2: "Conv2DTranspose", 3: "Conv3DTranspose"}
_DEPTHWISE = {1: "DepthwiseConv1D", 2: "DepthwiseConv2D"}
_SEPARABLE = {1: "SeparableConv1D", 2: "SeparableConv2D"}
# Odd and even spatial sizes per rank; rank 2 and 3 kernels mix odd and even sizes so that
# swapped axes or a crop on the wrong side cannot pass unseen.
_SIZES = {1: [(7,), (8,)], 2: [(5, 6), (6, 5)], 3: [(3, 4, 3), (4, 3, 4)]}
_KERNELS = {2: (3, 2), 3: (3, 2, 3)}
_IN, _FILTERS, _BATCH = 3, 4, 2
_FORMATS = ["channels_last", "channels_first"]


def _shape(spatial: tuple, channels: int, data_format: str) -> tuple:
    if data_format == "channels_first":
        return (_BATCH, channels, *spatial)
    return (_BATCH, *spatial, channels)


def _rank(name: str) -> int:
    return int(re.search(r"\d", name).group())


def _name(spatial: tuple) -> str:
    return "x".join(map(str, spatial))


def _transpose_cases() -> list[Case]:
    cases = []
    for rank, layer in _TRANSPOSE.items():
        kernels = [2, 3] if rank == 1 else [_KERNELS[rank]]
        for i, (padding, (strides, dilation), data_format, kernel) in enumerate(
            itertools.product(["valid", "same"], [(1, 1), (2, 1), (1, 2)], _FORMATS, kernels)
        ):
            spatial = _SIZES[rank][i % 2]
            kwargs = {
                "filters": _FILTERS,
                "kernel_size": kernel,
                "padding": padding,
                "strides": strides,
                "dilation_rate": dilation,
            }
            if data_format == "channels_first":
                kwargs["data_format"] = data_format
            cases.append(
                Case(
                    layer,
                    kwargs,
                    _shape(spatial, _IN, data_format),
                    id=f"{layer}-{padding}-k{kernel}-s{strides}-d{dilation}-{data_format}-"
                    f"{_name(spatial)}",
                )
            )
    # output_padding: every value below the stride, odd and even kernels, both paddings.
    for padding, kernel, strides, output_padding in itertools.product(
        ["valid", "same"], [2, 3], [2, 3], [0, 1, 2]
    ):
        if output_padding < strides:
            cases.append(
                Case(
                    "Conv1DTranspose",
                    {
                        "filters": _FILTERS,
                        "kernel_size": kernel,
                        "strides": strides,
                        "padding": padding,
                        "output_padding": output_padding,
                    },
                    (_BATCH, 5, _IN),
                    id=f"Conv1DTranspose-{padding}-k{kernel}-s{strides}-op{output_padding}",
                )
            )
    for data_format in _FORMATS:
        cases.append(
            Case(
                "Conv2DTranspose",
                {
                    "filters": _FILTERS,
                    "kernel_size": (3, 2),
                    "strides": (2, 3),
                    "padding": "same",
                    "output_padding": (1, 0),
                    "data_format": data_format,
                },
                _shape((4, 5), _IN, data_format),
                id=f"Conv2DTranspose-same-op(1,0)-{data_format}",
            )
        )
    cases += [
        Case(
            "Conv3DTranspose",
            {
                "filters": _FILTERS,
                "kernel_size": (3, 2, 3),
                "strides": 2,
                "padding": "same",
                "output_padding": (1, 0, 0),
            },
            (_BATCH, 3, 2, 3, _IN),
            id="Conv3DTranspose-same-op(1,0,0)",
        ),
        Case(
            "Conv3DTranspose",
            {
                "filters": _FILTERS,
                "kernel_size": 2,
                "strides": (2, 1, 2),
                "padding": "valid",
                "output_padding": (1, 0, 0),
                "data_format": "channels_first",
            },
            (_BATCH, _IN, 3, 2, 3),
            id="Conv3DTranspose-valid-op(1,0,0)-channels_first",
        ),
    ]
    # Edge windows: a kernel smaller than the stride ('valid' pads the end with zeros + bias,
    # 'same' has a negative crop), a large even kernel, an even dilated kernel.
    edges = [
        ({"kernel_size": 1, "strides": 3, "padding": "valid"}, "k1-s3-valid"),
        ({"kernel_size": 1, "strides": 3, "padding": "same"}, "k1-s3-same"),
        ({"kernel_size": 4, "strides": 2, "padding": "same"}, "k4-s2-same"),
        ({"kernel_size": 5, "strides": 2, "padding": "same", "output_padding": 1}, "k5-s2-op1"),
        ({"kernel_size": 2, "dilation_rate": 3, "padding": "same"}, "k2-d3-same"),
    ]
    for kwargs, name in edges:
        cases.append(
            Case(
                "Conv1DTranspose",
                {"filters": _FILTERS, "bias_initializer": "ones", **kwargs},
                (_BATCH, 4, _IN),
                id=f"Conv1DTranspose-{name}",
            )
        )
    for rank, layer in _TRANSPOSE.items():
        spatial = _SIZES[rank][0]
        cases += [
            Case(
                layer,
                {"filters": _FILTERS, "kernel_size": 2, "strides": 2, "use_bias": False},
                _shape(spatial, _IN, "channels_last"),
                id=f"{layer}-no-bias",
            ),
            Case(
                layer,
                {
                    "filters": 5,
                    "kernel_size": 3,
                    "padding": "SAME",
                    "strides": 2,
                    "activation": "relu",
                    "kernel_initializer": "he_normal",
                    "bias_initializer": "ones",
                },
                _shape(spatial, _IN, "channels_last"),
                id=f"{layer}-relu-SAME-initializers",
            ),
        ]
    cases += [
        Case(
            "Convolution2DTranspose",
            {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
            (1, 3, 4, 2),
            id="Convolution2DTranspose-alias",
        ),
        Case(
            "Convolution1DTranspose",
            {"filters": 2, "kernel_size": 3, "activation": "tanh"},
            (1, 4, 2),
            id="Convolution1DTranspose-alias",
        ),
        Case(
            "Convolution3DTranspose",
            {"filters": 2, "kernel_size": 2, "activation": "softmax"},
            (1, 2, 3, 2, 2),
            id="Convolution3DTranspose-alias",
        ),
    ]
    return cases


def _depthwise_and_separable_cases() -> list[Case]:
    cases = []
    for family in (_DEPTHWISE, _SEPARABLE):
        for rank, layer in family.items():
            kernel = 3 if rank == 1 else (3, 2)
            # Keras rejects strides > 1 with dilation > 1 for Conv but not for these: both
            # run, as torch computes them.
            grid = itertools.product(["valid", "same"], [(1, 1), (2, 1), (1, 2), (2, 2)], _FORMATS)
            for i, (padding, (strides, dilation), data_format) in enumerate(grid):
                spatial = _SIZES[rank][i % 2]
                kwargs = {
                    "kernel_size": kernel,
                    "padding": padding,
                    "strides": strides,
                    "dilation_rate": dilation,
                    "depth_multiplier": 1 + (i // 2) % 2,
                    "data_format": data_format,
                }
                if family is _SEPARABLE:
                    kwargs["filters"] = _FILTERS
                cases.append(
                    Case(
                        layer,
                        kwargs,
                        _shape(spatial, _IN, data_format),
                        id=f"{layer}-{padding}-s{strides}-d{dilation}-"
                        f"dm{kwargs['depth_multiplier']}-{data_format}-{_name(spatial)}",
                    )
                )
            spatial = _SIZES[rank][1]
            extra = {"filters": 5} if family is _SEPARABLE else {}
            cases += [
                Case(
                    layer,
                    {"kernel_size": 2, "depth_multiplier": 3, "use_bias": False, **extra},
                    _shape(spatial, 2, "channels_last"),
                    id=f"{layer}-dm3-no-bias",
                ),
                Case(
                    layer,
                    {
                        "kernel_size": 3,
                        "padding": "SAME",
                        "strides": 2,
                        "activation": "relu",
                        "depthwise_initializer": "he_normal",
                        "bias_initializer": "ones",
                        **extra,
                        **({"pointwise_initializer": "he_uniform"} if family is _SEPARABLE else {}),
                    },
                    _shape(spatial, _IN, "channels_last"),
                    id=f"{layer}-relu-SAME-initializers",
                ),
                Case(
                    layer,
                    {
                        "kernel_size": [2] * rank,
                        "padding": "same",
                        "strides": (2,) + (1,) * (rank - 1),
                        "depth_multiplier": 2,
                        "activation": "softmax",
                        **extra,
                    },
                    _shape(spatial, 1, "channels_first"),
                    id=f"{layer}-one-channel-softmax",
                ),
            ]
    cases += [
        Case(
            "SeparableConvolution1D",
            {"filters": 2, "kernel_size": 3},
            (1, 5, 2),
            id="SeparableConvolution1D-alias",
        ),
        Case(
            "SeparableConvolution2D",
            {"filters": 2, "kernel_size": 3, "padding": "same", "strides": 2},
            (1, 5, 4, 2),
            id="SeparableConvolution2D-alias",
        ),
    ]
    return cases


CASES = _transpose_cases() + _depthwise_and_separable_cases()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    check_case(case)


# ---------------------------------------------------------------------- transposed windows


def test_conv_transpose_window_matches_keras_everywhere() -> None:
    # Every kernel 1..5, stride 1..3, dilation 1..2, padding and output_padding, against
    # keras.ops.conv_transpose (the op under Keras's layers), on short inputs.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 2)).astype("float32")
    for k, s, d, padding in itertools.product(range(1, 6), [1, 2, 3], [1, 2], ["valid", "same"]):
        if s > 1 and d > 1:
            continue
        for output_padding in [None, *range(s)]:
            kernel = rng.standard_normal((k, 3, 2)).astype("float32")
            expected = keras.ops.convert_to_numpy(
                keras.ops.conv_transpose(
                    torch.tensor(x), torch.tensor(kernel), s, padding, output_padding, None, d
                )
            )
            layer = tkeras.layers.Conv1DTranspose(
                3, k, s, padding, output_padding, dilation_rate=d, use_bias=False
            )
            layer.build_from_shape(x.shape)
            layer.set_weights([kernel])
            got = layer(torch.tensor(x)).detach().numpy()
            config = (k, s, d, padding, output_padding)
            assert got.shape == expected.shape, config
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5, err_msg=str(config))


def test_conv_transpose_same_k3_s2_is_not_torch_padding_1() -> None:
    # The DESIGN.md trap: Keras keeps full[0:2n], torch's padding=1, output_padding=1 keeps
    # full[1:2n+1]. With a ones kernel and input [1, 2, 3] the full output is
    # [1, 1, 3, 2, 5, 3, 3]; Keras (and tkeras) drop only the last cell.
    layer = tkeras.layers.Conv1DTranspose(
        1, 3, strides=2, padding="same", kernel_initializer="ones", use_bias=False
    )
    y = layer(torch.tensor([[[1.0], [2.0], [3.0]]]))
    assert y[0, :, 0].tolist() == [1.0, 1.0, 3.0, 2.0, 5.0, 3.0]


def test_conv_transpose_same_k3_s2_pads_the_input_not_the_output() -> None:
    # The window torch cannot crop is reached by one zero before the input (a cheap copy of
    # the input) rather than by slicing and copying the 4x larger output.
    layer = tkeras.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    assert layer._input_pad == (1, 0, 1, 0)
    assert layer._op_padding == (2, 2) and layer._op_output_padding == (1, 1)
    assert tkeras.layers.Conv2DTranspose(2, 4, strides=2, padding="same")._input_pad is None


# ---------------------------------------------------------------------- surface


_ALL = [*_TRANSPOSE.values(), *_DEPTHWISE.values(), *_SEPARABLE.values()]
_ALIASES = {
    "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
}


@pytest.mark.parametrize("name", _ALL + list(_ALIASES))
def test_signature_matches_keras(name: str) -> None:
    def spec(cls):  # names, kinds and defaults; annotations are tkeras's own
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]

    assert spec(getattr(tkeras.layers, name)) == spec(getattr(keras.layers, name))


def test_aliases_and_exports() -> None:
    from tkeras.layers import convolutional

    for name in [*_ALL, *_ALIASES]:
        assert name in convolutional.__all__ and name in tkeras.layers.__all__
    for alias, name in _ALIASES.items():
        assert getattr(tkeras.layers, alias) is getattr(tkeras.layers, name)
        assert getattr(keras.layers, alias) is getattr(keras.layers, name)


@pytest.mark.parametrize(
    "name,kwargs,shape",
    [
        (
            "Conv2DTranspose",
            {"filters": 8, "kernel_size": (3, 2), "strides": 2, "output_padding": 1},
            (2, 4, 5, 3),
        ),
        ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "strides": 2}, (2, 6, 5, 3)),
        (
            "SeparableConv1D",
            {"filters": 5, "kernel_size": 3, "padding": "same", "use_bias": False},
            (2, 7, 3),
        ),
    ],
)
def test_config_round_trip(name: str, kwargs: dict, shape: tuple) -> None:
    layer = getattr(tkeras.layers, name)(**kwargs, activation="relu", name="c")
    config = layer.get_config()
    want = getattr(keras.layers, name)(**kwargs, activation="relu", name="c").get_config()
    for key in kwargs:
        assert config[key] == want[key]  # Keras-shaped, as Keras's
    clone = getattr(tkeras.layers, name).from_config(config)
    assert clone.get_config() == config
    x = torch.randn(*shape)
    layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    torch.testing.assert_close(clone(x), layer(x))


# ---------------------------------------------------------------------- weights


@pytest.mark.parametrize(
    "name,kwargs,shape",
    [
        ("Conv1DTranspose", {"filters": 5, "kernel_size": 3}, (1, 4, 3)),
        ("Conv2DTranspose", {"filters": 5, "kernel_size": (3, 2)}, (1, 4, 4, 3)),
        (
            "Conv3DTranspose",
            {"filters": 5, "kernel_size": (3, 2, 1), "data_format": "channels_first"},
            (1, 3, 4, 4, 4),
        ),
        ("Conv2DTranspose", {"filters": 5, "kernel_size": 2, "use_bias": False}, (1, 4, 4, 3)),
        ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, (1, 5, 3)),
        ("DepthwiseConv2D", {"kernel_size": (3, 2), "depth_multiplier": 3}, (1, 5, 5, 4)),
        ("DepthwiseConv2D", {"kernel_size": 2, "use_bias": False}, (1, 5, 5, 4)),
        ("SeparableConv1D", {"filters": 6, "kernel_size": 3, "depth_multiplier": 2}, (1, 5, 3)),
        (
            "SeparableConv2D",
            {"filters": 6, "kernel_size": (3, 2), "data_format": "channels_first"},
            (1, 3, 5, 5),
        ),
        ("SeparableConv2D", {"filters": 6, "kernel_size": 2, "use_bias": False}, (1, 5, 5, 3)),
    ],
)
def test_weights_match_keras(name: str, kwargs: dict, shape: tuple) -> None:
    k_layer = getattr(keras.layers, name)(**kwargs)
    k_layer.build(shape)
    t_layer = getattr(tkeras.layers, name)(**kwargs)
    t_layer.build_from_shape(shape)
    assert [w.name for w in t_layer.weights] == [w.name for w in k_layer.weights]
    assert [tuple(w.keras_shape) for w in t_layer.weights] == [
        tuple(w.shape) for w in k_layer.weights
    ]
    assert t_layer.count_params() == k_layer.count_params()
    # Keras-layout values go in and come back out unchanged.
    values = [
        np.random.default_rng(i).standard_normal(w.shape).astype("float32")
        for i, w in enumerate(k_layer.weights)
    ]
    t_layer.set_weights(values)
    for got, value in zip(t_layer.get_weights(), values):
        np.testing.assert_array_equal(got, value)


def test_torch_layouts() -> None:
    t = tkeras.layers.Conv2DTranspose(5, (3, 2))
    t.build_from_shape((1, 4, 4, 3))
    assert tuple(t.kernel.shape) == (3, 5, 3, 2)  # (in, out, kh, kw)
    t1 = tkeras.layers.Conv1DTranspose(5, 3)
    t1.build_from_shape((1, 4, 3))
    assert tuple(t1.state_dict()["kernel"].shape) == (3, 5, 1, 3)
    d = tkeras.layers.DepthwiseConv2D((3, 2), depth_multiplier=2)
    d.build_from_shape((1, 5, 5, 4))
    assert tuple(d.kernel.shape) == (8, 1, 3, 2)
    s = tkeras.layers.SeparableConv1D(6, 3, depth_multiplier=2)
    s.build_from_shape((1, 5, 3))
    assert tuple(s.depthwise_kernel.shape) == (6, 1, 1, 3)
    assert tuple(s.pointwise_kernel.shape) == (6, 6, 1, 1)
    assert list(s.state_dict()) == ["depthwise_kernel", "pointwise_kernel", "bias"]


def test_depthwise_output_channel_is_c_times_dm_plus_m() -> None:
    # kernel[..., c, m] = 10 * c + m (a 1x1 kernel): output channel c * dm + m = x_c * (10c + m).
    layer = tkeras.layers.DepthwiseConv2D(1, depth_multiplier=3, use_bias=False)
    layer.build_from_shape((1, 2, 2, 2))
    kernel = np.array([[10.0 * c + m for m in range(3)] for c in range(2)], "float32")
    layer.set_weights([kernel.reshape(1, 1, 2, 3)])
    y = layer(torch.tensor([2.0, 5.0]).reshape(1, 1, 1, 2).expand(1, 2, 2, 2).contiguous())
    assert y[0, 0, 0].tolist() == [0.0, 2.0, 4.0, 50.0, 55.0, 60.0]


# ---------------------------------------------------------------------- memory formats


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("Conv1DTranspose", {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same"}),
        ("Conv2DTranspose", {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same"}),
        ("Conv2DTranspose", {"filters": 5, "kernel_size": 2, "strides": 2, "output_padding": 1}),
        ("Conv3DTranspose", {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same"}),
        ("DepthwiseConv1D", {"kernel_size": 3, "strides": 2, "padding": "same"}),
        ("DepthwiseConv2D", {"kernel_size": 3, "strides": 2, "padding": "same"}),
        ("DepthwiseConv2D", {"kernel_size": 2, "depth_multiplier": 2}),
        ("SeparableConv1D", {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same"}),
        ("SeparableConv2D", {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same"}),
        ("SeparableConv2D", {"filters": 1, "kernel_size": 2, "depth_multiplier": 2}),
    ],
)
def test_channels_last_output_is_contiguous(name: str, kwargs: dict) -> None:
    # Size 8 with stride 2 makes 'same' asymmetric (the explicit F.pad path) for depthwise
    # and separable, and k=3, s=2 'same' needs the input zero for the transposes.
    layer = getattr(tkeras.layers, name)(**kwargs)
    rank = _rank(name)
    y = layer(torch.randn(2, *(8,) * rank, 3))
    assert y.is_contiguous()
    if rank == 2:
        assert y.permute(0, 3, 1, 2).is_contiguous(memory_format=torch.channels_last)
    if rank == 3:
        assert y.permute(0, 4, 1, 2, 3).is_contiguous(memory_format=torch.channels_last_3d)
    # The kernels are stored channels_last, as Conv's are (cuDNN would convert them per call).
    for w in layer.weights[:-1] if layer.use_bias else layer.weights:
        fmt = torch.channels_last_3d if w.dim() == 5 else torch.channels_last
        assert w.is_contiguous(memory_format=fmt)


@pytest.mark.parametrize("name", ["Conv1DTranspose", "DepthwiseConv1D", "SeparableConv2D"])
def test_channels_first_output_is_contiguous(name: str) -> None:
    rank = _rank(name)
    kwargs = {"kernel_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"}
    if "Depthwise" not in name:
        kwargs["filters"] = 5
    y = getattr(tkeras.layers, name)(**kwargs)(torch.randn(2, 3, *(8,) * rank))
    assert y.is_contiguous()


# ---------------------------------------------------------------------- shapes


@pytest.mark.parametrize("name", _ALL)
@pytest.mark.parametrize("data_format", _FORMATS)
def test_compute_output_shape_matches_keras(name: str, data_format: str) -> None:
    rank = _rank(name)
    spatial = (None, 5, 6)[:rank] if rank > 1 else (None,)
    shape = (None, *spatial, 3) if data_format == "channels_last" else (None, 3, *spatial)
    transpose = "Transpose" in name
    for padding, strides, dilation in itertools.product(
        ["valid", "same"], [1, 2, 3], [1, 2] if not transpose else [1]
    ):
        kwargs = {
            "kernel_size": 3 if rank == 1 else (3, 2, 3)[:rank],
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            "data_format": data_format,
        }
        if "Depthwise" not in name:
            kwargs["filters"] = 4
        if "Depthwise" in name:
            kwargs["depth_multiplier"] = 2
        variants = [kwargs]
        if transpose and strides > 1:
            variants.append({**kwargs, "output_padding": strides - 1})
        for kw in variants:
            expected = getattr(keras.layers, name)(**kw).compute_output_shape(shape)
            got = getattr(tkeras.layers, name)(**kw).compute_output_shape(shape)
            assert got == tuple(expected), (kw, got, expected)


def test_unknown_spatial_size_pads_per_size() -> None:
    k_layer = keras.layers.SeparableConv2D(3, 3, strides=2, padding="same")
    t_layer = tkeras.layers.SeparableConv2D(3, 3, strides=2, padding="same")
    k_layer.build((None, None, None, 2))
    t_layer.build_from_shape((None, None, None, 2))
    t_layer.set_weights(k_layer.get_weights())
    rng = np.random.default_rng(0)
    for size in [(8, 8), (9, 9), (8, 9), (8, 8)]:
        x = rng.standard_normal((1, *size, 2)).astype("float32")
        yk = keras.ops.convert_to_numpy(k_layer(torch.tensor(x)))
        yt = t_layer(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(yt, yk, rtol=1e-5, atol=1e-5)
    assert set(t_layer._plans) == {(8, 8), (9, 9), (8, 9)}


def test_transpose_on_unknown_spatial_size() -> None:
    layer = tkeras.layers.Conv2DTranspose(3, 3, strides=2, padding="same")
    layer.build_from_shape((None, None, None, 2))
    assert layer.compute_output_shape((None, None, 7, 2)) == (None, None, 14, 3)
    assert layer(torch.randn(1, 5, 7, 2)).shape == (1, 10, 14, 3)


# ---------------------------------------------------------------------- initializers


@pytest.mark.parametrize(
    "name,kwargs,shape,fan_in",
    [
        # Keras's fans come from the Keras shape: a transposed kernel (k, out, in) has
        # fan_in = k * filters; a depthwise kernel (k, in, dm) has fan_in = k * in.
        ("Conv2DTranspose", {"filters": 64, "kernel_size": 3}, (1, 4, 4, 8), 9 * 64),
        ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 8}, (1, 5, 5, 64), 9 * 64),
        ("SeparableConv1D", {"filters": 8, "kernel_size": 5}, (1, 7, 128), 5 * 128),
    ],
)
def test_he_normal_uses_keras_fans(name: str, kwargs: dict, shape: tuple, fan_in: int) -> None:
    torch.manual_seed(0)
    init = "depthwise_initializer" if "Transpose" not in name else "kernel_initializer"
    layer = getattr(tkeras.layers, name)(**kwargs, **{init: "he_normal"})
    layer.build_from_shape(shape)
    kernel = layer.get_weights()[0]
    np.testing.assert_allclose(kernel.std(), math.sqrt(2.0 / fan_in), rtol=0.06)


def test_initializer_arguments_change_the_weights() -> None:
    layer = tkeras.layers.SeparableConv2D(
        4,
        2,
        depthwise_initializer="ones",
        pointwise_initializer=tkeras.initializers.Constant(2.0),
        bias_initializer="ones",
    )
    layer.build_from_shape((1, 4, 4, 3))
    depthwise, pointwise, bias = layer.get_weights()
    np.testing.assert_array_equal(depthwise, np.ones((2, 2, 3, 1), "float32"))
    np.testing.assert_array_equal(pointwise, np.full((1, 1, 3, 4), 2.0, "float32"))
    np.testing.assert_array_equal(bias, np.ones(4, "float32"))
    default = tkeras.layers.SeparableConv2D(4, 2)
    default.build_from_shape((1, 4, 4, 3))
    assert np.abs(default.get_weights()[1]).max() <= math.sqrt(6.0 / (3 + 4))
    np.testing.assert_array_equal(default.get_weights()[2], np.zeros(4, "float32"))


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "name,output_padding,strides",
    [
        ("Conv2DTranspose", 2, 2),
        ("Conv2DTranspose", (0, 1), 1),
        ("Conv1DTranspose", 1, 1),
        ("Conv3DTranspose", (1, 1, 3), (2, 2, 3)),
    ],
)
def test_output_padding_not_below_strides(name: str, output_padding, strides) -> None:
    with pytest.raises(ValueError):
        getattr(keras.layers, name)(4, 3, strides=strides, output_padding=output_padding)
    rank = _rank(name)
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': each value of `output_padding` must be strictly less than the "
        rf"matching `strides` value\. Received: "
        rf"output_padding={re.escape(str(tkeras_tuple(output_padding, rank)))}, "
        rf"strides={re.escape(str(tkeras_tuple(strides, rank)))}\.",
    ):
        getattr(tkeras.layers, name)(4, 3, strides=strides, output_padding=output_padding, name="c")


def tkeras_tuple(value, rank: int) -> tuple:
    return (value,) * rank if isinstance(value, int) else tuple(value)


@pytest.mark.parametrize("value", [-1, (1, -1), (1,), "1", 0.5])
def test_bad_output_padding(value) -> None:
    with pytest.raises(
        ValueError,
        match=r"Conv2DTranspose 'c': the `output_padding` argument must be a non-negative int "
        rf"or a tuple of 2 non-negative ints\. Received: output_padding={re.escape(repr(value))}",
    ):
        tkeras.layers.Conv2DTranspose(4, 3, strides=2, output_padding=value, name="c")


@pytest.mark.parametrize("name", ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv2D"])
@pytest.mark.parametrize("depth_multiplier", [0, -2, 1.5, None, True])
def test_bad_depth_multiplier(name: str, depth_multiplier) -> None:
    kwargs = {"filters": 4} if "Separable" in name else {}
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': received an invalid value for argument `depth_multiplier`, "
        rf"expected a positive integer, got "
        rf"depth_multiplier={re.escape(repr(depth_multiplier))}\.",
    ):
        getattr(tkeras.layers, name)(
            kernel_size=3, depth_multiplier=depth_multiplier, name="c", **kwargs
        )


@pytest.mark.parametrize("name", ["Conv1DTranspose", "SeparableConv1D"])
@pytest.mark.parametrize("filters", [0, -1, 2.0, None])
def test_bad_filters(name: str, filters) -> None:
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': received an invalid value for argument `filters`, expected a "
        rf"positive integer, got filters={re.escape(repr(filters))}\.",
    ):
        getattr(tkeras.layers, name)(filters, 3, name="c")


@pytest.mark.parametrize("name", _ALL)
@pytest.mark.parametrize("arg", ["kernel_size", "strides", "dilation_rate"])
def test_bad_int_tuples(name: str, arg: str) -> None:
    rank = _rank(name)
    kwargs = {"kernel_size": 3, arg: 0}
    if "Depthwise" not in name:
        kwargs["filters"] = 4
    kind = "positive"
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': the `{arg}` argument must be a {kind} int or a tuple of {rank} "
        rf"{kind} ints?\. Received: {arg}=0",
    ):
        getattr(tkeras.layers, name)(name="c", **kwargs)


@pytest.mark.parametrize("name", ["Conv1DTranspose", "DepthwiseConv1D", "SeparableConv1D"])
@pytest.mark.parametrize("padding", ["causal", "full", None])
def test_bad_padding(name: str, padding) -> None:
    # Keras allows 'causal' for Conv1D only; these three reject it, as Keras does.
    kwargs = {"filters": 4} if "Depthwise" not in name else {}
    if padding == "causal":
        with pytest.raises(ValueError):
            getattr(keras.layers, name)(kernel_size=3, padding=padding, **kwargs)
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': the `padding` argument must be one of \('valid', 'same'\)\. "
        rf"Received: padding={re.escape(repr(padding))}",
    ):
        getattr(tkeras.layers, name)(kernel_size=3, padding=padding, name="c", **kwargs)


@pytest.mark.parametrize("name", ["Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"])
def test_bad_data_format(name: str) -> None:
    kwargs = {"filters": 4} if "Depthwise" not in name else {}
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': the `data_format` argument must be one of 'channels_last', "
        r"'channels_first'\. Received: data_format='NHWC'",
    ):
        getattr(tkeras.layers, name)(kernel_size=3, data_format="NHWC", name="c", **kwargs)


def test_transpose_strides_with_dilation_rejected_as_keras_does() -> None:
    with pytest.raises(ValueError, match="not supported in conjunction with"):
        keras.layers.Conv2DTranspose(4, 3, strides=(1, 2), dilation_rate=(2, 1))
    with pytest.raises(
        ValueError,
        match=r"Conv2DTranspose 'c': `strides > 1` is not supported in conjunction with "
        r"`dilation_rate > 1`\. Received: strides=\(1, 2\) and dilation_rate=\(2, 1\)",
    ):
        tkeras.layers.Conv2DTranspose(4, 3, strides=(1, 2), dilation_rate=(2, 1), name="c")


def test_transpose_zero_output_size() -> None:
    # Keras returns an empty tensor; tkeras says why instead.
    x = torch.randn(1, 1, 4, 3)
    k_out = keras.layers.Conv2DTranspose(2, 2, strides=2, padding="same", output_padding=0)(x)
    assert tuple(k_out.shape) == (1, 0, 6, 2)  # (n - 1) * 2 + 2 % 2 + 0
    layer = tkeras.layers.Conv2DTranspose(
        2, 2, strides=2, padding="same", output_padding=0, name="c"
    )
    with pytest.raises(
        ValueError,
        match=r"Conv2DTranspose 'c': the computed output size would be zero or negative\. "
        r"Received: input_shape=\(1, 1, 4, 3\), kernel_size=\(2, 2\), strides=\(2, 2\), "
        r"padding='same', output_padding=\(0, 0\), dilation_rate=\(1, 1\)\. Use a larger "
        r"input, an odd kernel or output_padding=None\.",
    ):
        layer(x)
    assert not layer.built
    assert layer(torch.randn(1, 2, 4, 3)).shape == (1, 2, 6, 2)


@pytest.mark.parametrize("name", ["DepthwiseConv2D", "SeparableConv1D"])
def test_valid_output_size_zero(name: str) -> None:
    rank = _rank(name)
    kwargs = {"filters": 4} if "Separable" in name else {}
    layer = getattr(tkeras.layers, name)(kernel_size=3, dilation_rate=2, name="c", **kwargs)
    shape = (1, *(4,) * rank, 2)
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': the computed output size would be zero or negative: the input is "
        rf"smaller than the dilated kernel\. Received: input_shape={re.escape(str(shape))}",
    ):
        layer(torch.randn(*shape))
    assert not layer.built


@pytest.mark.parametrize("name", ["Conv3DTranspose", "DepthwiseConv1D", "SeparableConv2D"])
def test_unknown_channels(name: str) -> None:
    rank = _rank(name)
    kwargs = {"filters": 4} if "Depthwise" not in name else {}
    layer = getattr(tkeras.layers, name)(
        kernel_size=1, data_format="channels_first", name="c", **kwargs
    )
    shape = (None, None, *(5,) * rank)
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': the channel dimension of the inputs \(axis 1 for "
        rf"data_format='channels_first'\) must be known to build the layer\. Received: "
        rf"input_shape={re.escape(str(shape))}",
    ):
        layer.build_from_shape(shape)


@pytest.mark.parametrize("name", _ALL)
def test_wrong_rank_and_channels(name: str) -> None:
    rank = _rank(name)
    kwargs = {"filters": 4} if "Depthwise" not in name else {}
    layer = getattr(tkeras.layers, name)(kernel_size=1, name="c", **kwargs)
    with pytest.raises(
        ValueError,
        match=rf'Input 0 of layer "c" is incompatible with the layer: expected '
        rf"ndim={rank + 2}, found ndim={rank + 1}\. Full shape received: .* {name} with "
        r"data_format='channels_last' expects inputs of shape \(batch, .*channels\)\.",
    ):
        layer(torch.randn(2, *(3,) * rank))
    layer(torch.randn(2, *(3,) * rank, 3))
    shape = (2, *(3,) * rank, 5)
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "c" is incompatible with the layer: expected axis -1 of '
        rf"input shape to have value 3, but received input with shape {re.escape(str(shape))}",
    ):
        layer(torch.randn(*shape))


def test_unknown_activation() -> None:
    with pytest.raises(ValueError, match="nope"):
        tkeras.layers.SeparableConv2D(4, 3, activation="nope")


def test_depthwise_kernel_assign_rejects_a_swapped_shape() -> None:
    # (3, 3, 2, 4) has as many values as the (3, 3, 4, 2) kernel and would reshape silently.
    layer = tkeras.layers.DepthwiseConv2D(3, depth_multiplier=2)
    layer.build_from_shape((1, 5, 5, 4))
    with pytest.raises(
        ValueError,
        match=r"Expected a depthwise kernel of shape \(\*kernel_size, channels, 2\), received "
        r"a value of shape \(3, 3, 2, 4\)\.",
    ):
        layer.kernel.assign(np.zeros((3, 3, 2, 4), "float32"))
