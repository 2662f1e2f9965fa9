"""Conv1D, Conv2D, Conv3D: parity with Keras 3, layouts, initializers and every error message."""

from __future__ import annotations

import inspect
import math
import re

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

_LAYERS = {1: "Conv1D", 2: "Conv2D", 3: "Conv3D"}
# Odd and even spatial sizes per rank, and a kernel that makes stride-2 'same' asymmetric on
# even sizes (rank 2 and 3 kernels are not cubic, so the axes cannot be mixed up unseen).
_SIZES = {1: [(7,), (8,)], 2: [(7, 9), (8, 6)], 3: [(5, 5, 5), (6, 4, 6)]}
_KERNELS = {1: 3, 2: (3, 2), 3: (3, 2, 3)}
_IN, _FILTERS, _BATCH = 3, 4, 2


def _shape(spatial: tuple, channels: int, data_format: str) -> tuple:
    if data_format == "channels_first":
        return (_BATCH, channels, *spatial)
    return (_BATCH, *spatial, channels)


def _grid() -> list[Case]:
    cases = []
    for rank, layer in _LAYERS.items():
        paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
        for padding in paddings:
            for strides, dilation in [(1, 1), (2, 1), (1, 2)]:  # Keras rejects (2, 2).
                for data_format in ["channels_last", "channels_first"]:
                    for spatial in _SIZES[rank]:
                        kwargs = {
                            "filters": _FILTERS,
                            "kernel_size": _KERNELS[rank],
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
                                id=f"{layer}-{padding}-s{strides}-d{dilation}-{data_format}-"
                                f"{'x'.join(map(str, spatial))}",
                            )
                        )
    return cases


def _extras() -> list[Case]:
    cases = []
    for rank, layer in _LAYERS.items():
        spatial = _SIZES[rank][1]
        for data_format in ["channels_last", "channels_first"]:
            cases.append(
                Case(
                    layer,
                    {
                        "filters": 6,
                        "kernel_size": 2,
                        "groups": 2,
                        "padding": "same",
                        "strides": 2,
                        "data_format": data_format,
                    },
                    _shape(spatial, 4, data_format),
                    id=f"{layer}-groups2-{data_format}",
                )
            )
            cases.append(
                Case(
                    layer,
                    {
                        "filters": 5,
                        "kernel_size": 3,
                        "padding": "same",
                        "activation": "softmax",
                        "data_format": data_format,
                    },
                    _shape(spatial, _IN, data_format),
                    id=f"{layer}-softmax-{data_format}",
                )
            )
        cases += [
            Case(
                layer,
                {"filters": _FILTERS, "kernel_size": 2, "use_bias": False},
                _shape(spatial, _IN, "channels_last"),
                id=f"{layer}-no-bias",
            ),
            Case(
                layer,
                {
                    "filters": _FILTERS,
                    "kernel_size": 3,
                    "activation": "relu",
                    "kernel_initializer": "he_normal",
                    "bias_initializer": "ones",
                },
                _shape(spatial, _IN, "channels_last"),
                id=f"{layer}-relu-initializers",
            ),
            Case(
                layer,
                {"filters": 1, "kernel_size": 1, "padding": "SAME"},
                _shape(spatial, 1, "channels_last"),
                id=f"{layer}-1x1-one-channel-SAME",
            ),
            Case(
                layer,
                {
                    "filters": _FILTERS,
                    "kernel_size": [3] * rank,
                    "padding": "same",
                    "strides": (2,) + (1,) * (rank - 1),
                },
                _shape(spatial, _IN, "channels_last"),
                id=f"{layer}-mixed-strides",
            ),
            Case(
                layer,
                {
                    "filters": _FILTERS,
                    "kernel_size": 2,
                    "padding": "same",
                    "dilation_rate": (1,) * (rank - 1) + (3,),
                },
                _shape(spatial, _IN, "channels_last"),
                id=f"{layer}-mixed-dilation",
            ),
        ]
    cases.append(
        Case(
            "Conv1D",
            {
                "filters": 6,
                "kernel_size": 3,
                "padding": "causal",
                "groups": 3,
                "dilation_rate": 2,
                "activation": "tanh",
            },
            (_BATCH, 9, 6),
            id="Conv1D-causal-groups3-tanh",
        )
    )
    cases.append(
        Case(
            "Convolution2D",
            {"filters": 2, "kernel_size": 3},
            (1, 5, 5, 2),
            id="Convolution2D-alias",
        )
    )
    return cases


CASES = _grid() + _extras()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: Case) -> None:
    check_case(case)


# ---------------------------------------------------------------------- surface


@pytest.mark.parametrize("name", ["Conv1D", "Conv2D", "Conv3D"])
def test_signature_matches_keras(name: str) -> None:
    def spec(cls):  # names, kinds and defaults; annotations are tkeras's own
        return [(p.name, p.kind, p.default) for p in inspect.signature(cls).parameters.values()]

    assert spec(getattr(tkeras.layers, name)) == spec(getattr(keras.layers, name))


def test_aliases_and_exports() -> None:
    from tkeras.layers import convolutional

    assert {
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Convolution1D",
        "Convolution2D",
        "Convolution3D",
    } <= set(convolutional.__all__)
    assert tkeras.layers.Convolution1D is tkeras.layers.Conv1D
    assert tkeras.layers.Convolution2D is tkeras.layers.Conv2D
    assert tkeras.layers.Convolution3D is tkeras.layers.Conv3D


def test_config_round_trip() -> None:
    layer = tkeras.layers.Conv2D(
        8, (3, 2), strides=2, padding="same", groups=2, activation="relu", use_bias=False, name="c"
    )
    config = layer.get_config()
    assert config["filters"] == 8 and config["kernel_size"] == (3, 2)
    assert config["padding"] == "same" and config["groups"] == 2
    clone = tkeras.layers.Conv2D.from_config(config)
    assert clone.get_config() == config
    x = torch.randn(2, 6, 5, 4)
    layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    torch.testing.assert_close(clone(x), layer(x))


# ---------------------------------------------------------------------- layouts


@pytest.mark.parametrize(
    "rank,padding,groups",
    [
        (1, "valid", 1),
        (1, "same", 1),
        (1, "causal", 1),
        (1, "same", 3),
        (2, "valid", 1),
        (2, "same", 1),
        (2, "same", 3),
        (3, "valid", 1),
        (3, "same", 1),
        (3, "same", 3),
    ],
)
def test_channels_last_output_is_contiguous(rank: int, padding: str, groups: int) -> None:
    # Stride 2 on size 8 makes 'same' asymmetric, so the explicit F.pad path is covered too.
    layer = getattr(tkeras.layers, _LAYERS[rank])(6, 3, strides=2, padding=padding, groups=groups)
    y = layer(torch.randn(2, *(8,) * rank, 3))
    assert y.is_contiguous()
    if rank == 2:
        assert y.permute(0, 3, 1, 2).is_contiguous(memory_format=torch.channels_last)
    if rank == 3:
        assert y.permute(0, 4, 1, 2, 3).is_contiguous(memory_format=torch.channels_last_3d)


def _op_kernel(layer):
    return layer._kernel_layout.op(layer.kernel)


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_kernel_memory_format_follows_data_format(rank: int) -> None:
    # channels_last layers keep the kernel in torch's channels_last weight format (cuDNN would
    # copy a contiguous one on every call); the op gets a view of it; set_weights keeps it.
    fmt = torch.channels_last_3d if rank == 3 else torch.channels_last
    layer = getattr(tkeras.layers, _LAYERS[rank])(4, 2)
    layer.build_from_shape((1, *(3,) * rank, 3))
    layer.set_weights(layer.get_weights())
    op_kernel = _op_kernel(layer)
    assert op_kernel.is_contiguous(memory_format=fmt)
    assert not op_kernel.is_contiguous()
    assert op_kernel.data_ptr() == layer.kernel.data_ptr()
    first = getattr(tkeras.layers, _LAYERS[rank])(4, 2, data_format="channels_first")
    first.build_from_shape((1, 3, *(3,) * rank))
    assert _op_kernel(first).is_contiguous()


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_channels_first_output_is_contiguous(rank: int) -> None:
    layer = getattr(tkeras.layers, _LAYERS[rank])(
        5, 3, padding="same", strides=2, data_format="channels_first"
    )
    y = layer(torch.randn(2, 3, *(8,) * rank))
    assert y.shape == (2, 5, *(4,) * rank)
    assert y.is_contiguous()


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_kernel_layouts(rank: int) -> None:
    layer = getattr(tkeras.layers, _LAYERS[rank])(6, 2, groups=3)
    layer.build_from_shape((1, *(4,) * rank, 9))
    keras_shape = (*(2,) * rank, 3, 6)
    torch_shape = (6, 3, 1, 2) if rank == 1 else (6, 3, *(2,) * rank)
    assert layer.get_weights()[0].shape == keras_shape
    assert tuple(layer.kernel.shape) == keras_shape
    assert tuple(layer.state_dict()["kernel"].shape) == keras_shape
    assert tuple(_op_kernel(layer).shape) == torch_shape
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert layer.count_params() == math.prod(keras_shape) + 6
    # A Keras-layout value goes in and comes back out unchanged.
    value = np.arange(math.prod(keras_shape), dtype="float32").reshape(keras_shape)
    layer.set_weights([value, np.zeros(6, "float32")])
    np.testing.assert_array_equal(layer.get_weights()[0], value)


def test_flatten_after_conv2d_matches_keras_order() -> None:
    x = np.random.default_rng(0).standard_normal((2, 7, 6, 3)).astype("float32")
    k_conv, k_flat, k_dense = (
        keras.layers.Conv2D(4, 3, strides=2, padding="same"),
        keras.layers.Flatten(),
        keras.layers.Dense(5),
    )
    yk = k_dense(k_flat(k_conv(torch.tensor(x))))
    t_conv, t_flat, t_dense = (
        tkeras.layers.Conv2D(4, 3, strides=2, padding="same"),
        tkeras.layers.Flatten(),
        tkeras.layers.Dense(5),
    )
    t_conv.build_from_shape(x.shape)
    t_conv.set_weights(k_conv.get_weights())
    t_dense.build_from_shape((2, 4 * 3 * 4))
    t_dense.set_weights(k_dense.get_weights())
    yt = t_dense(t_flat(t_conv(torch.tensor(x))))
    np.testing.assert_allclose(
        yt.detach().numpy(), keras.ops.convert_to_numpy(yk), rtol=1e-5, atol=1e-5
    )


def test_unknown_spatial_size_pads_per_size() -> None:
    # Built without spatial sizes (and then called on other sizes than it was built for),
    # strided 'same' must pad for each actual size: 8 -> (0, 1), 9 -> (1, 1).
    k_layer = keras.layers.Conv2D(3, 3, strides=2, padding="same")
    t_layer = tkeras.layers.Conv2D(3, 3, strides=2, padding="same")
    k_layer.build((None, None, None, 2))
    t_layer.build_from_shape((None, None, None, 2))
    t_layer.set_weights(k_layer.get_weights())
    assert t_layer.compute_output_shape((None, None, 9, 2)) == (None, None, 5, 3)
    rng = np.random.default_rng(0)
    for size in [(8, 8), (9, 9), (8, 9), (9, 8), (8, 8)]:
        x = rng.standard_normal((1, *size, 2)).astype("float32")
        yk = keras.ops.convert_to_numpy(k_layer(torch.tensor(x)))
        yt = t_layer(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(yt, yk, rtol=1e-5, atol=1e-5)
    assert set(t_layer._plans) == {(8, 8), (9, 9), (8, 9), (9, 8)}


def test_built_size_then_other_size() -> None:
    layer = tkeras.layers.Conv1D(
        2, 3, strides=2, padding="same", kernel_initializer="ones", use_bias=False
    )
    layer(torch.ones(1, 8, 1))  # plans 8 -> (0, 1)
    # Length 9 pads (1, 1): the first output sees a zero, the input's first two ones.
    y = layer(torch.ones(1, 9, 1))
    assert y[0, :, 0].tolist() == [2.0, 3.0, 3.0, 3.0, 2.0]


def test_causal_padding_by_hand() -> None:
    layer = tkeras.layers.Conv1D(1, 2, padding="causal", dilation_rate=2, use_bias=False)
    layer.build_from_shape((1, 5, 1))
    layer.set_weights([np.array([[[10.0]], [[1.0]]], "float32")])
    y = layer(torch.tensor([[[1.0], [2.0], [3.0], [4.0], [5.0]]]))
    # y[t] = 10 * x[t - 2] + x[t], with x[t < 0] = 0.
    assert y[0, :, 0].tolist() == [1.0, 2.0, 13.0, 24.0, 35.0]


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_compute_output_shape_matches_keras(rank: int, data_format: str) -> None:
    spatial = (None, 9, 8)[:rank] if rank > 1 else (None,)
    shape = (None, *spatial, 3) if data_format == "channels_last" else (None, 3, *spatial)
    paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
    for padding in paddings:
        for strides, dilation in [(1, 1), (2, 1), (3, 1), (1, 2)]:
            kwargs = {
                "filters": 4,
                "kernel_size": 3,
                "strides": strides,
                "padding": padding,
                "dilation_rate": dilation,
                "data_format": data_format,
            }
            name = _LAYERS[rank]
            expected = getattr(keras.layers, name)(**kwargs).compute_output_shape(shape)
            got = getattr(tkeras.layers, name)(**kwargs).compute_output_shape(shape)
            assert got == tuple(expected), (kwargs, got, expected)


def test_compute_output_shape_used_by_symbolic_call() -> None:
    layer = tkeras.layers.Conv2D(4, 3, strides=2, padding="same")
    layer.build_from_shape((2, 9, 8, 3))
    assert layer.output_shape == (2, 5, 4, 4)


# ---------------------------------------------------------------------- initializers


@pytest.mark.parametrize("rank,k,cin,cout", [(2, 3, 16, 32), (1, 5, 4, 8), (3, 2, 8, 8)])
def test_default_glorot_uniform_uses_conv_fans(rank: int, k: int, cin: int, cout: int) -> None:
    torch.manual_seed(0)
    layer = getattr(tkeras.layers, _LAYERS[rank])(cout, k)
    layer.build_from_shape((1, *(k + 1,) * rank, cin))
    kernel, bias = layer.get_weights()
    fan_in, fan_out = k**rank * cin, k**rank * cout
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(kernel).max() <= bound
    assert np.abs(kernel).max() > 0.95 * bound
    # U(-l, l) has variance l^2 / 3.
    np.testing.assert_allclose(kernel.var(), bound**2 / 3, rtol=0.2)
    assert abs(kernel.mean()) < 0.1 * bound
    np.testing.assert_array_equal(bias, np.zeros(cout, "float32"))


def test_non_default_initializers() -> None:
    torch.manual_seed(0)
    layer = tkeras.layers.Conv2D(64, 3, kernel_initializer="he_normal", bias_initializer="ones")
    layer.build_from_shape((1, 5, 5, 32))
    kernel, bias = layer.get_weights()
    # Truncated normal with stddev sqrt(2 / fan_in), fan_in = 3 * 3 * 32.
    std = math.sqrt(2.0 / (9 * 32))
    np.testing.assert_allclose(kernel.std(), std, rtol=0.05)
    assert np.abs(kernel).max() <= 2 * std / 0.87962566103423978 + 1e-6
    np.testing.assert_array_equal(bias, np.ones(64, "float32"))


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize("filters", [0, -1, 2.0, "8", None, True])
def test_bad_filters(filters) -> None:
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'c': .*`filters`, expected a positive integer, "
        rf"got filters={re.escape(repr(filters))}",
    ):
        tkeras.layers.Conv2D(filters, 3, name="c")


@pytest.mark.parametrize("arg", ["kernel_size", "strides", "dilation_rate"])
@pytest.mark.parametrize("value", [0, (3,), (3, 0), (3, "a"), (2, -1), "3", 1.5])
def test_bad_int_tuples(arg: str, value) -> None:
    kwargs = {"kernel_size": 3, arg: value}
    with pytest.raises(
        ValueError,
        match=rf"Conv2D 'c': the `{arg}` argument must be a positive "
        rf"int or a tuple of 2 positive ints\. Received: "
        rf"{arg}={re.escape(repr(value))}",
    ):
        tkeras.layers.Conv2D(4, name="c", **kwargs)


@pytest.mark.parametrize(
    "name,padding",
    [("Conv1D", "full"), ("Conv2D", "causal"), ("Conv3D", "causal"), ("Conv2D", None)],
)
def test_bad_padding(name: str, padding) -> None:
    allowed = "('valid', 'same', 'causal')" if name == "Conv1D" else "('valid', 'same')"
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': the `padding` argument must be one of "
        rf"{re.escape(allowed)}\. Received: "
        rf"padding={re.escape(repr(padding))}",
    ):
        getattr(tkeras.layers, name)(4, 3, padding=padding, name="c")


def test_bad_data_format() -> None:
    with pytest.raises(
        ValueError,
        match=r"Conv3D 'c': the `data_format` argument must be one of "
        r"'channels_last', 'channels_first'\. Received: "
        r"data_format='NDHWC'",
    ):
        tkeras.layers.Conv3D(4, 3, data_format="NDHWC", name="c")


@pytest.mark.parametrize("strides,dilation", [((2, 2), (2, 2)), ((1, 2), (2, 1))])
def test_strides_with_dilation_rejected_as_keras_does(strides, dilation) -> None:
    with pytest.raises(ValueError, match="not supported in conjunction with"):
        keras.layers.Conv2D(4, 3, strides=strides, dilation_rate=dilation)
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'c': `strides > 1` is not supported in "
        r"conjunction with `dilation_rate > 1`\. Received: "
        rf"strides={re.escape(str(strides))} and "
        rf"dilation_rate={re.escape(str(dilation))}",
    ):
        tkeras.layers.Conv2D(4, 3, strides=strides, dilation_rate=dilation, name="c")


@pytest.mark.parametrize("groups", [0, -2, 1.0])
def test_bad_groups(groups) -> None:
    with pytest.raises(
        ValueError,
        match=r"Conv1D 'c': .*`groups`, expected a positive integer, "
        rf"got groups={re.escape(repr(groups))}",
    ):
        tkeras.layers.Conv1D(4, 3, groups=groups, name="c")


def test_filters_not_divisible_by_groups() -> None:
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'c': the number of filters must be evenly "
        r"divisible by the number of groups\. Received: "
        r"groups=3, filters=4\.",
    ):
        tkeras.layers.Conv2D(4, 3, groups=3, name="c")


def test_input_channels_not_divisible_by_groups() -> None:
    layer = tkeras.layers.Conv2D(4, 3, groups=2, name="c")
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'c': the number of input channels must be "
        r"evenly divisible by the number of groups\. Received "
        r"groups=2, but the input has 3 channels \(full input "
        r"shape is \(1, 5, 5, 3\)\)\.",
    ):
        layer(torch.randn(1, 5, 5, 3))
    assert not layer.built


def test_unknown_channels() -> None:
    layer = tkeras.layers.Conv2D(4, 3, data_format="channels_first", name="c")
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'c': the channel dimension of the inputs "
        r"\(axis 1 for data_format='channels_first'\) must be "
        r"known to build the layer\. Received: "
        r"input_shape=\(None, None, 5, 5\)",
    ):
        layer.build_from_shape((None, None, 5, 5))


def test_output_size_zero_or_negative() -> None:
    layer = tkeras.layers.Conv2D(4, 3, dilation_rate=2, name="c")
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'c': the computed output size would be zero or "
        r"negative: .* Received: input_shape=\(1, 4, 9, 2\), "
        r"kernel_size=\(3, 3\), dilation_rate=\(2, 2\), "
        r"strides=\(1, 1\), padding='valid'\.",
    ):
        layer(torch.randn(1, 4, 9, 2))
    assert not layer.built
    # 'same' never shrinks to zero.
    assert tkeras.layers.Conv2D(4, 3, dilation_rate=2, padding="same")(
        torch.randn(1, 4, 9, 2)
    ).shape == (1, 4, 9, 4)


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_wrong_rank(rank: int) -> None:
    name = _LAYERS[rank]
    layer = getattr(tkeras.layers, name)(4, 1, name="c")
    x = torch.randn(2, *(3,) * (rank - 1), 3)  # the channels axis is missing a spatial axis
    with pytest.raises(
        ValueError,
        match=rf'Input 0 of layer "c" is incompatible with the layer: '
        rf"expected ndim={rank + 2}, found ndim={rank + 1}\. "
        rf"Full shape received: .* {name} with "
        r"data_format='channels_last' expects inputs of shape "
        r"\(batch, .*channels\)\.",
    ):
        layer(x)
    # Once built, the cheap rank check on the hot path raises the same message.
    layer(torch.randn(2, *(3,) * rank, 3))
    with pytest.raises(ValueError, match=rf"expected ndim={rank + 2}, found ndim={rank + 3}"):
        layer(torch.randn(2, *(3,) * (rank + 1), 3))


def test_wrong_rank_hint_names_channels_first_axes() -> None:
    layer = tkeras.layers.Conv3D(4, 1, data_format="channels_first", name="c")
    with pytest.raises(
        ValueError,
        match=r"Conv3D with data_format='channels_first' expects "
        r"inputs of shape \(batch, channels, depth, height, "
        r"width\)\.",
    ):
        layer(torch.randn(2, 3, 3, 3))


@pytest.mark.parametrize(
    "data_format,axis,shape",
    [
        ("channels_last", -1, (2, 6, 6, 5)),
        ("channels_first", 1, (2, 5, 6, 6)),
    ],
)
def test_wrong_channel_count_after_build(data_format: str, axis: int, shape: tuple) -> None:
    layer = tkeras.layers.Conv2D(4, 3, data_format=data_format, name="c")
    layer(torch.randn(2, 3, 6, 6) if axis == 1 else torch.randn(2, 6, 6, 3))
    with pytest.raises(
        ValueError,
        match=rf'Input 0 of layer "c" is incompatible with the layer: '
        rf"expected axis {axis} of input shape to have value 3, "
        rf"but received input with shape {re.escape(str(shape))}",
    ):
        layer(torch.randn(*shape))


def test_unknown_activation() -> None:
    with pytest.raises(ValueError, match="nope"):
        tkeras.layers.Conv2D(4, 3, activation="nope")
