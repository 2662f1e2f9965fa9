"""MaxPooling1D/2D/3D and AveragePooling1D/2D/3D: Keras parity, a loop reference, hand values."""

from __future__ import annotations

import copy
import inspect
import itertools
import pickle

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case, make_input
from tkeras.layers.padding import same_pads

NAMES = {
    ("max", 1): "MaxPooling1D",
    ("max", 2): "MaxPooling2D",
    ("max", 3): "MaxPooling3D",
    ("average", 1): "AveragePooling1D",
    ("average", 2): "AveragePooling2D",
    ("average", 3): "AveragePooling3D",
}
ALIASES = {
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
}
# Odd and even spatial sizes; rank 2 also mixes them so one axis pads evenly and one unevenly.
SIZES = {1: [(7,), (8,)], 2: [(7, 5), (6, 8), (6, 7)], 3: [(5, 5, 5), (6, 6, 6)]}


def _rank(case: Case) -> int:
    return int(case.layer[-2])


def _spatial(case: Case) -> tuple[int, ...]:
    channels_last = case.kwargs.get("data_format", "channels_last") == "channels_last"
    return case.input_shape[1:-1] if channels_last else case.input_shape[2:]


def _tuple(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def _keras_torch_counts_edge_copies(case: Case) -> bool:
    """Where Keras 3.15's torch backend averages copies of the edge into 'same' windows.

    With any uneven axis it pads every axis with copies of the edge value and counts them
    (keras-team/keras#23233 fixes it upstream); that changes a window's mean unless the window
    holds one real cell, i.e. unless every padded axis has a pool size of 2 or less.
    """
    if not case.layer.startswith("Average") or case.kwargs.get("padding") != "same":
        return False
    rank = _rank(case)
    pool = _tuple(case.kwargs["pool_size"], rank)
    strides = _tuple(case.kwargs.get("strides") or pool, rank)
    pads = [same_pads(n, k, s) for n, k, s in zip(_spatial(case), pool, strides)]
    if all(before == after for before, after in pads):
        return False
    return any(before + after > 0 and k > 2 for (before, after), k in zip(pads, pool))


def _all_cases() -> list[Case]:
    cases = []
    for (_, rank), name in NAMES.items():
        grid = itertools.product(
            (2, 3),
            (None, 1, 2),
            ("valid", "same"),
            ("channels_last", "channels_first"),
            SIZES[rank],
        )
        for pool, strides, padding, fmt, size in grid:
            # Pruned where the pooling arithmetic cannot differ: 'valid' only needs one size
            # (odd, so some windows drop a remainder); channels_first moves no axis differently
            # for the default stride than for an explicit one.
            if padding == "valid" and size != SIZES[rank][0]:
                continue
            if fmt == "channels_first" and strides is None:
                continue
            kwargs = {"pool_size": pool}
            # Leave the defaults out where they apply, so the defaults are exercised too.
            if strides is not None:
                kwargs["strides"] = strides
            if padding == "same":
                kwargs["padding"] = padding
            if fmt == "channels_first":
                kwargs["data_format"] = fmt
            shape = (2, *size, 3) if fmt == "channels_last" else (2, 3, *size)
            cases.append(
                Case(name, kwargs, shape, id=f"{name}-p{pool}-s{strides}-{padding}-{fmt}-{size}")
            )
        # Per-axis tuples, different on each axis.
        if rank > 1:
            pool, strides = (2, 3, 2)[:rank], (1, 2, 2)[:rank]
            for padding in ("valid", "same"):
                cases.append(
                    Case(
                        name,
                        {"pool_size": pool, "strides": strides, "padding": padding},
                        (2, *SIZES[rank][1], 3),
                        id=f"{name}-p{pool}-s{strides}-{padding}",
                    )
                )
    # The class defaults (Max pool_size, every strides/padding/data_format) and a custom name.
    for rank in (1, 2, 3):
        cases.append(
            Case(NAMES["max", rank], {}, (2, *SIZES[rank][1], 3), id=f"MaxPooling{rank}D-defaults")
        )
    cases.append(Case("MaxPooling2D", {"pool_size": 3, "name": "pool"}, (2, 6, 6, 3), id="named"))
    return cases


ALL_CASES = _all_cases()
# Parity with Keras 3.15 on its torch backend, wherever that backend pools as Keras specifies.
CASES = [c for c in ALL_CASES if not _keras_torch_counts_edge_copies(c)]
# Checked against the loop reference below (TF's and JAX's semantics): every case where Keras's
# torch backend differs, and a sample of the 'same' cases where it agrees, which validates the
# reference itself.
REFERENCE_CASES = [c for c in ALL_CASES if _keras_torch_counts_edge_copies(c)] + [
    c for c in CASES if c.kwargs.get("padding") == "same"
][::4]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity_with_keras(case):
    check_case(case)


def test_the_keras_divergence_is_limited_to_uneven_same_average_pooling():
    diverging = [c for c in ALL_CASES if _keras_torch_counts_edge_copies(c)]
    assert diverging and all(c.layer.startswith("Average") for c in diverging)
    assert {NAMES[key] for key in NAMES} <= {c.layer for c in CASES}


# ---------------------------------------------------------------- loop reference


def _reference(x: torch.Tensor, case: Case) -> torch.Tensor:
    """TF's pooling, one window at a time: only real cells enter the max or the mean."""
    rank = _rank(case)
    channels_first = case.kwargs.get("data_format") == "channels_first"
    if channels_first:
        x = x.movedim(1, -1)
    pool = _tuple(case.kwargs.get("pool_size", 2), rank)
    strides = _tuple(case.kwargs.get("strides") or pool, rank)
    spatial = x.shape[1:-1]
    if case.kwargs.get("padding", "valid").lower() == "same":
        outs = [-(-n // s) for n, s in zip(spatial, strides)]
        starts = [same_pads(n, k, s)[0] for n, k, s in zip(spatial, pool, strides)]
    else:
        outs = [(n - k) // s + 1 for n, k, s in zip(spatial, pool, strides)]
        starts = [0] * rank
    axes = tuple(range(1, rank + 1))
    values = []
    for index in itertools.product(*(range(o) for o in outs)):
        window = tuple(
            slice(max(i * s - b, 0), min(i * s - b + k, n))
            for i, s, b, k, n in zip(index, strides, starts, pool, spatial)
        )
        cells = x[(slice(None), *window)]
        values.append(cells.amax(axes) if case.layer.startswith("Max") else cells.mean(axes))
    y = torch.stack(values, 1).reshape(x.shape[0], *outs, x.shape[-1])
    return y.movedim(-1, 1) if channels_first else y


def _check_against_reference(layer, case: Case, x: np.ndarray) -> None:
    xt = torch.tensor(x, requires_grad=True)
    xr = torch.tensor(x, requires_grad=True)
    y, ref = layer(xt), _reference(xr, case)
    assert y.shape == ref.shape
    torch.testing.assert_close(y, ref, rtol=1e-5, atol=1e-5)
    cot = torch.randn(ref.shape, generator=torch.Generator().manual_seed(1), dtype=ref.dtype)
    (g,) = torch.autograd.grad((y * cot).sum(), xt)
    (g_ref,) = torch.autograd.grad((ref * cot).sum(), xr)
    torch.testing.assert_close(g, g_ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=str)
def test_same_padding_matches_the_loop_reference(case):
    layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
    _check_against_reference(layer, case, make_input(case))


def test_uppercase_padding_is_same_padding():
    case = Case("AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "SAME"}, (2, 6, 6, 3))
    layer = tkeras.layers.AveragePooling2D(**case.kwargs)
    assert layer.padding == "same"
    _check_against_reference(layer, case, make_input(case))


# ---------------------------------------------------------------- hand-computed values


def _pool1d(cls, values, **kwargs):
    x = torch.tensor(values, dtype=torch.float32).view(1, -1, 1)
    return getattr(tkeras.layers, cls)(**kwargs)(x).view(-1).tolist()


def test_same_average_pooling_excludes_padding():
    # [1, 2, 3], pads (0, 1): windows [1, 2] and [3] (not [3, 0] / 2).
    assert _pool1d("AveragePooling1D", [1, 2, 3], pool_size=2, strides=2, padding="same") == [
        1.5,
        3.0,
    ]
    # [1, 2, 3, 4], pool 3, stride 2, pads (0, 1): [1, 2, 3] and [3, 4]. Keras 3.15's torch
    # backend gives 3.667 for the second, averaging [3, 4, 4].
    assert _pool1d("AveragePooling1D", [1, 2, 3, 4], pool_size=3, strides=2, padding="same") == [
        2.0,
        3.5,
    ]
    # Stride 1, pool 4, pads (1, 2): the explicit-pad path.
    assert _pool1d("AveragePooling1D", [1, 2, 3, 4, 5], pool_size=4, strides=1, padding="same") == [
        2.0,
        2.5,
        3.5,
        4.0,
        4.5,
    ]


def test_same_average_pooling_2d_corner_window():
    x = torch.arange(1.0, 10.0).view(1, 3, 3, 1)
    y = tkeras.layers.AveragePooling2D(2, padding="same")(x)
    # Windows [[1, 2], [4, 5]], [[3], [6]], [[7, 8]], [[9]].
    assert y.view(-1).tolist() == [3.0, 4.5, 7.5, 9.0]


def test_same_max_pooling_pads_with_minus_infinity():
    # Zero padding would put 0 at the end; every value here is negative.
    assert _pool1d("MaxPooling1D", [-1, -2, -3], pool_size=2, strides=1, padding="same") == [
        -1.0,
        -2.0,
        -3.0,
    ]
    assert _pool1d("MaxPooling1D", [-1, -2, -3], pool_size=2, strides=2, padding="same") == [
        -1.0,
        -3.0,
    ]
    assert _pool1d("MaxPooling1D", [1, 5, 2, 4, 3], pool_size=2, strides=1, padding="same") == [
        5.0,
        5.0,
        4.0,
        4.0,
        3.0,
    ]


def test_valid_pooling_drops_the_windows_that_do_not_fit():
    assert _pool1d("MaxPooling1D", [1, 5, 2, 4, 3]) == [5.0, 4.0]
    assert _pool1d("AveragePooling1D", [1, 5, 2, 4, 3], pool_size=2, strides=1) == [
        3.0,
        3.5,
        3.0,
        3.5,
    ]


# ---------------------------------------------------------------- layout and copies


def _strided_uneven(rank):
    # pool 3, stride 2 on an even size: pads (0, 1) on every axis.
    return {"pool_size": 3, "strides": 2, "padding": "same"}, (6,) * rank


def _stride1_uneven(rank):
    return {"pool_size": 2, "strides": 1, "padding": "same"}, (5,) * rank


PATHS = {
    "valid": lambda rank: ({"pool_size": 2}, (6,) * rank),
    "same-even": lambda rank: ({"pool_size": 3, "strides": 1, "padding": "same"}, (5,) * rank),
    "same-ceil": _strided_uneven,
    "same-pad": _stride1_uneven,
}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("key", sorted(NAMES), ids=lambda k: NAMES[k])
def test_channels_last_output_layout(key, path):
    """A channels_last output is contiguous, except AveragePooling3D on CPU.

    torch's CPU avg_pool3d returns a contiguous NCDHW tensor for a channels_last_3d input, so
    AveragePooling3D's NDHWC output is a permuted view of it (no copy is made).
    """
    (mode, rank), name = key, NAMES[key]
    kwargs, size = PATHS[path](rank)
    y = getattr(tkeras.layers, name)(**kwargs)(torch.randn(2, *size, 3))
    if (mode, rank) == ("average", 3):
        assert not y.is_contiguous()
        assert y.permute(0, 4, 1, 2, 3).is_contiguous()
    else:
        assert y.is_contiguous()


def test_strided_uneven_same_pooling_makes_no_padded_copy(monkeypatch):
    def no_pad(*args, **kwargs):
        raise AssertionError("F.pad was called")

    monkeypatch.setattr(torch.nn.functional, "pad", no_pad)
    for name in NAMES.values():
        rank = int(name[-2])
        kwargs, size = _strided_uneven(rank)
        getattr(tkeras.layers, name)(**kwargs)(torch.randn(2, *size, 3))
    # Stride 1 with an uneven pad does need the copy, so the patch above is live.
    kwargs, size = _stride1_uneven(2)
    with pytest.raises(AssertionError, match="F.pad was called"):
        tkeras.layers.MaxPooling2D(**kwargs)(torch.randn(2, *size, 3))


# ---------------------------------------------------------------- runtime sizes, dtypes, copies


def test_same_pooling_follows_the_runtime_spatial_size():
    layer = tkeras.layers.AveragePooling1D(4, strides=1, padding="same")
    for length in (5, 8, 5, 9):
        case = Case("AveragePooling1D", layer.get_config(), (2, length, 3))
        _check_against_reference(layer, case, make_input(case, seed=length))


def test_the_same_plan_cache_stays_bounded():
    layer = tkeras.layers.MaxPooling1D(3, padding="same")
    for length in range(1, 70):
        layer(torch.randn(1, length, 2))
    assert len(layer._plans) <= 64
    case = Case("MaxPooling1D", {"pool_size": 3, "padding": "same"}, (2, 5, 3))
    _check_against_reference(layer, case, make_input(case))


def test_padded_average_rescales_in_the_input_dtype():
    layer = tkeras.layers.AveragePooling2D(2, strides=1, padding="same")
    case = Case("AveragePooling2D", {"pool_size": 2, "strides": 1, "padding": "same"}, (2, 5, 4, 3))
    x = make_input(case)
    _check_against_reference(layer, case, x)
    # autocast=False keeps a float64 input float64 (by default it is cast to float32 first).
    layer64 = tkeras.layers.AveragePooling2D(2, strides=1, padding="same", autocast=False)
    assert layer(torch.tensor(x, dtype=torch.float64)).dtype == torch.float32
    y64 = layer64(torch.tensor(x, dtype=torch.float64))
    assert y64.dtype == torch.float64
    torch.testing.assert_close(y64, _reference(torch.tensor(x, dtype=torch.float64), case))


@pytest.mark.parametrize(
    "clone", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))], ids=["deepcopy", "pickle"]
)
def test_a_used_layer_copies_and_pickles(clone):
    for kwargs in (
        {"pool_size": 3, "strides": 2, "padding": "same"},
        {"pool_size": 2, "strides": 1, "padding": "same"},
        {"pool_size": 2},
    ):
        for cls in (tkeras.layers.MaxPooling2D, tkeras.layers.AveragePooling2D):
            layer = cls(**kwargs)
            x = torch.randn(2, 6, 6, 3)
            expected = layer(x)
            torch.testing.assert_close(clone(layer)(x), expected)


@pytest.mark.gpu
def test_matches_cpu_on_the_accelerator():
    device = "cuda" if torch.cuda.is_available() else "mps"
    for case in REFERENCE_CASES[::3] + [c for c in CASES if "valid" in str(c)][::6]:
        layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
        x = torch.tensor(make_input(case))
        torch.testing.assert_close(layer(x.to(device)).cpu(), layer(x), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------- surface, config, shapes


@pytest.mark.parametrize("name", sorted(NAMES.values()))
def test_signature_matches_keras(name):
    def params(cls):
        return [
            (p.name, p.kind, p.default) for p in inspect.signature(cls.__init__).parameters.values()
        ]

    assert params(getattr(tkeras.layers, name)) == params(getattr(keras.layers, name))


def test_aliases_are_the_same_classes():
    for alias, name in ALIASES.items():
        assert getattr(tkeras.layers, alias) is getattr(tkeras.layers, name)
        assert getattr(keras.layers, alias) is getattr(keras.layers, name)
    assert set(ALIASES) | set(ALIASES.values()) <= set(tkeras.layers.pooling.__all__)


@pytest.mark.parametrize("name", sorted(NAMES.values()))
def test_get_config_matches_keras(name):
    kwargs = {
        "pool_size": 3,
        "strides": 1,
        "padding": "same",
        "data_format": "channels_first",
        "name": "p",
    }
    k_cfg = getattr(keras.layers, name)(**kwargs).get_config()
    layer = getattr(tkeras.layers, name)(**kwargs)
    cfg = layer.get_config()
    k_cfg.pop("dtype"), cfg.pop("dtype")
    assert cfg == k_cfg
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_data_format_none_follows_the_config():
    previous = tkeras.config.image_data_format()
    tkeras.config.set_image_data_format("channels_first")
    try:
        layer = tkeras.layers.MaxPooling2D()
    finally:
        tkeras.config.set_image_data_format(previous)
    assert layer.data_format == "channels_first"
    assert layer(torch.randn(2, 3, 6, 8)).shape == (2, 3, 3, 4)


@pytest.mark.parametrize(
    "name, kwargs, shape",
    [
        ("MaxPooling1D", {"pool_size": 3, "strides": 2}, (None, 9, 4)),
        ("MaxPooling1D", {"pool_size": 3, "padding": "same"}, (2, None, 4)),
        ("AveragePooling2D", {"pool_size": 2, "padding": "same"}, (None, 7, None, 3)),
        ("AveragePooling2D", {"pool_size": (2, 3), "data_format": "channels_first"}, (4, 3, 8, 9)),
        ("MaxPooling3D", {"pool_size": 2, "strides": 1}, (1, 5, None, 6, 2)),
        (
            "AveragePooling3D",
            {"pool_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"},
            (1, 2, 5, 6, 7),
        ),
    ],
)
def test_compute_output_shape_matches_keras(name, kwargs, shape):
    expected = getattr(keras.layers, name)(**kwargs).compute_output_shape(shape)
    assert getattr(tkeras.layers, name)(**kwargs).compute_output_shape(shape) == tuple(expected)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "name, kwargs, match",
    [
        (
            "MaxPooling2D",
            {"pool_size": 0},
            r"MaxPooling2D 'bad': the `pool_size` argument must be a positive int or a tuple of 2 "
            r"positive ints. Received: pool_size=0",
        ),
        (
            "AveragePooling1D",
            {"pool_size": -2},
            r"AveragePooling1D 'bad': the `pool_size` argument .* Received: pool_size=-2",
        ),
        (
            "MaxPooling2D",
            {"pool_size": (2, 2, 2)},
            r"the `pool_size` argument must be a positive int or a tuple of 2 positive ints\. "
            r"Received: pool_size=\(2, 2, 2\)",
        ),
        (
            "MaxPooling3D",
            {"pool_size": 2.0},
            r"MaxPooling3D 'bad': the `pool_size` argument .* Received: pool_size=2\.0",
        ),
        (
            "AveragePooling2D",
            {"pool_size": 2, "strides": 0},
            r"AveragePooling2D 'bad': the `strides` argument must be a positive int or a tuple of "
            r"2 positive ints. Received: strides=0",
        ),
        (
            "MaxPooling1D",
            {"strides": (1, 1)},
            r"MaxPooling1D 'bad': the `strides` argument .* Received: strides=\(1, 1\)",
        ),
        (
            "MaxPooling2D",
            {"padding": "full"},
            r"MaxPooling2D 'bad': the `padding` argument must be one of \('valid', 'same'\)\. "
            r"Received: padding='full'",
        ),
        (
            "AveragePooling3D",
            {"pool_size": 2, "padding": "causal"},
            r"AveragePooling3D 'bad': the `padding` argument .* Received: padding='causal'",
        ),
        (
            "MaxPooling2D",
            {"data_format": "NHWC"},
            r"MaxPooling2D 'bad': the `data_format` argument must be one of 'channels_last', "
            r"'channels_first'. Received: data_format='NHWC'",
        ),
    ],
)
def test_invalid_arguments_raise(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(tkeras.layers, name)(name="bad", **kwargs)


@pytest.mark.parametrize(
    "name, kwargs, shape, match",
    [
        (
            "MaxPooling2D",
            {},
            (2, 6, 6),
            r'Input 0 of layer "bad" is incompatible with the layer: '
            r"expected ndim=4, found ndim=3\. "
            r"Full shape received: \(2, 6, 6\)\. MaxPooling2D expects a 4D input "
            r"\(batch, rows, cols, channels\) with data_format='channels_last'\.",
        ),
        (
            "AveragePooling1D",
            {"pool_size": 2, "data_format": "channels_first"},
            (2, 3, 4, 5),
            r"expected ndim=3, found ndim=4\. .* AveragePooling1D expects a 3D input "
            r"\(batch, features, steps\) with data_format='channels_first'\.",
        ),
        (
            "MaxPooling3D",
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


def test_a_window_larger_than_the_input_raises():
    layer = tkeras.layers.AveragePooling2D(3, name="bad")
    match = (
        r"AveragePooling2D 'bad': computed output size would be zero or negative: the window "
        r"does not fit the input\. Received input shape=\(1, 2, 5, 1\), pool_size=\(3, 3\), "
        r"strides=\(3, 3\), padding='valid'\. Use a smaller pool_size or padding='same'\."
    )
    with pytest.raises(ValueError, match=match):
        layer(torch.randn(1, 2, 5, 1))
    with pytest.raises(ValueError, match=match):
        layer.compute_output_shape((1, 2, 5, 1))
    # 'same' always fits.
    assert tkeras.layers.AveragePooling2D(3, padding="same")(torch.randn(1, 2, 5, 1)).shape == (
        1,
        1,
        2,
        1,
    )


def test_compute_output_shape_rejects_the_wrong_rank():
    layer = tkeras.layers.MaxPooling1D(name="bad")
    with pytest.raises(
        ValueError,
        match=r"MaxPooling1D 'bad': expected an input shape of rank 3 "
        r"\(batch, steps, features\), received "
        r"input_shape=\(2, 3\)\.",
    ):
        layer.compute_output_shape((2, 3))
