"""UpSampling1D/2D/3D, ZeroPadding1D/2D/3D, Cropping1D/2D/3D, Permute, RepeatVector, Lambda and
Identity: Keras parity, shapes with unknown dimensions, views and layouts, config, masks, and
every error message."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case

# ---------------------------------------------------------------- Lambda functions


def _square(x):
    return x * x


def _scaled_shift(x, scale, shift=0.0):
    return x * scale + shift


def _first_four(x):
    return x[:, :4]


def _mask_of_first_feature(inputs, mask=None):
    return inputs[..., 0] > 0


def _head_and_tail(x):
    return [x[:, :2], x[:, 2:]]


# ---------------------------------------------------------------- the parity table


def _up_sampling() -> list[Case]:
    cases = [
        Case("UpSampling1D", {}, (2, 5, 3), id="UpSampling1D-default"),
        Case("UpSampling1D", {"size": 3}, (2, 5, 3), id="UpSampling1D-3"),
        Case("UpSampling2D", {}, (2, 4, 5, 3), id="UpSampling2D-default"),
        Case("UpSampling2D", {"size": 3}, (2, 4, 5, 3), id="UpSampling2D-int"),
        Case(
            "UpSampling2D",
            {"size": (2, 3), "data_format": "channels_first"},
            (2, 3, 4, 5),
            id="UpSampling2D-channels_first",
        ),
        Case("UpSampling3D", {}, (2, 2, 3, 4, 3), id="UpSampling3D-default"),
        Case("UpSampling3D", {"size": 2}, (2, 3, 2, 2, 2), id="UpSampling3D-int"),
        Case("UpSampling3D", {"size": (1, 2, 3)}, (2, 2, 3, 4, 3), id="UpSampling3D-tuple"),
        Case(
            "UpSampling3D",
            {"size": (3, 1, 2), "data_format": "channels_first"},
            (2, 3, 2, 3, 4),
            id="UpSampling3D-channels_first",
        ),
    ]
    for interpolation in ("bilinear", "bicubic", "Bilinear", "NEAREST"):
        for fmt in ("channels_last", "channels_first"):
            shape = (2, 5, 6, 3) if fmt == "channels_last" else (2, 3, 5, 6)
            for size in ((2, 3), 4):
                cases.append(
                    Case(
                        "UpSampling2D",
                        {"size": size, "data_format": fmt, "interpolation": interpolation},
                        shape,
                        id=f"UpSampling2D-{interpolation}-{fmt}-{size}",
                    )
                )
    return cases


# (kwargs value, id) per rank, covering an int, a tuple of ints and a tuple of pairs (plus a
# mix of ints and pairs); zeros on some edges.
_EDGES = {
    1: [(2, "int"), ((1, 3), "pair"), ((0, 2), "zero-before"), ((2, 0), "zero-after")],
    2: [
        (2, "int"),
        ((1, 2), "ints"),
        (((1, 0), (2, 3)), "pairs"),
        ((1, (0, 2)), "mixed"),
        (((0, 0), (2, 1)), "one-axis"),
    ],
    3: [
        (1, "int"),
        ((1, 0, 2), "ints"),
        (((1, 0), (0, 1), (2, 1)), "pairs"),
        (((0, 1), 1, (2, 0)), "mixed"),
    ],
}
_SPATIAL = {1: (7,), 2: (6, 7), 3: (5, 4, 6)}


def _edges(name: str, arg: str) -> list[Case]:
    cases = []
    for rank in (1, 2, 3):
        layer = f"{name}{rank}D"
        last = (2, *_SPATIAL[rank], 3)
        first = (2, 3, *_SPATIAL[rank])
        cases.append(Case(layer, {}, last, id=f"{layer}-default"))
        for value, label in _EDGES[rank]:
            cases.append(Case(layer, {arg: value}, last, id=f"{layer}-{label}"))
        if name == "Cropping" and rank == 1:
            continue  # Keras's Cropping1D has no data_format
        for value, label in _EDGES[rank][:3]:
            cases.append(
                Case(
                    layer,
                    {arg: value, "data_format": "channels_first"},
                    first,
                    id=f"{layer}-{label}-channels_first",
                )
            )
    return cases


def _others() -> list[Case]:
    return [
        Case("Permute", {"dims": (2, 1)}, (2, 4, 5), id="Permute-swap"),
        Case("Permute", {"dims": (1, 2)}, (2, 4, 5), id="Permute-identity"),
        Case("Permute", {"dims": (3, 1, 2)}, (2, 3, 4, 5), id="Permute-rank4"),
        Case("Permute", {"dims": [2, 4, 1, 3]}, (2, 3, 4, 5, 6), id="Permute-rank5-list"),
        Case("RepeatVector", {"n": 3}, (2, 5), id="RepeatVector-3"),
        Case("RepeatVector", {"n": 1}, (4, 2), id="RepeatVector-1"),
        Case("Identity", {}, (2, 3, 4), id="Identity"),
        Case("Lambda", {"function": _square}, (2, 3, 4), id="Lambda-square"),
        Case(
            "Lambda",
            {"function": _scaled_shift, "arguments": {"scale": 3.0, "shift": -1.0}},
            (2, 5),
            id="Lambda-arguments",
        ),
        Case(
            "Lambda",
            {"function": _first_four, "output_shape": (4,)},
            (2, 6),
            id="Lambda-output_shape",
        ),
        Case(
            "Lambda",
            {"function": _square, "mask": _mask_of_first_feature},
            (2, 3, 4),
            id="Lambda-mask",
        ),
        Case("Lambda", {"function": _head_and_tail}, (2, 5), id="Lambda-two-outputs"),
    ]


CASES = _up_sampling() + _edges("ZeroPadding", "padding") + _edges("Cropping", "cropping")
CASES += _others()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity_with_keras(case):
    check_case(case)


# ---------------------------------------------------------------- hand values


def test_up_sampling_repeats_each_cell():
    x = torch.tensor([[[1.0], [2.0]]])
    assert tkeras.layers.UpSampling1D(3)(x).flatten().tolist() == [1, 1, 1, 2, 2, 2]
    img = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 2, 2, 1)
    y = tkeras.layers.UpSampling2D((1, 2))(img).view(2, 4)
    assert y.tolist() == [[1, 1, 2, 2], [3, 3, 4, 4]]


def test_zero_padding_and_cropping_by_hand():
    x = torch.tensor([[[1.0], [2.0], [3.0]]])
    assert tkeras.layers.ZeroPadding1D((1, 2))(x).flatten().tolist() == [0, 1, 2, 3, 0, 0]
    assert tkeras.layers.Cropping1D((1, 0))(x).flatten().tolist() == [2, 3]
    img = torch.arange(1.0, 10.0).view(1, 1, 3, 3)  # channels_first
    y = tkeras.layers.Cropping2D(((1, 0), (0, 1)), data_format="channels_first")(img)
    assert y.view(2, 2).tolist() == [[4, 5], [7, 8]]
    z = tkeras.layers.ZeroPadding2D(((0, 1), (1, 0)), data_format="channels_first")(img)
    assert z.view(4, 4).tolist() == [[0, 1, 2, 3], [0, 4, 5, 6], [0, 7, 8, 9], [0, 0, 0, 0]]


# ---------------------------------------------------------------- views, copies, layouts


def _shares_memory(y: torch.Tensor, x: torch.Tensor) -> bool:
    return y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def test_cropping_permute_and_repeat_vector_make_no_copy():
    x = torch.randn(2, 6, 7, 3)
    assert _shares_memory(tkeras.layers.Cropping2D(((1, 2), (0, 3)))(x), x)
    assert _shares_memory(tkeras.layers.Permute((3, 1, 2))(x), x)
    v = torch.randn(2, 5)
    y = tkeras.layers.RepeatVector(4)(v)
    assert _shares_memory(y, v) and y.stride() == (5, 0, 1)
    # As the docstring says: an expanded view cannot be written in place.
    with pytest.raises(RuntimeError, match="single memory location"):
        y.add_(1.0)


@pytest.mark.parametrize(
    "name, kwargs, shape",
    [
        ("UpSampling1D", {}, (2, 5, 3)),
        ("UpSampling2D", {"size": (2, 3)}, (2, 4, 5, 3)),
        ("UpSampling2D", {"interpolation": "bilinear"}, (2, 4, 5, 3)),
        ("UpSampling2D", {"interpolation": "bicubic"}, (2, 4, 5, 3)),
        ("UpSampling3D", {}, (2, 2, 3, 4, 3)),
        ("ZeroPadding1D", {}, (2, 5, 3)),
        ("ZeroPadding2D", {}, (2, 4, 5, 3)),
        ("ZeroPadding3D", {}, (2, 2, 3, 4, 3)),
    ],
)
def test_channels_last_outputs_are_contiguous(name, kwargs, shape):
    assert getattr(tkeras.layers, name)(**kwargs)(torch.randn(shape)).is_contiguous()


def test_channels_first_outputs_are_contiguous():
    x = torch.randn(2, 3, 4, 5)
    for layer in (
        tkeras.layers.UpSampling2D(data_format="channels_first"),
        tkeras.layers.UpSampling2D(data_format="channels_first", interpolation="bilinear"),
        tkeras.layers.ZeroPadding2D(data_format="channels_first"),
    ):
        assert layer(x).is_contiguous()


def test_up_sampling_keeps_an_integer_dtype():
    # Nearest is a repeat, as in Keras: any dtype works, no interpolation kernel is involved.
    x = torch.arange(6).view(1, 2, 3, 1)
    y = tkeras.layers.UpSampling2D()(x)
    assert y.dtype == torch.int64 and y[0, :, :, 0].tolist() == [
        [0, 0, 1, 1, 2, 2],
        [0, 0, 1, 1, 2, 2],
        [3, 3, 4, 4, 5, 5],
        [3, 3, 4, 4, 5, 5],
    ]


# ---------------------------------------------------------------- shapes with unknown dims


@pytest.mark.parametrize(
    "name, kwargs, shape",
    [
        ("UpSampling1D", {"size": 3}, (None, None, 4)),
        ("UpSampling2D", {"size": (2, 3)}, (None, 4, None, 3)),
        ("UpSampling2D", {"data_format": "channels_first"}, (2, None, None, 5)),
        ("UpSampling3D", {"size": (1, 2, 3)}, (None, 2, None, 4, 3)),
        ("ZeroPadding1D", {"padding": (1, 2)}, (None, None, 3)),
        ("ZeroPadding1D", {"data_format": "channels_first"}, (None, 3, 5)),
        ("ZeroPadding2D", {"padding": ((1, 0), (2, 3))}, (None, None, 5, 3)),
        ("ZeroPadding3D", {"padding": 2, "data_format": "channels_first"}, (1, 3, None, 4, None)),
        ("Cropping1D", {"cropping": (1, 2)}, (None, 6, 3)),
        ("Cropping1D", {}, (None, None, 3)),
        ("Cropping2D", {"cropping": ((1, 0), (2, 3))}, (None, None, 7, 3)),
        ("Cropping2D", {"cropping": 1, "data_format": "channels_first"}, (2, None, 5, None)),
        ("Cropping3D", {}, (None, 3, None, 5, 2)),
        ("Permute", {"dims": (2, 1)}, (None, None, 5)),
        ("Permute", {"dims": (3, 1, 2)}, (4, 3, None, 5)),
        ("RepeatVector", {"n": 4}, (None, 6)),
        ("RepeatVector", {"n": 2}, (None, None)),
        ("Identity", {}, (None, 3, None)),
        ("Lambda", {"function": _first_four, "output_shape": (4,)}, (None, 7)),
        ("Lambda", {"function": _first_four, "output_shape": (4,)}, (3, 7)),
    ],
)
def test_compute_output_shape_matches_keras(name, kwargs, shape):
    expected = getattr(keras.layers, name)(**kwargs).compute_output_shape(shape)
    assert getattr(tkeras.layers, name)(**kwargs).compute_output_shape(shape) == tuple(expected)


def test_symbolic_calls_give_the_output_shapes():
    x = tkeras.Input((None, 3))
    y = tkeras.layers.UpSampling1D(2)(tkeras.layers.ZeroPadding1D((1, 2))(x))
    assert y.shape == (None, None, 3)
    z = tkeras.layers.Cropping1D((1, 1))(tkeras.Input((6, 3)))
    assert z.shape == (None, 4, 3)
    r = tkeras.layers.RepeatVector(5)(tkeras.Input((8,)))
    assert tkeras.layers.Permute((2, 1))(r).shape == (None, 8, 5)


# ---------------------------------------------------------------- Lambda


def test_lambda_arguments_and_a_callable_output_shape_match_keras():
    def head(x, k):
        return x[:, :k]

    def shape_fn(input_shape):
        return (input_shape[0], 3)

    x = np.random.default_rng(0).standard_normal((4, 6)).astype("float32")
    outputs = []
    for lib in (keras, tkeras):
        inp = lib.Input((6,))
        out = lib.layers.Lambda(head, output_shape=shape_fn, arguments={"k": 3})(inp)
        assert tuple(out.shape) == (None, 3)
        model = lib.Model(inp, out)
        outputs.append(keras.ops.convert_to_numpy(model(torch.tensor(x))))
    np.testing.assert_allclose(outputs[1], outputs[0], rtol=1e-6)
    np.testing.assert_allclose(outputs[1], x[:, :3])


def test_lambda_infers_the_output_shape_with_unknown_dims():
    layer = tkeras.layers.Lambda(lambda x: torch.cat([x, x], dim=-1))
    assert layer.compute_output_shape((None, 5)) == (None, 10)
    keras_layer = keras.layers.Lambda(lambda x: keras.ops.concatenate([x, x], axis=-1))
    assert tuple(keras_layer.compute_output_shape((None, 5))) == (None, 10)
    y = tkeras.layers.Lambda(_head_and_tail)(tkeras.Input((None, 6)))
    assert [t.shape for t in y] == [(None, 2, 6), (None, None, 6)]


def test_lambda_output_shape_for_several_outputs():
    layer = tkeras.layers.Lambda(_head_and_tail, output_shape=[(2,), (3,)])
    assert layer.compute_output_shape((None, 5)) == [(None, 2), (None, 3)]


def test_lambda_that_cannot_be_inferred_raises_naming_output_shape():
    def needs_a_value(x):
        raise RuntimeError("data-dependent")

    layer = tkeras.layers.Lambda(needs_a_value, name="bad")
    with pytest.raises(
        NotImplementedError,
        match=r"Lambda 'bad': could not infer the output shape of the function for "
        r"input_shape=\(None, 3\) \(RuntimeError: data-dependent\)\. Pass `output_shape` to "
        r"the Lambda layer\.",
    ):
        layer.compute_output_shape((None, 3))


def test_lambda_passes_mask_and_training_when_named():
    seen = []

    def record(x, mask=None, training=None):
        seen.append((mask, training))
        return x

    layer = tkeras.layers.Lambda(record)
    x, mask = torch.ones(2, 3), torch.tensor([True, False])
    layer(x)
    layer(x, mask=mask, training=True)
    layer.train()
    layer(x)
    assert seen[0] == (None, False)
    assert seen[1][0] is mask and seen[1][1] is True
    assert seen[2] == (None, True)


def test_lambda_receives_the_upstream_mask_in_a_model_as_in_keras():
    def mark_masked(x, mask=None):
        # Shape inference runs without a mask (tkeras's symbolic calls carry none).
        if mask is None:
            return x
        return x + 100.0 * (~mask)[..., None].to(x.dtype)

    x = np.random.default_rng(1).standard_normal((2, 4, 3)).astype("float32")
    x[0, 2:] = 0.0
    outputs = []
    for lib in (keras, tkeras):
        model = lib.Sequential(
            [lib.Input((4, 3)), lib.layers.Masking(), lib.layers.Lambda(mark_masked, mask=True)]
        )
        outputs.append(keras.ops.convert_to_numpy(model(torch.tensor(x))))
    np.testing.assert_allclose(outputs[1], outputs[0], rtol=1e-6)
    assert (outputs[1][0, 2:] == 100.0).all() and (outputs[1][1] < 100.0).all()


def test_lambda_mask_argument():
    x = torch.tensor([[[1.0], [-1.0]]])
    previous = torch.tensor([[True, True]])
    for lib in (keras, tkeras):
        assert not lib.layers.Lambda(_square).supports_masking
        assert lib.layers.Lambda(_square).compute_mask(x, previous) is None
        by_function = lib.layers.Lambda(_square, mask=_mask_of_first_feature)
        assert by_function.supports_masking
        assert by_function.compute_mask(x, previous).tolist() == [[True, False]]
        fixed = torch.tensor([[False, True]])
        assert lib.layers.Lambda(_square, mask=fixed).compute_mask(x, previous) is fixed


def test_lambda_get_config_stores_the_function():
    layer = tkeras.layers.Lambda(
        _scaled_shift, output_shape=(5,), arguments={"scale": 2.0}, name="scaled"
    )
    config = layer.get_config()
    assert config["function"] is _scaled_shift
    assert config["output_shape"] == (5,) and config["arguments"] == {"scale": 2.0}
    assert config["mask"] is None and config["name"] == "scaled"
    clone = tkeras.layers.Lambda.from_config(config)
    x = torch.randn(3, 5)
    torch.testing.assert_close(clone(x), layer(x))
    torch.testing.assert_close(clone(x), x * 2.0)


def test_lambda_accepts_a_torch_builtin():
    y = tkeras.layers.Lambda(torch.relu)(torch.tensor([[-1.0, 2.0]]))
    assert y.tolist() == [[0.0, 2.0]]


def test_lambda_wrapping_a_module_moves_with_it():
    module = torch.nn.Linear(3, 2)
    layer = tkeras.layers.Lambda(module)
    assert list(layer.parameters()) == list(module.parameters())


# ---------------------------------------------------------------- Identity and masks


def test_identity_returns_the_input_and_passes_the_mask_as_in_keras():
    x = torch.randn(2, 3)
    assert tkeras.layers.Identity()(x) is x
    pair = [x, x + 1]
    assert tkeras.layers.Identity()(pair) is pair
    assert tkeras.layers.Identity().supports_masking == keras.layers.Identity().supports_masking
    data = np.random.default_rng(2).standard_normal((3, 5, 4)).astype("float32")
    data[1, 2:] = 0.0
    outputs = []
    for lib in (keras, tkeras):
        model = lib.Sequential(
            [
                lib.Input((5, 4)),
                lib.layers.Masking(),
                lib.layers.Identity(),
                lib.layers.GlobalAveragePooling1D(),
            ]
        )
        outputs.append(keras.ops.convert_to_numpy(model(torch.tensor(data))))
    np.testing.assert_allclose(outputs[1], outputs[0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(outputs[1][1], data[1].mean(0))


# ---------------------------------------------------------------- surface and config

NAMES = [
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Permute",
    "RepeatVector",
    "Lambda",
    "Identity",
]


@pytest.mark.parametrize("name", NAMES)
def test_signature_matches_keras(name):
    def params(cls):
        return [
            (p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()
        ]

    assert params(getattr(tkeras.layers, name)) == params(getattr(keras.layers, name))


def test_exported_from_their_packages():
    reshaping = set(NAMES) - {"Lambda", "Identity"}
    assert reshaping <= set(tkeras.layers.reshaping.__all__)
    assert {"Lambda", "Identity"} <= set(tkeras.layers.core.__all__)
    assert set(NAMES) <= set(tkeras.layers.__all__)


CONFIG_CASES = [
    ("UpSampling1D", {"size": 3}),
    ("UpSampling2D", {"size": 3, "data_format": "channels_first", "interpolation": "BiLinear"}),
    ("UpSampling2D", {}),
    ("UpSampling3D", {"size": [1, 2, 3], "data_format": "channels_first"}),
    ("ZeroPadding1D", {"padding": 2}),
    ("ZeroPadding1D", {"padding": [1, 3], "data_format": "channels_first"}),
    ("ZeroPadding2D", {"padding": 2}),
    ("ZeroPadding2D", {"padding": (1, [0, 2]), "data_format": "channels_first"}),
    ("ZeroPadding3D", {"padding": (1, 2, 3)}),
    ("Cropping1D", {"cropping": 2}),
    ("Cropping2D", {"cropping": (1, 2)}),
    ("Cropping2D", {"cropping": ((1, 0), (2, 3)), "data_format": "channels_first"}),
    ("Cropping3D", {"cropping": 1}),
    ("Cropping3D", {"cropping": ((1, 0), 2, (0, 3))}),
    ("Permute", {"dims": [3, 1, 2]}),
    ("RepeatVector", {"n": 4}),
    ("Identity", {}),
]


@pytest.mark.parametrize("name, kwargs", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_get_config_matches_keras(name, kwargs):
    k_cfg = getattr(keras.layers, name)(**kwargs, name="x").get_config()
    layer = getattr(tkeras.layers, name)(**kwargs, name="x")
    cfg = layer.get_config()
    k_cfg.pop("dtype"), cfg.pop("dtype")
    assert cfg == k_cfg
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_data_format_none_follows_the_config():
    previous = tkeras.config.image_data_format()
    tkeras.config.set_image_data_format("channels_first")
    try:
        layers = [
            tkeras.layers.UpSampling2D(),
            tkeras.layers.ZeroPadding2D(),
            tkeras.layers.Cropping2D(1),
        ]
    finally:
        tkeras.config.set_image_data_format(previous)
    x = torch.randn(2, 3, 4, 5)
    assert [tuple(layer(x).shape) for layer in layers] == [
        (2, 3, 8, 10),
        (2, 3, 6, 7),
        (2, 3, 2, 3),
    ]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "name, kwargs, match",
    [
        (
            "UpSampling1D",
            {"size": 0},
            r"UpSampling1D 'bad': received an invalid value for argument `size`, expected a "
            r"positive integer, got size=0\.",
        ),
        ("UpSampling1D", {"size": (2,)}, r"UpSampling1D 'bad': .* got size=\(2,\)\."),
        (
            "UpSampling2D",
            {"size": (2, 0)},
            r"UpSampling2D 'bad': the `size` argument must be a positive int or a tuple of 2 "
            r"positive ints\. Received: size=\(2, 0\)",
        ),
        ("UpSampling3D", {"size": (2, 2)}, r"UpSampling3D 'bad': .* Received: size=\(2, 2\)"),
        (
            "UpSampling2D",
            {"interpolation": "linear"},
            r"UpSampling2D 'bad': the `interpolation` argument must be one of \('nearest', "
            r"'bilinear', 'bicubic'\)\. Received: interpolation='linear'",
        ),
        (
            "UpSampling3D",
            {"data_format": "NDHWC"},
            r"UpSampling3D 'bad': the `data_format` argument must be one of 'channels_last', "
            r"'channels_first'\. Received: data_format='NDHWC'",
        ),
        (
            "ZeroPadding1D",
            {"padding": -1},
            r"ZeroPadding1D 'bad': the `padding` argument must be a non-negative int or a tuple "
            r"of 2 non-negative ints \(before, after\)\. Received: padding=-1",
        ),
        (
            "ZeroPadding1D",
            {"padding": (1, 2, 3)},
            r"ZeroPadding1D 'bad': the `padding` argument .* Received: padding=\(1, 2, 3\)",
        ),
        (
            "ZeroPadding2D",
            {"padding": (1, 2, 3)},
            r"ZeroPadding2D 'bad': the `padding` argument must be a non-negative int, a tuple of "
            r"2 non-negative ints \(one per spatial axis\), or a tuple of 2 \(before, after\) "
            r"pairs of non-negative ints\. Received: padding=\(1, 2, 3\)",
        ),
        (
            "ZeroPadding2D",
            {"padding": -2},
            r"ZeroPadding2D 'bad': the `padding` argument .* Received: padding=-2",
        ),
        (
            "ZeroPadding3D",
            {"padding": ((1, 1), (1, 1), (1, 1, 1))},
            r"ZeroPadding3D 'bad': the `padding` argument must be .* a tuple of 3 \(before, "
            r"after\) pairs .* Received: padding=\(\(1, 1\), \(1, 1\), \(1, 1, 1\)\)",
        ),
        (
            "ZeroPadding2D",
            {"padding": 1.5},
            r"ZeroPadding2D 'bad': the `padding` argument .* Received: padding=1\.5",
        ),
        (
            "ZeroPadding1D",
            {"data_format": "NWC"},
            r"ZeroPadding1D 'bad': the `data_format` argument .* Received: data_format='NWC'",
        ),
        (
            "Cropping1D",
            {"cropping": (1, -1)},
            r"Cropping1D 'bad': the `cropping` argument must be a non-negative int or a tuple "
            r"of 2 non-negative ints \(before, after\)\. Received: cropping=\(1, -1\)",
        ),
        (
            "Cropping2D",
            {"cropping": -1},
            r"Cropping2D 'bad': the `cropping` argument must be a non-negative int, a tuple of 2 "
            r".* Received: cropping=-1",
        ),
        (
            "Cropping3D",
            {"cropping": (1, 2)},
            r"Cropping3D 'bad': the `cropping` argument .* Received: cropping=\(1, 2\)",
        ),
        (
            "Cropping2D",
            {"data_format": "channels"},
            r"Cropping2D 'bad': the `data_format` argument .* Received: data_format='channels'",
        ),
        (
            "Permute",
            {"dims": (1, 3)},
            r"Permute 'bad': the `dims` argument must be a permutation of the non-batch axes "
            r"1\.\.n \(each of 1, 2, \.\.\., n exactly once; the batch axis 0 stays first\)\. "
            r"Received: dims=\(1, 3\)",
        ),
        ("Permute", {"dims": (0, 1)}, r"Permute 'bad': .* Received: dims=\(0, 1\)"),
        ("Permute", {"dims": (2, 2)}, r"Permute 'bad': .* Received: dims=\(2, 2\)"),
        ("Permute", {"dims": 2}, r"Permute 'bad': .* Received: dims=2"),
        (
            "RepeatVector",
            {"n": 0},
            r"RepeatVector 'bad': received an invalid value for argument `n`, expected a "
            r"positive integer, got n=0\.",
        ),
        ("RepeatVector", {"n": 2.0}, r"RepeatVector 'bad': .* got n=2\.0\."),
        (
            "Lambda",
            {"function": 3},
            r"Lambda 'bad': the `function` argument must be callable\. Received: function=3",
        ),
        (
            "Lambda",
            {"function": _square, "arguments": [1]},
            r"Lambda 'bad': the `arguments` argument must be a dict of keyword arguments for the "
            r"function, or None\. Received: arguments=\[1\]",
        ),
        (
            "Lambda",
            {"function": _square, "output_shape": "4"},
            r"Lambda 'bad': the `output_shape` argument must be a tuple of ints or None \(without "
            r"the batch axis\), a nest of such tuples, a callable of the input shape, or None\. "
            r"Received: output_shape='4'",
        ),
    ],
)
def test_invalid_arguments_raise(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(tkeras.layers, name)(name="bad", **kwargs)


@pytest.mark.parametrize("interpolation", ["lanczos3", "lanczos5", "AREA"])
def test_interpolations_keras_torch_cannot_run_raise_not_implemented(interpolation):
    match = (
        rf"UpSampling2D 'bad': interpolation='{interpolation}' is not supported: Keras offers it "
        r"on its TensorFlow/JAX backends only and its torch backend rejects it\. Use 'nearest', "
        r"'bilinear' or 'bicubic'\."
    )
    with pytest.raises(NotImplementedError, match=match):
        tkeras.layers.UpSampling2D(interpolation=interpolation, name="bad")


@pytest.mark.parametrize(
    "name, kwargs, shape, match",
    [
        (
            "Cropping1D",
            {"cropping": (2, 3)},
            (2, 5, 3),
            r"Cropping1D 'bad': the `cropping` argument must remove fewer cells than each "
            r"spatial axis holds, but it removes 5 of the 5 cells of axis 1\. Received: "
            r"cropping=\(2, 3\), input_shape=\(2, 5, 3\)",
        ),
        (
            "Cropping2D",
            {"cropping": ((0, 0), (4, 4))},
            (2, 6, 7, 3),
            r"Cropping2D 'bad': .* removes 8 of the 7 cells of axis 2\. Received: "
            r"cropping=\(\(0, 0\), \(4, 4\)\), input_shape=\(2, 6, 7, 3\)",
        ),
        (
            "Cropping2D",
            {"cropping": ((3, 0), (0, 0)), "data_format": "channels_first"},
            (2, 3, 3, 7),
            r"Cropping2D 'bad': .* removes 3 of the 3 cells of axis 2\.",
        ),
        (
            "Cropping3D",
            {"cropping": ((0, 0), (0, 0), (0, 6))},
            (1, 4, 4, 6, 2),
            r"Cropping3D 'bad': .* removes 6 of the 6 cells of axis 3\.",
        ),
    ],
)
def test_cropping_away_a_whole_axis_raises(name, kwargs, shape, match):
    layer = getattr(tkeras.layers, name)(name="bad", **kwargs)
    with pytest.raises(ValueError, match=match):
        layer.compute_output_shape(shape)
    with pytest.raises(ValueError, match=match):
        layer(torch.randn(shape))
    # Keras refuses the same inputs.
    with pytest.raises(ValueError, match="cropping"):
        getattr(keras.layers, name)(**kwargs).compute_output_shape(shape)
    # An empty batch is not a cropping error.
    ok = list(shape)
    ok[0] = 0
    layer_ok = getattr(tkeras.layers, name)(**kwargs)
    assert layer_ok(torch.randn([0, *[s + 10 for s in shape[1:]]])).shape[0] == 0


@pytest.mark.parametrize(
    "name, kwargs, shape, match",
    [
        (
            "UpSampling1D",
            {},
            (2, 5),
            r'Input 0 of layer "bad" is incompatible with the layer: expected ndim=3, found '
            r"ndim=2\. Full shape received: \(2, 5\)\. UpSampling1D expects a 3D input "
            r"\(batch, steps, features\)\.",
        ),
        (
            "UpSampling2D",
            {"data_format": "channels_first"},
            (2, 3, 4),
            r"expected ndim=4, found ndim=3\. .* UpSampling2D expects a 4D input "
            r"\(batch, channels, rows, cols\) with data_format='channels_first'\.",
        ),
        (
            "ZeroPadding3D",
            {},
            (2, 3, 4, 5),
            r"expected ndim=5, found ndim=4\. .* ZeroPadding3D expects a 5D input "
            r"\(batch, dim1, dim2, dim3, channels\) with data_format='channels_last'\.",
        ),
        (
            "Cropping1D",
            {},
            (2, 5, 3, 1),
            r"expected ndim=3, found ndim=4\. .* Cropping1D expects a 3D input "
            r"\(batch, steps, features\)\.",
        ),
        (
            "Permute",
            {"dims": (2, 1)},
            (2, 3, 4, 5),
            r"expected ndim=3, found ndim=4\. .* Permute with dims=\(2, 1\) expects inputs of "
            r"rank 3\.",
        ),
        (
            "RepeatVector",
            {"n": 2},
            (2, 3, 4),
            r"expected ndim=2, found ndim=3\. .* RepeatVector expects a 2D input "
            r"\(batch, features\)\.",
        ),
    ],
)
def test_wrong_input_rank_raises(name, kwargs, shape, match):
    layer = getattr(tkeras.layers, name)(name="bad", **kwargs)
    with pytest.raises(ValueError, match=match):
        layer(torch.randn(shape))


@pytest.mark.parametrize(
    "layer, shape, match",
    [
        (
            tkeras.layers.UpSampling2D(name="bad"),
            (2, 3),
            r"UpSampling2D 'bad': expected an input shape of rank 4, received "
            r"input_shape=\(2, 3\)\.",
        ),
        (
            tkeras.layers.ZeroPadding1D(name="bad"),
            (2, 3),
            r"ZeroPadding1D 'bad': expected an input shape of rank 3, received "
            r"input_shape=\(2, 3\)\.",
        ),
        (
            tkeras.layers.Cropping3D(name="bad"),
            (2, 3),
            r"Cropping3D 'bad': expected an input shape of rank 5, received "
            r"input_shape=\(2, 3\)\.",
        ),
        (
            tkeras.layers.Permute((2, 1), name="bad"),
            (2, 3),
            r"Permute 'bad': dims=\(2, 1\) needs an input shape of rank 3, received "
            r"input_shape=\(2, 3\)\.",
        ),
        (
            tkeras.layers.RepeatVector(2, name="bad"),
            (2, 3, 4),
            r"RepeatVector 'bad': expected an input shape of rank 2 \(batch, features\), "
            r"received input_shape=\(2, 3, 4\)\.",
        ),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, tkeras.layers.Layer) else None,
)
def test_compute_output_shape_rejects_the_wrong_rank(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        layer.compute_output_shape(shape)


# ---------------------------------------------------------------- accelerator


@pytest.mark.gpu
def test_matches_cpu_on_the_accelerator():
    device = "cuda" if torch.cuda.is_available() else "mps"
    for case in CASES:
        layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
        x = torch.randn(case.input_shape)
        expected, got = layer(x), layer(x.to(device))
        if isinstance(expected, list):
            expected, got = torch.cat(expected, 1), torch.cat(got, 1)
        assert got.device.type == device
        torch.testing.assert_close(got.cpu(), expected, rtol=1e-5, atol=1e-5)
