"""Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot): parity
with Keras 3 on eager tensors and in functional graphs, masks, hand values and every error."""

from __future__ import annotations

import copy
import doctest
import importlib
import inspect
import pickle
import re

import keras
import numpy as np
import pytest
import torch
from keras.src.backend import set_keras_mask

import tkeras
from tkeras.layers import merging

RTOL = ATOL = 1e-5
ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
MANY_INPUTS = ["Add", "Multiply", "Average", "Maximum", "Minimum"]
HELPERS = {
    "Add": "add",
    "Subtract": "subtract",
    "Multiply": "multiply",
    "Average": "average",
    "Maximum": "maximum",
    "Minimum": "minimum",
    "Concatenate": "concatenate",
    "Dot": "dot",
}


def _elementwise_cases() -> list[tuple]:
    cases = []
    for name in ELEMENTWISE:
        cases += [
            (name, {}, [(3, 4), (3, 4)]),
            (name, {}, [(2, 3, 4), (2, 3, 4)]),
            # size-1 axes broadcast, on either side
            (name, {}, [(3, 4), (3, 1)]),
            (name, {}, [(2, 1, 4), (2, 3, 1)]),
            # a lower-rank input gets size-1 axes after the batch axis, first or second
            (name, {}, [(2, 4), (2, 3, 4)]),
            (name, {}, [(2, 3, 4), (2, 1)]),
            (name, {}, [(2, 5, 3, 4), (2, 4)]),
        ]
    for name in MANY_INPUTS:
        cases += [
            (name, {}, [(3, 4), (3, 4), (3, 4)]),
            (name, {}, [(2, 3, 4), (2, 4), (2, 3, 1)]),
        ]
    return cases


MERGE_CASES: list[tuple[str, dict, list[tuple[int, ...]]]] = _elementwise_cases() + [
    ("Concatenate", {}, [(3, 4), (3, 5)]),
    ("Concatenate", {}, [(3, 4), (3, 5), (3, 1)]),
    ("Concatenate", {}, [(2, 3, 4), (2, 3, 2)]),
    ("Concatenate", {"axis": 1}, [(2, 2, 5), (2, 3, 5)]),
    ("Concatenate", {"axis": 1}, [(2, 4), (2, 3)]),
    ("Concatenate", {"axis": -2}, [(2, 2, 5), (2, 3, 5), (2, 1, 5)]),
    ("Concatenate", {"axis": 2}, [(2, 3, 4, 5), (2, 3, 1, 5)]),
    ("Concatenate", {"axis": -3}, [(2, 3, 4), (5, 3, 4)]),
    ("Concatenate", {"axis": 0}, [(2, 3), (4, 3)]),
    ("Dot", {"axes": 1}, [(3, 4), (3, 4)]),
    ("Dot", {"axes": -1}, [(2, 4, 3), (2, 5, 3)]),
    ("Dot", {"axes": 1}, [(2, 3, 4), (2, 3, 5)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 5), (2, 4, 3)]),
    ("Dot", {"axes": [2, 1]}, [(2, 4, 3), (2, 3, 5)]),
    ("Dot", {"axes": (-1, -2)}, [(2, 4, 3), (2, 3, 5)]),
    ("Dot", {"axes": (1, 1)}, [(3, 4), (3, 4, 5)]),
    ("Dot", {"axes": (2, 1)}, [(3, 5, 4), (3, 4)]),
    ("Dot", {"axes": (-1, 1)}, [(2, 3, 4, 5), (2, 5, 6)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 4), (2, 5, 3, 6)]),
    ("Dot", {"axes": (3, 2)}, [(2, 3, 4, 5), (2, 6, 5, 7)]),
    ("Dot", {"axes": 1, "normalize": True}, [(3, 4), (3, 4)]),
    ("Dot", {"axes": (1, 2), "normalize": True}, [(2, 3, 5), (2, 4, 3)]),
    ("Dot", {"axes": -1, "normalize": True}, [(2, 4, 3), (2, 5, 3)]),
]


def _case_id(case: tuple) -> str:
    name, kwargs, shapes = case
    args = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}({args})-" + "-".join("x".join(map(str, s)) for s in shapes)


def _inputs(shapes, seed=0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype("float32") for s in shapes]


def _np(y) -> np.ndarray:
    return keras.ops.convert_to_numpy(y)


def _compare(k_layer, t_layer, arrays, k_masks=None, t_masks=None, seed=0) -> None:
    """Same inputs into both layers: outputs and input gradients agree to 1e-5."""
    xk = [torch.tensor(a, requires_grad=True) for a in arrays]
    xt = [torch.tensor(a, requires_grad=True) for a in arrays]
    if k_masks is not None:
        for x, m in zip(xk, k_masks):
            if m is not None:
                set_keras_mask(x, m)
    yk = k_layer(xk)
    yt = t_layer(xt) if t_masks is None else t_layer(xt, mask=t_masks)
    assert tuple(yt.shape) == tuple(yk.shape)
    np.testing.assert_allclose(yt.detach().numpy(), _np(yk), rtol=RTOL, atol=ATOL)
    cot = torch.tensor(
        np.random.default_rng(seed + 1).standard_normal(tuple(yk.shape)), dtype=torch.float32
    )
    gk = torch.autograd.grad((yk * cot).sum(), xk, allow_unused=True)
    gt = torch.autograd.grad((yt * cot).sum(), xt, allow_unused=True)
    for a, b in zip(gk, gt):
        a = torch.zeros(()) if a is None else a
        b = torch.zeros(()) if b is None else b
        np.testing.assert_allclose(b.numpy(), a.detach().numpy(), rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------ eager parity


@pytest.mark.parametrize("case", MERGE_CASES, ids=_case_id)
def test_parity(case) -> None:
    name, kwargs, shapes = case
    _compare(
        getattr(keras.layers, name)(**kwargs),
        getattr(tkeras.layers, name)(**kwargs),
        _inputs(shapes),
    )


def test_cases_cover_every_layer_and_non_default_argument() -> None:
    names = {c[0] for c in MERGE_CASES}
    assert names == {n for n in merging.__all__ if n[0].isupper()}
    concat_axes = {c[1].get("axis", -1) for c in MERGE_CASES if c[0] == "Concatenate"}
    assert {1, -2, 0} <= concat_axes
    dot_kwargs = [c[1] for c in MERGE_CASES if c[0] == "Dot"]
    assert any(isinstance(k["axes"], int) and k["axes"] < 0 for k in dot_kwargs)
    assert any(isinstance(k["axes"], (tuple, list)) and min(k["axes"]) < 0 for k in dot_kwargs)
    assert any(k.get("normalize") for k in dot_kwargs)


def test_hand_values() -> None:
    a = torch.tensor([[1.0, -2.0, 3.0]])
    b = torch.tensor([[4.0, 5.0, -6.0]])
    layers = tkeras.layers
    assert layers.Add()([a, b]).tolist() == [[5.0, 3.0, -3.0]]
    assert layers.Subtract()([a, b]).tolist() == [[-3.0, -7.0, 9.0]]
    assert layers.Multiply()([a, b]).tolist() == [[4.0, -10.0, -18.0]]
    assert layers.Average()([a, b, b]).tolist() == [[3.0, pytest.approx(8 / 3), -3.0]]
    assert layers.Maximum()([a, b]).tolist() == [[4.0, 5.0, 3.0]]
    assert layers.Minimum()([a, b]).tolist() == [[1.0, -2.0, -6.0]]
    assert layers.Concatenate()([a, b]).tolist() == [[1.0, -2.0, 3.0, 4.0, 5.0, -6.0]]
    assert layers.Dot(axes=1)([a, b]).tolist() == [[-24.0]]
    cosine = layers.Dot(axes=1, normalize=True)(
        [torch.tensor([[3.0, 4.0]]), torch.tensor([[4.0, 3.0]])]
    )
    assert cosine.shape == (1, 1) and abs(cosine.item() - 24 / 25) < 1e-6


def test_dot_normalize_keeps_a_zero_vector_zero_as_keras() -> None:
    x = np.zeros((2, 3), "float32")
    y = _inputs([(2, 3)])[0]
    yt = tkeras.layers.Dot(axes=1, normalize=True)([torch.tensor(x), torch.tensor(y)])
    yk = keras.layers.Dot(axes=1, normalize=True)([torch.tensor(x), torch.tensor(y)])
    assert yt.tolist() == [[0.0], [0.0]]
    np.testing.assert_allclose(yt.numpy(), _np(yk))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_integer_inputs_keep_keras_dtype(name) -> None:
    xs = [np.arange(6, dtype="int32").reshape(2, 3), np.ones((2, 3), "int32")]
    yk = getattr(keras.layers, name)()([torch.tensor(x) for x in xs])
    yt = getattr(tkeras.layers, name)()([torch.tensor(x) for x in xs])
    assert yt.dtype == yk.dtype
    np.testing.assert_allclose(yt.numpy(), _np(yk))


@pytest.mark.parametrize("name", ["Add", "Maximum", "Concatenate", "Dot"])
def test_numpy_inputs_are_converted(name) -> None:
    kwargs = {"axes": 1} if name == "Dot" else {}
    arrays = _inputs([(2, 3), (2, 3)])
    yk = getattr(keras.layers, name)(**kwargs)(arrays)
    layer = getattr(tkeras.layers, name)(**kwargs)
    for _ in range(2):  # the building call, then a built one
        yt = layer(arrays)
        assert isinstance(yt, torch.Tensor)
        np.testing.assert_allclose(yt.numpy(), _np(yk), rtol=RTOL, atol=ATOL)


def test_built_layer_replans_for_other_ranks_and_input_counts_as_keras_builds() -> None:
    layer = tkeras.layers.Add()
    a, b, c = _inputs([(2, 3), (2, 3), (2, 4, 3)])
    layer([torch.tensor(a), torch.tensor(b)])
    for arrays in ([a, c], [c, a, b], [a, b]):
        yk = keras.layers.Add()([torch.tensor(x) for x in arrays])
        yt = layer([torch.tensor(x) for x in arrays])
        np.testing.assert_allclose(yt.numpy(), _np(yk), rtol=RTOL, atol=ATOL)
    dot = tkeras.layers.Dot(axes=-1)
    x, y, z = _inputs([(2, 3), (2, 3), (2, 5, 3)])
    dot([torch.tensor(x), torch.tensor(y)])
    yk = keras.layers.Dot(axes=-1)([torch.tensor(z), torch.tensor(y)])
    np.testing.assert_allclose(
        dot([torch.tensor(z), torch.tensor(y)]).numpy(), _np(yk), rtol=RTOL, atol=ATOL
    )


# ------------------------------------------------------------------ masks

_MASK_A = np.array([[1, 1, 0, 0], [1, 0, 1, 0]], bool)
_MASK_B = np.array([[1, 0, 0, 1], [0, 0, 1, 1]], bool)
_MASK_C = np.array([[0, 1, 0, 1], [0, 0, 0, 1]], bool)


def _masks(spec):
    table = {"a": _MASK_A, "b": _MASK_B, "c": _MASK_C, "-": None}
    return [None if table[s] is None else torch.tensor(table[s]) for s in spec]


@pytest.mark.parametrize("name", ["Maximum", "Minimum", "Multiply", "Add", "Average"])
@pytest.mark.parametrize("spec", ["ab", "a-", "-b", "abc", "a-c", "--"])
def test_masked_call_matches_kerass_masked_inputs(name, spec) -> None:
    arrays = _inputs([(2, 4, 3)] * len(spec), seed=3)
    masks = _masks(spec)
    _compare(
        getattr(keras.layers, name)(),
        getattr(tkeras.layers, name)(),
        arrays,
        k_masks=masks,
        t_masks=masks,
    )


@pytest.mark.parametrize("name", ["Maximum", "Minimum", "Multiply"])
@pytest.mark.parametrize("first", [True, False])
def test_masked_call_drops_the_mask_of_an_expanded_input_as_keras(name, first) -> None:
    arrays = _inputs([(2, 4, 3), (2, 3)], seed=4)
    masks = [None, torch.tensor([True, False])]
    if first:
        arrays, masks = arrays[::-1], masks[::-1]
    _compare(
        getattr(keras.layers, name)(),
        getattr(tkeras.layers, name)(),
        arrays,
        k_masks=masks,
        t_masks=masks,
    )
    unmasked = getattr(tkeras.layers, name)()([torch.tensor(a) for a in arrays])
    masked = getattr(tkeras.layers, name)()([torch.tensor(a) for a in arrays], mask=masks)
    torch.testing.assert_close(masked, unmasked)


@pytest.mark.parametrize("name", ["Add", "Maximum"])
def test_compute_mask_rejects_masks_of_different_ranks(name) -> None:
    inputs = _t((2, 4, 3), (2, 3))
    masks = [torch.tensor(_MASK_A), torch.tensor([True, False])]
    with pytest.raises(RuntimeError, match="must match the size"):  # Keras: a torch error
        getattr(keras.layers, name)().compute_mask(inputs, masks)
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": the input masks must have the '
        r"same rank to be combined. Received masks of shapes "
        r"\[\(2, 4\), \(2,\)\]\.",
    ):
        getattr(tkeras.layers, name)().compute_mask(inputs, masks)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("spec", ["ab", "a-", "--"])
def test_elementwise_compute_mask_is_kerass_or(name, spec) -> None:
    inputs = [torch.zeros(2, 4, 3)] * 2
    masks = _masks(spec)
    km = getattr(keras.layers, name)().compute_mask(inputs, masks)
    tm = getattr(tkeras.layers, name)().compute_mask(inputs, masks)
    assert (tm is None) == (km is None) == (spec != "ab")
    if tm is not None:
        assert tm.dtype == torch.bool
        np.testing.assert_array_equal(tm.numpy(), _np(km))
        np.testing.assert_array_equal(tm.numpy(), _MASK_A | _MASK_B)
    assert getattr(tkeras.layers, name)().compute_mask([torch.zeros(1, 2)] * 2, None) is None


def test_elementwise_compute_mask_of_three_inputs() -> None:
    inputs = [torch.zeros(2, 4, 3)] * 3
    masks = _masks("abc")
    tm = tkeras.layers.Maximum().compute_mask(inputs, masks)
    np.testing.assert_array_equal(
        tm.numpy(), _np(keras.layers.Maximum().compute_mask(inputs, masks))
    )


@pytest.mark.parametrize(
    "axis, shapes, spec",
    [
        (1, [(2, 4, 3), (2, 4, 3)], "ab"),
        (1, [(2, 4, 3), (2, 4, 3)], "a-"),
        (1, [(2, 4, 3), (2, 4, 3)], "-b"),
        (-1, [(2, 4, 3), (2, 4, 5)], "ab"),
        (-1, [(2, 4, 3), (2, 4, 5)], "-b"),
        (-2, [(2, 4, 3), (2, 4, 3), (2, 4, 3)], "a-c"),
        (-1, [(2, 4), (2, 4)], "ab"),  # masks of the inputs' own shape
        (1, [(2, 4), (2, 4)], "-b"),
    ],
)
def test_concatenate_compute_mask_matches_keras(axis, shapes, spec) -> None:
    inputs = [torch.zeros(s) for s in shapes]
    masks = _masks(spec)
    km = keras.layers.Concatenate(axis=axis).compute_mask(inputs, masks)
    tm = tkeras.layers.Concatenate(axis=axis).compute_mask(inputs, masks)
    assert tm.dtype == torch.bool
    np.testing.assert_array_equal(tm.numpy(), _np(km))


def test_concatenate_compute_mask_along_time_concatenates_the_masks() -> None:
    inputs = [torch.zeros(2, 4, 3), torch.zeros(2, 4, 3)]
    tm = tkeras.layers.Concatenate(axis=1).compute_mask(inputs, _masks("ab"))
    np.testing.assert_array_equal(tm.numpy(), np.concatenate([_MASK_A, _MASK_B], axis=1))
    assert tkeras.layers.Concatenate().compute_mask(inputs, [None, None]) is None
    assert tkeras.layers.Concatenate().compute_mask(inputs, None) is None


def test_concatenate_compute_mask_stays_on_the_inputs_device() -> None:
    inputs = [torch.zeros(2, 4, 3, device="meta"), torch.zeros(2, 4, 5, device="meta")]
    mask = tkeras.layers.Concatenate().compute_mask(
        inputs, [torch.ones(2, 4, dtype=torch.bool, device="meta"), None]
    )
    assert mask.device.type == "meta" and tuple(mask.shape) == (2, 4)


def test_dot_compute_mask_is_none() -> None:
    inputs = [torch.zeros(2, 4, 3), torch.zeros(2, 4, 3)]
    assert tkeras.layers.Dot(axes=-1).compute_mask(inputs, _masks("ab")) is None
    assert keras.layers.Dot(axes=-1).compute_mask(inputs, _masks("ab")) is None


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_supports_masking_as_keras(name) -> None:
    kwargs = {"axes": 1} if name == "Dot" else {}
    assert getattr(tkeras.layers, name)(**kwargs).supports_masking is True
    assert getattr(keras.layers, name)(**kwargs).supports_masking is True


# ------------------------------------------------------------------ shapes and graphs

SYMBOLIC_CASES = [
    ("Add", {}, [(None, 4), (None, 4)]),
    ("Add", {}, [(None, 4), (5, 1)]),
    ("Add", {}, [(None, 3, 1), (None, 4)]),
    ("Multiply", {}, [(None, None, 4), (None, 7, 1)]),
    ("Maximum", {}, [(None, 4), (None, 3, 4), (None, 1)]),
    ("Concatenate", {}, [(None, 3), (None, 4)]),
    ("Concatenate", {}, [(None, 3), (5, None)]),
    ("Concatenate", {"axis": 1}, [(None, 2, 5), (None, None, 5)]),
    ("Concatenate", {"axis": 1}, [(None, 2, 5), (None, 3, 5)]),
    ("Dot", {"axes": 1}, [(None, 3), (None, 3)]),
    ("Dot", {"axes": (1, 2)}, [(None, 3, 4), (5, 6, 3)]),
    ("Dot", {"axes": (-1, 1)}, [(None, 3, 4, 5), (None, 5, 6)]),
    ("Dot", {"axes": -1}, [(None, None, 3), (None, 7, 3)]),
]


@pytest.mark.parametrize("case", SYMBOLIC_CASES, ids=_case_id)
def test_compute_output_shape_matches_keras(case) -> None:
    name, kwargs, shapes = case
    expected = getattr(keras.layers, name)(**kwargs).compute_output_shape(shapes)
    assert getattr(tkeras.layers, name)(**kwargs).compute_output_shape(shapes) == expected


def _helper_call(lib, name, kwargs, tensors):
    return getattr(lib.layers, HELPERS[name])(tensors, **kwargs)


@pytest.mark.parametrize(
    "name, kwargs, shapes",
    [
        ("Add", {}, [(4,), (4,)]),
        ("Subtract", {}, [(3, 4), (4,)]),
        ("Multiply", {}, [(3, 1), (3, 4)]),
        ("Average", {}, [(4,), (4,), (4,)]),
        ("Maximum", {}, [(4,), (1,)]),
        ("Minimum", {}, [(2, 4), (2, 4)]),
        ("Concatenate", {}, [(3,), (4,)]),
        ("Concatenate", {"axis": 1}, [(2, 5), (3, 5)]),
        ("Dot", {}, [(3, 4), (5, 4)]),
        ("Dot", {"axes": (1, 1), "normalize": True}, [(3, 4), (3, 5)]),
    ],
)
def test_functional_model_matches_keras(name, kwargs, shapes) -> None:
    k_in = [keras.Input(s) for s in shapes]
    t_in = [tkeras.Input(s) for s in shapes]
    k_model = keras.Model(k_in, _helper_call(keras, name, kwargs, k_in))
    t_model = tkeras.Model(t_in, _helper_call(tkeras, name, kwargs, t_in))
    assert tuple(t_model.output_shape) == tuple(k_model.output_shape)
    arrays = _inputs([(2, *s) for s in shapes], seed=5)
    yk = k_model([torch.tensor(a) for a in arrays])
    yt = t_model([torch.tensor(a) for a in arrays])
    np.testing.assert_allclose(yt.detach().numpy(), _np(yk), rtol=RTOL, atol=ATOL)


def test_functional_concatenate_of_two_inputs() -> None:
    a, b = tkeras.Input((3,)), tkeras.Input((4,))
    model = tkeras.Model([a, b], tkeras.layers.concatenate([a, b]))
    ka, kb = keras.Input((3,)), keras.Input((4,))
    assert (
        model.output_shape
        == keras.Model([ka, kb], keras.layers.concatenate([ka, kb])).output_shape
        == (None, 7)
    )
    assert model([torch.ones(2, 3), torch.ones(2, 4)]).shape == (2, 7)


def test_shared_layer_rechecks_symbolic_shapes_after_build() -> None:
    layer = tkeras.layers.Add()
    a, b, c = tkeras.Input((3,)), tkeras.Input((3,)), tkeras.Input((4,))
    assert layer([a, b]).shape == (None, 3)
    with pytest.raises(
        ValueError,
        match=r'Add layer "add\w*": inputs have incompatible shapes '
        r"\[\(None, 3\), \(None, 4\)\]",
    ):
        layer([a, c])


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_helpers_build_the_layer_with_its_kwargs(name) -> None:
    kwargs = {"axes": 1} if name == "Dot" else {}
    x = tkeras.Input((3,))
    y = _helper_call(tkeras, name, {**kwargs, "name": f"my_{name.lower()}"}, [x, x])
    layer = y.node.layer
    assert type(layer) is getattr(tkeras.layers, name) and layer.name == f"my_{name.lower()}"


# ------------------------------------------------------------------ API surface


def test_all_exports_every_merge_layer_and_helper() -> None:
    assert sorted(merging.__all__) == sorted([*HELPERS, *HELPERS.values()])
    for name in merging.__all__:
        assert getattr(tkeras.layers, name) is getattr(merging, name)
        assert name in tkeras.layers.__all__


@pytest.mark.parametrize("name", sorted([*HELPERS, *HELPERS.values()]))
def test_signatures_match_keras(name) -> None:
    def params(fn):
        return [
            (p.name, p.kind, p.default)
            for p in inspect.signature(fn).parameters.values()
            if p.name != "self"
        ]

    mine, theirs = getattr(tkeras.layers, name), getattr(keras.layers, name)
    if inspect.isclass(mine):
        mine, theirs = mine.__init__, theirs.__init__
    assert params(mine) == params(theirs)


def test_config_round_trip() -> None:
    dot = tkeras.layers.Dot(axes=(1, 2), normalize=True, name="d")
    cfg = dot.get_config()
    assert cfg["axes"] == (1, 2) and cfg["normalize"] is True and cfg["name"] == "d"
    again = tkeras.layers.Dot.from_config(cfg)
    assert (again.axes, again.normalize) == ((1, 2), True)
    cat = tkeras.layers.Concatenate(axis=1)
    assert cat.get_config()["axis"] == 1
    assert tkeras.layers.Concatenate.from_config(cat.get_config()).axis == 1
    assert set(tkeras.layers.Add().get_config()) == {"name", "trainable", "dtype"}


def test_built_layers_deepcopy_and_pickle() -> None:
    x = [torch.randn(2, 3), torch.randn(2, 4, 3)]
    for layer in (tkeras.layers.Maximum(), tkeras.layers.Dot(axes=-1)):
        if isinstance(layer, tkeras.layers.Dot):
            x = [torch.randn(2, 3), torch.randn(2, 4, 3)]
        y = layer(x)
        for clone in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
            torch.testing.assert_close(clone(x), y)


def test_merge_layers_have_no_weights() -> None:
    layer = tkeras.layers.Dot(axes=1)
    layer([torch.ones(2, 3), torch.ones(2, 3)])
    assert layer.weights == [] and layer.count_params() == 0


@pytest.mark.parametrize("module", [m for m in merging.__all__ if m[0].islower()])
def test_docstring_examples_run(module) -> None:
    mod = importlib.import_module(f"tkeras.layers.merging.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------ errors


def _t(*shapes):
    return [torch.zeros(s) for s in shapes]


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_a_single_tensor_is_rejected_before_and_after_build(name) -> None:
    kwargs = {"axes": 1} if name == "Dot" else {}
    layer = getattr(tkeras.layers, name)(**kwargs)
    msg = (
        rf'{name} layer "\w+" must be called on a list of inputs, e.g. layer\(\[x1, x2\]\). '
        r"Received a single input of shape \(2, 3\)\."
    )
    with pytest.raises(ValueError, match=msg):
        layer(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=msg.replace(r"\(2, 3\)", r"\(None, 3\)")):
        layer(tkeras.Input((3,)))
    layer(_t((2, 3), (2, 3)))
    with pytest.raises(ValueError, match=msg):
        layer(torch.zeros(2, 3))


@pytest.mark.parametrize(
    "name", ["Add", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]
)
def test_fewer_than_two_inputs_are_rejected(name) -> None:
    layer = getattr(tkeras.layers, name)()
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+" must be called on a list of at '
        r"least 2 inputs. Received 1 input\(s\) with shapes "
        r"\[\(2, 3\)\]\.",
    ):
        layer(_t((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"at least 2 inputs. Received 0 input\(s\) with shapes "
        r"\[\]\.",
    ):
        getattr(tkeras.layers, name)()([])


@pytest.mark.parametrize("name, kwargs", [("Subtract", {}), ("Dot", {"axes": 1})])
@pytest.mark.parametrize("count", [1, 3])
def test_exactly_two_inputs_for_subtract_and_dot(name, kwargs, count) -> None:
    shapes = [(2, 3)] * count
    msg = (
        rf'{name} layer "\w+" must be called on exactly 2 inputs. Received {count} input\(s\)'
        r" with shapes \[\(2, 3\)"
    )
    with pytest.raises(ValueError, match=msg):
        getattr(tkeras.layers, name)(**kwargs)(_t(*shapes))
    built = getattr(tkeras.layers, name)(**kwargs)
    built(_t((2, 3), (2, 3)))
    with pytest.raises(ValueError, match=msg):
        built(_t(*shapes))
    with pytest.raises(ValueError, match=msg.replace("(2, 3", "(None, 3")):
        getattr(tkeras.layers, name)(**kwargs)([tkeras.Input((3,)) for _ in range(count)])


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize(
    "shapes, bad",
    [
        ([(2, 3), (2, 4)], r"\(3,\) and \(4,\)"),
        ([(2, 5, 3), (2, 2, 3)], r"\(5, 3\) and \(2, 3\)"),
        ([(2, 4), (2, 3, 4, 5)], r"\(3, 4, 5\) and \(4,\)"),
    ],
)
def test_incompatible_elementwise_shapes_are_rejected(name, shapes, bad) -> None:
    msg = (
        rf'{name} layer "\w+": inputs have incompatible shapes '
        + re.escape(str(shapes).replace("), (", "), ("))
        + r"\. Apart from the batch axis, each axis \(aligned from the last\) must be equal "
        rf"or 1; {bad} are not\."
    )
    with pytest.raises(ValueError, match=msg):
        getattr(tkeras.layers, name)()(_t(*shapes))
    with pytest.raises(ValueError, match=msg):
        getattr(tkeras.layers, name)().compute_output_shape(shapes)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_built_elementwise_layer_explains_a_later_shape_mismatch(name) -> None:
    layer = getattr(tkeras.layers, name)()
    layer(_t((2, 3), (2, 3)))
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": inputs have incompatible shapes '
        r"\[\(2, 3\), \(2, 4\)\]",
    ):
        layer(_t((2, 3), (2, 4)))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_different_batch_sizes_are_rejected(name) -> None:
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+" cannot merge inputs with '
        r"different batch sizes. Received shapes "
        r"\[\(2, 3\), \(1, 3\)\]\.",
    ):
        getattr(tkeras.layers, name)()(_t((2, 3), (1, 3)))


@pytest.mark.parametrize("name", ["Add", "Concatenate"])
def test_rank_zero_inputs_are_rejected(name) -> None:
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": every input needs a batch axis '
        r"\(rank >= 1\). Received shapes \[\(\), \(\)\]\.",
    ):
        getattr(tkeras.layers, name)()([torch.tensor(1.0), torch.tensor(2.0)])


def test_concatenate_mismatched_non_axis_dims_are_rejected() -> None:
    msg = (
        r'Concatenate layer "\w+" needs inputs with matching shapes except on the '
        r"concatenation axis \(axis=-1\). Received shapes \[\(2, 3, 4\), \(2, 5, 4\)\], "
        r"whose axis 1 differs: \[3, 5\]\."
    )
    with pytest.raises(ValueError, match=msg):
        tkeras.layers.Concatenate()(_t((2, 3, 4), (2, 5, 4)))
    with pytest.raises(ValueError, match=r"axis 0 differs: \[2, 3\]"):
        tkeras.layers.Concatenate()(_t((2, 4), (3, 4)))
    layer = tkeras.layers.Concatenate(axis=1)
    layer(_t((2, 3, 4), (2, 5, 4)))
    with pytest.raises(
        ValueError,
        match=r"\(axis=1\). Received shapes \[\(2, 3, 4\), "
        r"\(2, 5, 6\)\], whose axis 2 differs: \[4, 6\]\.",
    ):
        layer(_t((2, 3, 4), (2, 5, 6)))


def test_concatenate_rank_mismatch_and_bad_axis_are_rejected() -> None:
    with pytest.raises(
        ValueError,
        match=r'Concatenate layer "\w+" needs inputs of the same rank. '
        r"Received shapes \[\(2, 3\), \(2, 4, 3\)\]\.",
    ):
        tkeras.layers.Concatenate()(_t((2, 3), (2, 4, 3)))
    for axis in (2, -3):
        with pytest.raises(
            ValueError,
            match=rf'Concatenate layer "\w+": axis={axis} is out of '
            r"range for inputs of rank 2 \(expected an axis in "
            r"\[-2, 1\]\)\. Received shapes \[\(2, 3\), "
            r"\(2, 3\)\]\.",
        ):
            tkeras.layers.Concatenate(axis=axis)(_t((2, 3), (2, 3)))
    for axis in (1.0, "1", True, None):
        with pytest.raises(
            ValueError,
            match=r'Concatenate layer "\w+": `axis` must be an int. '
            rf"Received: axis={re.escape(repr(axis))}",
        ):
            tkeras.layers.Concatenate(axis=axis)


@pytest.mark.parametrize(
    "axes, error, msg",
    [
        (
            "a",
            TypeError,
            r"invalid type for argument `axes`: expected an int or a tuple of 2 "
            r"ints. Received: axes='a'",
        ),
        (None, TypeError, r"invalid type for argument `axes`.*Received: axes=None"),
        (True, TypeError, r"invalid type for argument `axes`.*Received: axes=True"),
        (
            (1, 2, 3),
            ValueError,
            r"invalid format for argument `axes`: expected an int or a tuple"
            r" of 2 ints. Received: axes=\(1, 2, 3\)",
        ),
        ((1.0, 2), ValueError, r"invalid format for argument `axes`.*Received: axes=\(1.0, 2\)"),
    ],
)
def test_dot_bad_axes_argument_is_rejected(axes, error, msg) -> None:
    with pytest.raises(error, match=r'Dot layer "\w+": ' + msg):
        tkeras.layers.Dot(axes=axes)


@pytest.mark.parametrize(
    "axes, shapes, msg",
    [
        (
            1,
            [(2, 3), (2, 4)],
            r"the contracted axes must have the same size, but axis 1 of the first input has 3 and "
            r"axis 1 of the second has 4 \(axes=1\). Received shapes \[\(2, 3\), \(2, 4\)\]\.",
        ),
        (
            (1, 2),
            [(2, 3, 5), (2, 4, 5)],
            r"the contracted axes must have the same size, but axis 1 of the first input has 3 and "
            r"axis 2 of the second has 5 \(axes=\(1, 2\)\). Received shapes \[\(2, 3, 5\), "
            r"\(2, 4, 5\)\]\.",
        ),
        (
            0,
            [(2, 3), (2, 3)],
            r"cannot take the dot product over the batch axis \(axis 0 of input 0; axes=0\). "
            r"Received shapes \[\(2, 3\), \(2, 3\)\]\. If your inputs are not batched, add a batch "
            r"axis, e.g. x\[None\]\.",
        ),
        (
            (1, -3),
            [(2, 3), (2, 4, 3)],
            r"cannot take the dot product over the batch axis \(axis 0 of input 1; "
            r"axes=\(1, -3\)\)\.",
        ),
        (
            2,
            [(2, 3), (2, 3)],
            r"axis 2 is out of range for input 0 of shape \(2, 3\) \(axes=2\)\. Received shapes",
        ),
        (
            (1, -4),
            [(2, 3), (2, 4, 3)],
            r"axis -4 is out of range for input 1 of shape \(2, 4, 3\) \(axes=\(1, -4\)\)\.",
        ),
        (
            1,
            [(3,), (3,)],
            r"needs inputs of rank >= 2 \(a batch axis and at least one more\). Received shapes "
            r"\[\(3,\), \(3,\)\]\.",
        ),
        (
            1,
            [(2, 3), (3, 3)],
            r"cannot take the dot product of inputs with different batch sizes. Received shapes "
            r"\[\(2, 3\), \(3, 3\)\]\.",
        ),
    ],
)
def test_dot_bad_shapes_are_rejected(axes, shapes, msg) -> None:
    with pytest.raises(ValueError, match=r'Dot layer "\w+":? ' + msg):
        tkeras.layers.Dot(axes=axes)(_t(*shapes))


def test_dot_rejects_an_unknown_size_against_a_known_one_as_keras() -> None:
    with pytest.raises(
        ValueError,
        match=r"axis 1 of the first input has None and axis 1 of the "
        r"second has 3",
    ):
        tkeras.layers.Dot(axes=1)([tkeras.Input((None,)), tkeras.Input((3,))])
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        keras.layers.Dot(axes=1)([keras.Input((None,)), keras.Input((3,))])


def test_built_dot_explains_a_later_shape_mismatch() -> None:
    layer = tkeras.layers.Dot(axes=1)
    layer(_t((2, 3), (2, 3)))
    with pytest.raises(
        ValueError,
        match=r'Dot layer "\w+": the contracted axes must have the same '
        r"size, but axis 1 of the first input has 3 and axis 1 "
        r"of the second has 4",
    ):
        layer(_t((2, 3), (2, 4)))


@pytest.mark.parametrize("name", ["Add", "Concatenate"])
def test_compute_mask_argument_errors(name) -> None:
    layer = getattr(tkeras.layers, name)()
    inputs = _t((2, 4, 3), (2, 4, 3))
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": `mask` must be a list with one '
        r"mask \(or None\) per input. Received: mask=tensor",
    ):
        layer.compute_mask(inputs, torch.ones(2, 4, dtype=torch.bool))
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": `inputs` must be a list of '
        r"tensors. Received a single input of shape \(2, 4, 3\)",
    ):
        layer.compute_mask(inputs[0], [None, None])
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": `inputs` and `mask` must have the '
        r"same length. Received 2 inputs and 3 masks\.",
    ):
        layer.compute_mask(inputs, [None, None, None])


def test_concatenate_compute_mask_rejects_a_mask_of_another_shape() -> None:
    with pytest.raises(
        ValueError,
        match=r'Concatenate layer "\w+": mask 1 must have the input\'s '
        r"shape, or that shape without its last axis. Received a "
        r"mask of shape \(2, 5\) for an input of shape "
        r"\(2, 4, 3\)\.",
    ):
        tkeras.layers.Concatenate().compute_mask(
            _t((2, 4, 3), (2, 4, 3)), [None, torch.ones(2, 5, dtype=torch.bool)]
        )


@pytest.mark.parametrize("name", ["Maximum", "Minimum", "Multiply"])
def test_masked_call_errors(name) -> None:
    layer = getattr(tkeras.layers, name)()
    inputs = _t((2, 4, 3), (2, 4, 3))
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": mask 0 must have the input\'s '
        r"shape without its last axis, \(2, 4\). Received a mask "
        r"of shape \(2, 4, 3\) for an input of shape "
        r"\(2, 4, 3\)\.",
    ):
        layer(inputs, mask=[torch.ones(2, 4, 3, dtype=torch.bool), None])
    with pytest.raises(
        ValueError,
        match=rf'{name} layer "\w+": `inputs` and `mask` must have the '
        r"same length. Received 2 inputs and 1 masks\.",
    ):
        layer(inputs, mask=[None])


def test_a_dict_or_a_scalar_is_rejected() -> None:
    with pytest.raises(
        ValueError,
        match=r'Add layer "\w+" must be called on a list of inputs, '
        r"e.g. layer\(\[x1, x2\]\). Received a dict of inputs "
        r"with keys \['a', 'b'\]\.",
    ):
        tkeras.layers.Add()({"a": torch.zeros(2, 3), "b": torch.zeros(2, 3)})
    with pytest.raises(ValueError, match=r"Received a single input of shape \(\)\."):
        tkeras.layers.Add()(torch.tensor(1.0))


def test_built_dot_rejects_a_later_batch_mismatch_instead_of_reshaping_across_it() -> None:
    layer = tkeras.layers.Dot(axes=1)
    layer(_t((2, 3), (2, 3)))
    # (4, 3) could be reshaped to (2, 3, 2): the batch size must come from each input itself.
    with pytest.raises(
        ValueError,
        match=r'Dot layer "\w+" cannot take the dot product of inputs '
        r"with different batch sizes. Received shapes "
        r"\[\(2, 3\), \(4, 3\)\]\.",
    ):
        layer(_t((2, 3), (4, 3)))


def test_export_with_a_dynamic_batch_matches_eager() -> None:
    class Wrap(torch.nn.Module):
        def __init__(self, layer):
            super().__init__()
            self.layer = layer

        def forward(self, x, y):
            return self.layer.call([x, y])

    batch = torch.export.Dim("batch", min=2)
    for layer, shapes in [
        (tkeras.layers.Add(), [(3, 4), (3, 5, 4)]),
        (tkeras.layers.Dot(axes=(1, 2), normalize=True), [(3, 4, 5), (3, 6, 4)]),
    ]:
        xs = [torch.randn(s) for s in shapes]
        layer(xs)
        program = torch.export.export(
            Wrap(layer), tuple(xs), dynamic_shapes=({0: batch}, {0: batch})
        )
        other = [torch.randn(7, *s[1:]) for s in shapes]
        torch.testing.assert_close(program.module()(*other), layer(other))


@pytest.mark.parametrize(
    "case", [c for c in MERGE_CASES if c[1].get("axis") not in (0, -3)], ids=_case_id
)
def test_an_empty_batch_gives_an_empty_output_of_the_right_shape(case) -> None:
    name, kwargs, shapes = case
    inputs = [torch.zeros(0, *s[1:]) for s in shapes]
    expected = getattr(tkeras.layers, name)(**kwargs).compute_output_shape(shapes)
    assert tuple(getattr(tkeras.layers, name)(**kwargs)(inputs).shape) == (0, *expected[1:])


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_outputs_and_masks_stay_on_the_inputs_device(name) -> None:
    # The meta device stands in for CUDA/MPS: a tensor made on the CPU would not mix with it.
    kwargs = {"axes": -1, "normalize": True} if name == "Dot" else {}
    inputs = [torch.zeros(2, 4, 3, device="meta"), torch.zeros(2, 4, 3, device="meta")]
    masks = [torch.ones(2, 4, dtype=torch.bool, device="meta")] * 2
    layer = getattr(tkeras.layers, name)(**kwargs)
    y = layer(inputs, mask=masks) if name in ("Maximum", "Minimum", "Multiply") else layer(inputs)
    assert y.device.type == "meta"
    mask = layer.compute_mask(inputs, masks)
    assert mask is None if name == "Dot" else mask.device.type == "meta"
