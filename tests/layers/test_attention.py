"""Attention layers (Attention, AdditiveAttention, MultiHeadAttention): parity with Keras 3 on
several inputs with masks (outputs, scores and input gradients), weights and their layouts,
dropout on the probabilities in training, the SDPA/einsum paths, graph calls and every error."""

from __future__ import annotations

import copy
import dataclasses
import doctest
import importlib
import inspect
import re
from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from keras.src.backend import set_keras_mask

import tkeras
from tests.parity import ATOL, RTOL, Case, assert_same_variables

LAYERS = ("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupQueryAttention")
LIST_CALL = ("Attention", "AdditiveAttention")  # called on [query, value(, key)]


@dataclasses.dataclass
class AttentionCase(Case):
    """``input_shape`` is ``[query, value(, key)]``; ``call`` holds the call's keyword arguments,
    masks given by a spec: ``"seq"`` (random over the input's shape but the last axis),
    ``"holes"`` (the same, with a fully masked first row) or a shape (a random boolean mask)."""

    call: dict[str, Any] = dataclasses.field(default_factory=dict)


def _case(layer: str, kwargs: dict, shapes: list, id: str, **call: Any) -> AttentionCase:
    return AttentionCase(layer, kwargs, shapes, id=f"{layer}-{id}", call=call)


Q, V, K = (2, 4, 6), (2, 5, 6), (2, 5, 3)


def _list_layer_cases(layer: str) -> list[AttentionCase]:
    return [
        _case(layer, {}, [Q, V], "default"),
        _case(layer, {}, [Q, (2, 5, 7), V], "key"),
        _case(layer, {}, [(2, 5, 6), (2, 5, 6)], "self-length"),
        _case(layer, {}, [Q, V], "causal", use_causal_mask=True),
        _case(layer, {}, [(2, 5, 6), V], "causal-square", use_causal_mask=True),
        _case(layer, {}, [Q, V], "masks", mask=["seq", "seq"]),
        _case(layer, {}, [Q, V], "value-mask", mask=[None, "holes"]),
        _case(layer, {}, [Q, V], "query-mask", mask=["seq", None]),
        _case(layer, {}, [Q, V], "masks-causal", mask=["seq", "seq"], use_causal_mask=True),
        _case(layer, {}, [Q, V], "scores", return_attention_scores=True),
        _case(
            layer,
            {},
            [Q, V],
            "scores-masks",
            mask=["seq", "holes"],
            return_attention_scores=True,
            use_causal_mask=True,
        ),
        _case(layer, {"dropout": 0.3}, [Q, V], "dropout-inference", mask=["seq", "seq"]),
        _case(
            layer,
            {"use_scale": layer == "Attention"},
            [Q, V],
            "use-scale-flipped",
            return_attention_scores=True,
        ),
        _case(layer, {}, [(2, 3, 4, 6), (2, 3, 5, 6)], "rank4"),
        _case(layer, {}, [(3, 6), (5, 6)], "rank2"),
    ]


def _attention_cases() -> list[AttentionCase]:
    cases = _list_layer_cases("Attention")
    cases += [
        _case("Attention", {"score_mode": "concat"}, [Q, V], "concat"),
        _case(
            "Attention",
            {"score_mode": "concat", "use_scale": True},
            [Q, (2, 5, 7), V],
            "concat-scale-key",
            mask=["seq", "seq"],
            return_attention_scores=True,
        ),
        _case("Attention", {"use_scale": True}, [Q, V], "scale-causal", use_causal_mask=True),
        _case("Attention", {"dropout": 0.2, "seed": 7}, [Q, V], "seed-inference"),
    ]
    return cases


def _additive_cases() -> list[AttentionCase]:
    return _list_layer_cases("AdditiveAttention") + [
        _case(
            "AdditiveAttention",
            {"use_scale": False, "dropout": 0.1},
            [Q, V],
            "no-scale",
            mask=["seq", "seq"],
        ),
    ]


MHA = "MultiHeadAttention"
Q4, V4 = (2, 3, 4, 6), (2, 3, 5, 6)


def _mha_cases() -> list[AttentionCase]:
    base = {"num_heads": 2, "key_dim": 3}
    return [
        _case(MHA, base, [Q, V], "default"),
        _case(MHA, base, [Q, (2, 5, 7)], "value-dim-differs"),
        _case(MHA, base, [Q, (2, 5, 7), (2, 5, 4)], "key"),
        _case(MHA, base, [Q, Q], "self"),
        _case(MHA, {"num_heads": 1, "key_dim": 8}, [Q, V], "one-head"),
        _case(MHA, {**base, "value_dim": 4}, [Q, V], "value_dim"),
        _case(MHA, {**base, "output_shape": 5}, [Q, V], "output-int"),
        _case(MHA, {**base, "output_shape": (2, 3)}, [Q, V], "output-tuple"),
        _case(MHA, {**base, "use_bias": False}, [Q, V], "no-bias"),
        _case(MHA, {**base, "use_gate": True}, [Q, V], "gate"),
        _case(
            MHA,
            {**base, "use_gate": True, "value_dim": 2, "use_bias": False},
            [Q, V],
            "gate-no-bias",
            return_attention_scores=True,
        ),
        _case(MHA, base, [(2, 5, 6), V], "causal-square", use_causal_mask=True),
        _case(MHA, base, [Q, V], "causal", use_causal_mask=True),
        _case(MHA, base, [Q, V], "attention-mask", attention_mask="holes"),
        _case(MHA, base, [Q, V], "attention-mask-2d", attention_mask=(4, 5)),
        _case(
            MHA, base, [Q, V], "attention-mask-causal", attention_mask="seq", use_causal_mask=True
        ),
        _case(MHA, base, [Q, V], "query-mask", query_mask="seq"),
        _case(MHA, base, [Q, V], "value-mask", value_mask="seq"),
        _case(MHA, base, [Q, V, K], "key-mask", key_mask="seq"),
        _case(
            MHA,
            base,
            [Q, V, K],
            "all-masks",
            query_mask="seq",
            value_mask="seq",
            key_mask="seq",
            attention_mask="seq",
            use_causal_mask=True,
        ),
        _case(MHA, base, [Q, V], "scores", return_attention_scores=True),
        _case(
            MHA,
            base,
            [Q, V],
            "scores-masks",
            return_attention_scores=True,
            query_mask="seq",
            attention_mask="holes",
        ),
        _case(
            MHA, base, [Q, V], "scores-causal", return_attention_scores=True, use_causal_mask=True
        ),
        _case(MHA, {**base, "dropout": 0.3}, [Q, V], "dropout-inference"),
        _case(
            MHA,
            {**base, "dropout": 0.3},
            [Q, V],
            "dropout-inference-masks",
            attention_mask="holes",
            query_mask="seq",
        ),
        _case(
            MHA, {**base, "dropout": 0.3}, [Q, V], "dropout-inference-causal", use_causal_mask=True
        ),
        _case(MHA, {**base, "dropout": 0.3, "seed": 3}, [Q, V], "seed-inference"),
        _case(MHA, {**base, "sliding_window": 2}, [(2, 5, 6), V], "sliding-window"),
        _case(
            MHA,
            {**base, "sliding_window": 3},
            [Q, V],
            "sliding-window-causal",
            use_causal_mask=True,
            value_mask="seq",
        ),
        # Not "holes": SDPA kernels differ in the gradient of a fully masked row (degenerate:
        # the forward is constant there), and Keras lets torch pick the kernel.
        _case(MHA, {**base, "flash_attention": False}, [Q, V], "flash-false", attention_mask="seq"),
        _case(
            MHA,
            {**base, "kernel_initializer": "he_normal", "bias_initializer": "ones"},
            [Q, V],
            "initializers",
        ),
        # rank-4 inputs: Keras attends over (1, 2) by default, on its einsum path.
        _case(MHA, base, [Q4, V4], "rank4"),
        _case(MHA, base, [Q4, V4], "rank4-scores", return_attention_scores=True),
        _case(
            MHA,
            {**base, "attention_axes": (1, 2)},
            [Q4, V4],
            "rank4-axes-12",
            attention_mask=(2, 3, 4, 3, 5),
        ),
        _case(
            MHA,
            {**base, "attention_axes": 2},
            [Q4, V4],
            "rank4-axis2-int",
            return_attention_scores=True,
        ),
        _case(
            MHA,
            {**base, "attention_axes": (-2,)},
            [Q4, V4],
            "rank4-axis-neg",
            attention_mask=(2, 3, 4, 5),
            query_mask="seq",
        ),
        _case(
            MHA,
            {**base, "attention_axes": [1]},
            [(2, 3, 4, 6), (2, 5, 4, 6)],
            "rank4-axis1",
            return_attention_scores=True,
        ),
        _case(
            MHA,
            {**base, "attention_axes": (2, 3), "value_dim": 2, "output_shape": (3, 2)},
            [(2, 2, 3, 2, 4), (2, 2, 2, 3, 4)],
            "rank5-axes-23",
        ),
        _case(MHA, {**base, "flash_attention": True}, [Q4, V4], "rank4-flash"),
        _case(MHA, {**base, "use_gate": True, "dropout": 0.1}, [Q4, V4], "rank4-gate"),
    ]


def _gqa_cases() -> list[AttentionCase]:
    gqa = "GroupQueryAttention"
    base = {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2}
    return [
        _case(gqa, base, [Q, V], "default"),
        _case(gqa, {**base, "num_key_value_heads": 4}, [Q, (2, 5, 7)], "value-dim-differs"),
        _case(gqa, {**base, "num_key_value_heads": 1}, [Q, V, K], "key-one-kv-head"),
        _case(gqa, {**base, "use_bias": False, "use_gate": True}, [Q, V], "gate-no-bias"),
        _case(gqa, base, [(2, 5, 6), V], "causal", use_causal_mask=True),
        _case(gqa, base, [Q, V], "scores", return_attention_scores=True),
        _case(gqa, base, [Q, V], "attention-mask", attention_mask="holes"),
        _case(gqa, base, [Q, V, K], "masks", value_mask="seq", key_mask="seq", query_mask="seq"),
        _case(
            gqa,
            {**base, "sliding_window": 2},
            [(2, 5, 6), V],
            "sliding-causal",
            use_causal_mask=True,
            return_attention_scores=True,
        ),
        _case(gqa, {**base, "dropout": 0.2, "seed": 4}, [Q, V], "dropout-inference"),
        _case(gqa, {**base, "flash_attention": False}, [Q, V], "no-flash"),
        _case(
            gqa,
            {**base, "kernel_initializer": "he_normal", "bias_initializer": "ones"},
            [Q, V],
            "initializers",
        ),
    ]


CASES: list[Case] = _attention_cases() + _additive_cases() + _mha_cases() + _gqa_cases()


# ---------------------------------------------------------------------------- the harness


def _mask(spec: Any, input_shape: tuple, rng: np.random.Generator) -> np.ndarray:
    if isinstance(spec, tuple):
        return rng.random(spec) > 0.3
    mask = rng.random(input_shape[:-1]) > 0.3
    if spec == "holes":
        mask[0, 0] = False
    return mask


def _attention_mask(spec: Any, shapes: list, rng: np.random.Generator) -> np.ndarray:
    if isinstance(spec, tuple):
        return rng.random(spec) > 0.3
    mask = rng.random((shapes[0][0], shapes[0][1], shapes[1][1])) > 0.3
    if spec == "holes":
        mask[0, 1, :] = False  # a query step that may attend nowhere
    return mask


def _inputs(case: AttentionCase, seed: int = 0) -> tuple[list[np.ndarray], dict[str, Any]]:
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype("float32") for s in case.input_shape]
    call = dict(case.call)
    if "mask" in call:
        call["mask"] = [
            None if spec is None else _mask(spec, shape, rng)
            for spec, shape in zip(call["mask"], case.input_shape)
        ]
    for name, index in (("query_mask", 0), ("value_mask", 1), ("key_mask", 2)):
        if name in call:
            call[name] = _mask(call[name], case.input_shape[index], rng)
    if "attention_mask" in call:
        call["attention_mask"] = _attention_mask(call["attention_mask"], case.input_shape, rng)
    return arrays, call


def _masks_to_torch(call: dict) -> dict:
    out = {}
    for name, value in call.items():
        if name == "mask":
            value = [None if m is None else torch.tensor(m) for m in value]
        elif isinstance(value, np.ndarray):
            value = torch.tensor(value)
        out[name] = value
    return out


def _call(lib: Any, layer: Any, name: str, tensors: list, call: dict) -> Any:
    if name in LIST_CALL:
        return layer(list(tensors), **call)
    call = dict(call)
    query_mask = call.pop("query_mask", None)
    if query_mask is not None and lib is keras:
        # Keras 3 reads the query mask from the query's Keras mask only.
        set_keras_mask(tensors[0], query_mask)
    elif query_mask is not None:
        call["query_mask"] = query_mask
    key = {"key": tensors[2]} if len(tensors) > 2 else {}
    return layer(tensors[0], tensors[1], **key, **call)


def _flat(y: Any) -> list:
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _build(layer: Any, name: str, shapes: list) -> None:
    layer.build_from_shape([tuple(s) for s in shapes])


def check_attention_case(case: AttentionCase, seed: int = 0) -> tuple[Any, Any]:
    """Assert tkeras == Keras for one case (outputs, scores, gradients); return both layers."""
    arrays, call = _inputs(case, seed)
    k_layer = getattr(keras.layers, case.layer)(**case.kwargs)
    t_layer = getattr(tkeras.layers, case.layer)(**case.kwargs)
    call_t = _masks_to_torch(call)
    xk = [torch.tensor(a, requires_grad=True) for a in arrays]
    yk = _flat(_call(keras, k_layer, case.layer, xk, call_t))
    _build(t_layer, case.layer, case.input_shape)
    t_layer.set_weights(k_layer.get_weights())
    assert_same_variables(k_layer, t_layer)
    xt = [torch.tensor(a, requires_grad=True) for a in arrays]
    yt = _flat(_call(tkeras, t_layer, case.layer, xt, call_t))
    assert len(yk) == len(yt)
    for a, b in zip(yk, yt):
        a_np = keras.ops.convert_to_numpy(a)
        assert a_np.shape == tuple(b.shape)
        np.testing.assert_allclose(b.detach().numpy(), a_np, rtol=RTOL, atol=ATOL)
    rng = np.random.default_rng(seed + 1)
    cots = [torch.tensor(rng.standard_normal(tuple(a.shape)).astype("float32")) for a in yk]
    gk = torch.autograd.grad(sum((a * c).sum() for a, c in zip(yk, cots)), xk)
    gt = torch.autograd.grad(sum((b * c).sum() for b, c in zip(yt, cots)), xt)
    for a, b in zip(gk, gt):
        np.testing.assert_allclose(b.numpy(), a.detach().numpy(), rtol=RTOL, atol=ATOL)
    return k_layer, t_layer


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case: AttentionCase) -> None:
    check_attention_case(case)


def test_cases_cover_every_layer_and_call_option():
    assert {c.layer for c in CASES} == set(LAYERS)
    for layer in LAYERS:
        options = {k for c in CASES if c.layer == layer for k in c.call}
        call_params = set(inspect.signature(getattr(tkeras.layers, layer).call).parameters)
        expected = call_params - {"self", "inputs", "query", "value", "key", "training"}
        assert expected <= options, (layer, expected - options)


def test_keras_would_ignore_an_explicit_query_mask():
    # Why the harness gives Keras the query mask as the tensor's Keras mask (a documented
    # difference: tkeras honours the argument).
    layer = keras.layers.MultiHeadAttention(2, 3)
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    mask = torch.tensor([[True, False, True, False]] * 2)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer(q, v)),
        keras.ops.convert_to_numpy(layer(q, v, query_mask=mask)),
    )
    t_layer = tkeras.layers.MultiHeadAttention(2, 3)
    t_layer.build_from_shape([(2, 4, 6), (2, 5, 6)])
    assert not torch.allclose(t_layer(q, v), t_layer(q, v, query_mask=mask))


# ---------------------------------------------------------------------------- weights


WEIGHT_CASES = [
    ("Attention", {}, [Q, V]),
    ("Attention", {"use_scale": True}, [Q, V]),
    ("Attention", {"score_mode": "concat"}, [Q, V]),
    ("Attention", {"use_scale": True, "score_mode": "concat"}, [Q, V]),
    ("AdditiveAttention", {}, [Q, V]),
    ("AdditiveAttention", {"use_scale": False}, [Q, V]),
    (MHA, {"num_heads": 2, "key_dim": 3}, [Q, V]),
    (MHA, {"num_heads": 2, "key_dim": 3}, [Q, (2, 5, 7), (2, 5, 4)]),
    (MHA, {"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": (2, 5)}, [Q, V]),
    (MHA, {"num_heads": 2, "key_dim": 3, "use_bias": False}, [Q, V]),
    (MHA, {"num_heads": 2, "key_dim": 3, "use_gate": True}, [Q, (2, 5, 7)]),
    (MHA, {"num_heads": 2, "key_dim": 3, "attention_axes": 2}, [Q4, V4]),
    (
        "GroupQueryAttention",
        {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2},
        [Q, V],
    ),
    (
        "GroupQueryAttention",
        {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "use_gate": True},
        [Q, (2, 5, 7), K],
    ),
]


def _built_pair(name: str, kwargs: dict, shapes: list) -> tuple[Any, Any]:
    arrays = [torch.randn(s) for s in shapes]
    k_layer = getattr(keras.layers, name)(**kwargs)
    _call(keras, k_layer, name, arrays, {})
    t_layer = getattr(tkeras.layers, name)(**kwargs)
    _call(tkeras, t_layer, name, arrays, {})
    return k_layer, t_layer


@pytest.mark.parametrize("name, kwargs, shapes", WEIGHT_CASES)
def test_weights_count_order_names_and_shapes_match_keras(name, kwargs, shapes):
    k_layer, t_layer = _built_pair(name, kwargs, shapes)
    # Paths below the layer: 'scale', 'query/kernel', ... (layer names differ by counters).
    k_paths = [w.path.split("/", 1)[1] for w in k_layer.weights]
    t_paths = [w.path.removeprefix(f"{t_layer.name}/") for w in t_layer.weights]
    assert t_paths == k_paths
    assert [tuple(w.shape) for w in t_layer.get_weights()] == [
        tuple(w.shape) for w in k_layer.get_weights()
    ]
    assert [w.trainable for w in t_layer.weights] == [w.trainable for w in k_layer.weights]
    assert t_layer.count_params() == k_layer.count_params()
    assert len(t_layer.trainable_weights) == len(k_layer.trainable_weights)


def test_mha_weights_round_trip_in_keras_layout():
    k_layer, t_layer = _built_pair(
        MHA, {"num_heads": 2, "key_dim": 3, "output_shape": (2, 3)}, [Q, V]
    )
    weights = [
        np.random.default_rng(i).standard_normal(w.shape).astype("float32")
        for i, w in enumerate(k_layer.get_weights())
    ]
    t_layer.set_weights(weights)
    for a, b in zip(weights, t_layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Keras's shapes, over nn.Linear weights: the op gets (heads * key_dim, dim) for the
    # query kernel, a view of the same memory.
    query = t_layer.query_dense
    assert tuple(query.kernel.shape) == (6, 2, 3)
    assert tuple(t_layer.output_dense.kernel.shape) == (2, 3, 2, 3)
    kernel = weights[0]  # (dim, heads, key_dim)
    np.testing.assert_array_equal(query.kernel.numpy(), kernel)
    op_kernel, op_bias = query.op_weights()
    np.testing.assert_array_equal(op_kernel.detach().numpy(), kernel.reshape(6, 6).T)
    assert op_kernel.is_contiguous() and op_kernel.data_ptr() == query.kernel.data_ptr()
    assert tuple(op_bias.shape) == (6,)


def test_projection_sublayers_compute_keras_einsum_dense():
    k_layer, t_layer = _built_pair(
        MHA, {"num_heads": 2, "key_dim": 3, "output_shape": (2, 3)}, [Q, V]
    )
    t_layer.set_weights(k_layer.get_weights())
    x = torch.randn(Q)
    for name in ("query_dense", "key_dense", "value_dense"):
        np.testing.assert_allclose(
            getattr(t_layer, name)(x).detach().numpy(),
            keras.ops.convert_to_numpy(getattr(k_layer, name)(x)),
            rtol=RTOL,
            atol=ATOL,
        )
    h = torch.randn(2, 4, 2, 3)
    np.testing.assert_allclose(
        t_layer.output_dense(h).detach().numpy(),
        keras.ops.convert_to_numpy(k_layer.output_dense(h)),
        rtol=RTOL,
        atol=ATOL,
    )
    assert t_layer.output_dense.compute_output_shape((None, 4, 2, 3)) == (None, 4, 2, 3)


def test_set_weights_rejects_a_wrong_shape_naming_the_weight():
    _, t_layer = _built_pair(MHA, {"num_heads": 2, "key_dim": 3}, [Q, V])
    weights = t_layer.get_weights()
    weights[0] = np.zeros((6, 3, 2), "float32")
    with pytest.raises(
        ValueError,
        match=r"weight 0 \(kernel\) expects shape \(6, 2, 3\), but "
        r"received shape \(6, 3, 2\)",
    ):
        t_layer.set_weights(weights)
    with pytest.raises(
        ValueError,
        match=r"Cannot assign a value of shape \(36,\) to variable '.*query/kernel' of "
        r"shape \(6, 2, 3\)",
    ):
        t_layer.query_dense.kernel.assign(np.zeros(36, "float32"))
    with pytest.raises(
        ValueError,
        match=r"Cannot assign a value of shape \(6,\) to variable '.*query/bias' of "
        r"shape \(2, 3\)",
    ):
        t_layer.query_dense.bias.assign(np.zeros(6, "float32"))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("Attention", {"use_scale": True, "score_mode": "concat"}),
        (
            MHA,
            {
                "num_heads": 2,
                "key_dim": 3,
                "kernel_initializer": "ones",
                "bias_initializer": "ones",
            },
        ),
        (
            MHA,
            {
                "num_heads": 2,
                "key_dim": 3,
                "kernel_initializer": {"class_name": "Constant", "config": {"value": 0.25}},
                "use_gate": True,
            },
        ),
    ],
)
def test_deterministic_initializers_give_kerass_weights(name, kwargs):
    k_layer, t_layer = _built_pair(name, kwargs, [Q, V])
    for a, b in zip(k_layer.get_weights(), t_layer.get_weights()):
        np.testing.assert_array_equal(b, a)


def test_default_initializers_follow_kerass_glorot_fans():
    _, t_layer = _built_pair(MHA, {"num_heads": 4, "key_dim": 8}, [(2, 4, 16), (2, 5, 16)])
    # Keras's fans for a (dim, heads, key_dim) kernel: (heads * dim, key_dim * dim).
    limit = np.sqrt(6 / (4 * 16 + 8 * 16))
    q_kernel, q_bias = t_layer.get_weights()[:2]
    assert np.abs(q_kernel).max() <= limit and np.abs(q_kernel).max() > 0.9 * limit
    assert not q_bias.any()
    # One initializer instance is cloned per projection, so query and key kernels differ.
    assert not np.array_equal(t_layer.get_weights()[0], t_layer.get_weights()[2])
    _, additive = _built_pair("AdditiveAttention", {}, [Q, V])
    (scale,) = additive.get_weights()
    assert scale.shape == (6,) and 0 < np.abs(scale).max() <= 1.0  # glorot: sqrt(6 / 12)


# ---------------------------------------------------------------------------- dropout


def _dropped_probabilities(layer: Any, query: torch.Tensor, seq: int, **call: Any) -> torch.Tensor:
    """Make ``layer``'s output equal its (dropped) attention probabilities: zero query/key
    kernels give uniform 1/seq probabilities; identity value/output kernels and one-hot values
    read them back."""
    dim = query.shape[-1]
    weights = [
        np.zeros((dim, 1, dim), "float32"),
        np.zeros((1, dim), "float32"),
        np.zeros((dim, 1, dim), "float32"),
        np.zeros((1, dim), "float32"),
        np.eye(dim, dtype="float32")[:, None, :],
        np.zeros((1, dim), "float32"),
        np.eye(dim, dtype="float32")[None],
        np.zeros((dim,), "float32"),
    ]
    layer.set_weights(weights)
    value = torch.eye(seq).expand(query.shape[0], seq, seq)
    return layer(query, value, **call)


@pytest.mark.parametrize(
    "kwargs, call",
    [
        ({}, {}),  # SDPA's dropout_p (no mask, no seed)
        ({"seed": 11}, {}),  # the explicit path with the layer's generator
        ({}, {"value_mask": torch.ones(64, 16, dtype=torch.bool)}),  # Keras's masked path
        ({}, {"use_causal_mask": True}),
    ],
)
def test_mha_dropout_drops_probabilities_and_scales_survivors(kwargs, call):
    seq = 16
    layer = tkeras.layers.MultiHeadAttention(1, seq, dropout=0.4, **kwargs)
    layer.build_from_shape([(64, 8, seq), (64, seq, seq)])
    query = torch.randn(64, 8, seq)
    probs = _dropped_probabilities(layer, query, seq, training=True, **call).detach()
    if call.get("use_causal_mask"):
        kept = torch.ones(8, seq).tril().bool().expand(64, 8, seq)
        expected = (1 / torch.arange(1, 9).float()).unsqueeze(-1).expand(64, 8, seq)[kept]
        values, survivors = probs[kept], None
        zero = values == 0
        np.testing.assert_allclose(
            values[~zero].numpy(), (expected[~zero] / 0.6).numpy(), rtol=1e-5
        )
        assert 0.3 < zero.float().mean() < 0.5
        assert (probs[~kept] == 0).all()
        return
    survivors = probs[probs != 0]
    np.testing.assert_allclose(survivors.numpy(), 1 / seq / 0.6, rtol=1e-5)
    assert 0.37 < (probs == 0).float().mean() < 0.43
    inference = _dropped_probabilities(layer, query, seq, **call)
    np.testing.assert_allclose(inference.detach().numpy(), 1 / seq, rtol=1e-6)


def test_mha_training_returns_scores_before_dropout():
    layer = tkeras.layers.MultiHeadAttention(2, 4, dropout=0.5)
    q, v = torch.randn(8, 5, 6), torch.randn(8, 7, 6)
    _, scores = layer(q, v, return_attention_scores=True, training=True)
    _, reference = layer(q, v, return_attention_scores=True)
    np.testing.assert_allclose(scores.detach().numpy(), reference.detach().numpy(), rtol=1e-6)
    assert not torch.allclose(layer(q, v, training=True), layer(q, v))


@pytest.mark.parametrize("name", LIST_CALL)
def test_list_attention_dropout_drops_returned_probabilities(name):
    layer = getattr(tkeras.layers, name)(dropout=0.5)
    q, v = torch.randn(32, 6, 4), torch.randn(32, 9, 4)
    out, weights = layer([q, v], return_attention_scores=True, training=True)
    _, clean = layer([q, v], return_attention_scores=True)
    zero = weights == 0
    assert 0.45 < zero.float().mean() < 0.55
    np.testing.assert_allclose(
        weights[~zero].detach().numpy(), (clean[~zero] / 0.5).detach().numpy(), rtol=1e-5
    )
    # Keras returns the probabilities after dropout, and the output uses exactly those.
    np.testing.assert_allclose(
        out.detach().numpy(), (weights @ v).detach().numpy(), rtol=1e-5, atol=1e-6
    )


def test_training_flag_follows_tkeras_rule():
    q, v = torch.randn(4, 6, 4), torch.randn(4, 9, 4)
    layer = tkeras.layers.Attention(dropout=0.5)
    clean = layer([q, v])
    assert torch.equal(layer([q, v]), clean)  # eval mode: inference
    assert not torch.equal(layer([q, v], training=True), clean)
    layer.train()
    assert not torch.equal(layer([q, v]), clean)  # training=False default follows the mode
    assert torch.equal(layer([q, v], training=False), clean)  # an explicit False wins
    mha = tkeras.layers.MultiHeadAttention(2, 4, dropout=0.5)
    clean = mha(q, v)
    mha.train()
    assert not torch.equal(mha(q, v), clean)
    assert torch.equal(mha(q, v, training=False), clean)


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: tkeras.layers.MultiHeadAttention(2, 4, dropout=0.5, seed=seed),
        lambda seed: tkeras.layers.Attention(dropout=0.5, seed=seed),
        lambda seed: tkeras.layers.AdditiveAttention(dropout=0.5, seed=seed),
    ],
)
def test_seed_gives_reproducible_dropout(make):
    q, v = torch.randn(4, 6, 4), torch.randn(4, 9, 4)

    def run(layer, weights):
        if weights is not None:
            layer.build_from_shape([tuple(q.shape), tuple(v.shape)])
            layer.set_weights(weights)
        if isinstance(layer, tkeras.layers.MultiHeadAttention):
            return layer(q, v, training=True)
        return layer([q, v], training=True)

    first = make(3)
    a = run(first, None)
    b, c = run(make(3), first.get_weights()), run(make(4), first.get_weights())
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert make(3).get_config()["seed"] == 3


# ---------------------------------------------------------------------------- SDPA paths


class _SDPASpy:
    def __init__(self, monkeypatch):
        self.calls: list[dict] = []
        real = F.scaled_dot_product_attention

        def spy(*args, **kwargs):
            cuda = torch.backends.cuda
            self.calls.append(
                {"flash": cuda.flash_sdp_enabled(), "math": cuda.math_sdp_enabled(), **kwargs}
            )
            return real(*args, **kwargs)

        monkeypatch.setattr(F, "scaled_dot_product_attention", spy)


@pytest.mark.parametrize(
    "kwargs, shapes, call, fused",
    [
        ({}, [Q, V], {}, True),
        ({}, [Q, V], {"attention_mask": torch.ones(2, 4, 5, dtype=torch.bool)}, True),
        ({}, [Q, V], {"use_causal_mask": True}, True),
        ({}, [Q, V], {"return_attention_scores": True}, False),
        ({"dropout": 0.2}, [Q, V], {}, True),
        ({"dropout": 0.2}, [Q, V], {"value_mask": torch.ones(2, 5, dtype=torch.bool)}, False),
        ({"dropout": 0.2, "seed": 1}, [Q, V], {"training": True}, False),
        ({"dropout": 0.2}, [Q, V], {"training": True}, True),
        ({}, [Q4, V4], {}, True),
        ({}, [Q4, V4], {"attention_mask": torch.ones(2, 3, 4, 3, 5, dtype=torch.bool)}, False),
        ({"attention_axes": 2}, [Q4, V4], {}, False),
        ({"sliding_window": 2}, [Q, V], {"use_causal_mask": True}, True),
    ],
)
def test_sdpa_runs_where_its_numbers_equal_kerass(monkeypatch, kwargs, shapes, call, fused):
    spy = _SDPASpy(monkeypatch)
    layer = tkeras.layers.MultiHeadAttention(2, 3, **kwargs)
    layer(torch.randn(shapes[0]), torch.randn(shapes[1]), **call)
    assert len(spy.calls) == int(fused)
    if fused and call.get("use_causal_mask") and "sliding_window" not in kwargs:
        assert spy.calls[0]["is_causal"] and spy.calls[0]["attn_mask"] is None


def test_fully_masked_rows_follow_kerass_path():
    # Keras's fused path (dropout 0) adds a large negative number: a query that may attend
    # nowhere averages all values. Its einsum path (here: dropout > 0) zeroes it.
    q, v = torch.randn(1, 3, 4), torch.randn(1, 5, 4)
    mask = torch.ones(1, 3, 5, dtype=torch.bool)
    mask[0, 1] = False
    fused = tkeras.layers.MultiHeadAttention(1, 4)
    explicit = tkeras.layers.MultiHeadAttention(1, 4, dropout=0.5)
    explicit.build_from_shape([(1, 3, 4), (1, 5, 4)])
    fused.build_from_shape([(1, 3, 4), (1, 5, 4)])
    weights = [
        np.eye(4, dtype="float32")[:, None, :]
        if w.ndim == 3 and w.shape[0] == 4
        else np.eye(4, dtype="float32")[None]
        if w.ndim == 3
        else np.zeros_like(w)
        for w in fused.get_weights()
    ]
    fused.set_weights(weights)
    explicit.set_weights(weights)
    np.testing.assert_allclose(
        fused(q, v, attention_mask=mask)[0, 1].detach().numpy(),
        v[0].mean(0).numpy(),
        rtol=1e-5,
        atol=1e-6,
    )
    assert torch.equal(explicit(q, v, attention_mask=mask)[0, 1], torch.zeros(4))


def test_flash_attention_true_uses_only_the_flash_kernel(monkeypatch):
    spy = _SDPASpy(monkeypatch)
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    default = tkeras.layers.MultiHeadAttention(2, 3)
    flash = tkeras.layers.MultiHeadAttention(2, 3, flash_attention=True)
    no_flash = tkeras.layers.MultiHeadAttention(2, 3, flash_attention=False)
    expected = default(q, v)
    for layer in (flash, no_flash):
        layer.build_from_shape([(2, 4, 6), (2, 5, 6)])
        layer.set_weights(default.get_weights())
        np.testing.assert_allclose(
            layer(q, v).detach().numpy(), expected.detach().numpy(), rtol=RTOL, atol=ATOL
        )
    assert [(c["flash"], c["math"]) for c in spy.calls] == [
        (True, True),
        (True, False),
        (False, True),
    ]


# ---------------------------------------------------------------------------- graph calls


def _graph_outputs(lib: Any, name: str, kwargs: dict, shapes: list, call: dict) -> list:
    inputs = [lib.Input(shape=s[1:]) for s in shapes]
    layer = getattr(lib.layers, name)(**kwargs)
    if name in LIST_CALL:
        out = layer(inputs, **call)
    else:
        key = {"key": inputs[2]} if len(inputs) > 2 else {}
        out = layer(inputs[0], inputs[1], **key, **call)
    return inputs, out


GRAPH_CASES = [
    ("Attention", {}, [(None, 4, 6), (None, 5, 6)], {}),
    (
        "Attention",
        {},
        [(None, None, 6), (None, None, 3), (None, None, 6)],
        {"return_attention_scores": True},
    ),
    ("AdditiveAttention", {}, [(None, 4, 6), (None, 5, 6)], {"return_attention_scores": True}),
    (MHA, {"num_heads": 2, "key_dim": 3}, [(None, 4, 6), (None, 5, 7)], {}),
    (
        MHA,
        {"num_heads": 2, "key_dim": 3, "output_shape": (2, 5)},
        [(None, None, 6), (None, None, 7), (None, None, 3)],
        {},
    ),
    (
        MHA,
        {"num_heads": 2, "key_dim": 3},
        [(None, 4, 6), (None, 4, 7)],
        {"return_attention_scores": True, "use_causal_mask": True},
    ),
    (MHA, {"num_heads": 2, "key_dim": 3}, [(None, 3, 4, 6), (None, 3, 4, 6)], {}),
]


@pytest.mark.parametrize("name, kwargs, shapes, call", GRAPH_CASES)
def test_graph_output_shapes_match_keras(name, kwargs, shapes, call):
    _, k_out = _graph_outputs(keras, name, kwargs, shapes, call)
    _, t_out = _graph_outputs(tkeras, name, kwargs, shapes, call)
    assert [tuple(t.shape) for t in _flat(t_out)] == [tuple(t.shape) for t in _flat(k_out)]


def test_graph_scores_shape_uses_the_key_length():
    inputs = [tkeras.Input((4, 6)), tkeras.Input((7, 6))]
    layer = tkeras.layers.MultiHeadAttention(3, 2)
    _, scores = layer(inputs[0], inputs[1], return_attention_scores=True)
    assert scores.shape == (None, 3, 4, 7)  # Keras reports (None, 3, 4, 4)
    rank4 = tkeras.layers.MultiHeadAttention(2, 2, attention_axes=2)
    _, scores = rank4(
        tkeras.Input((3, 4, 6)), tkeras.Input((3, 5, 6)), return_attention_scores=True
    )
    assert scores.shape == (None, 3, 2, 4, 5)


def test_functional_models_run_and_match_eager_calls():
    q_in, v_in = tkeras.Input((4, 6)), tkeras.Input((5, 6))
    mask_in = tkeras.Input((4, 5), dtype="bool")
    mha = tkeras.layers.MultiHeadAttention(2, 3)
    out, scores = mha(q_in, v_in, attention_mask=mask_in, return_attention_scores=True)
    attention = tkeras.layers.Attention(use_scale=True)
    att_out = attention([q_in, v_in], use_causal_mask=True)
    model = tkeras.Model([q_in, v_in, mask_in], [out, scores, att_out])
    q, v = torch.randn(3, 4, 6), torch.randn(3, 5, 6)
    mask = torch.rand(3, 4, 5) > 0.3
    got = model([q, v, mask])
    expected = [
        *mha(q, v, attention_mask=mask, return_attention_scores=True),
        attention([q, v], use_causal_mask=True),
    ]
    for a, b in zip(got, expected):
        assert torch.allclose(a, b)
    assert [tuple(t.shape) for t in model.outputs] == [(None, 4, 6), (None, 2, 4, 5), (None, 4, 6)]
    assert mha in model.layers and attention in model.layers


def test_functional_attention_receives_the_input_masks():
    tokens_q, tokens_v = tkeras.Input((4,), dtype="int64"), tkeras.Input((5,), dtype="int64")
    embed = tkeras.layers.Embedding(10, 6, mask_zero=True)
    layer = tkeras.layers.Attention()
    model = tkeras.Model([tokens_q, tokens_v], layer([embed(tokens_q), embed(tokens_v)]))
    q_ids = torch.tensor([[1, 2, 0, 0], [3, 4, 5, 6]])
    v_ids = torch.tensor([[1, 2, 3, 0, 0], [1, 0, 0, 0, 0]])
    got = model([q_ids, v_ids])
    expected = layer([embed(q_ids), embed(v_ids)], mask=[q_ids != 0, v_ids != 0])
    assert torch.allclose(got, expected)
    assert torch.equal(got[0, 2:], torch.zeros(2, 6))


def test_output_mask_is_the_query_mask():
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    q_mask, v_mask = torch.rand(2, 4) > 0.5, torch.rand(2, 5) > 0.5
    layer = tkeras.layers.Attention()
    assert layer.compute_mask([q, v], [q_mask, v_mask]) is q_mask
    assert layer.compute_mask([q, v], None) is None
    assert layer.compute_mask([q, v], [None, v_mask]) is None
    assert layer.supports_masking
    mha = tkeras.layers.MultiHeadAttention(2, 3)
    assert mha.compute_mask(q, [q_mask, v_mask]) is q_mask and mha.supports_masking


# ---------------------------------------------------------------------------- API surface


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("method", ["__init__", "call"])
def test_signatures_match_keras(name, method):
    def params(fn):
        return [
            (p.name, p.kind, p.default) for p in list(inspect.signature(fn).parameters.values())[1:]
        ]

    ours = params(getattr(getattr(tkeras.layers, name), method))
    theirs = params(getattr(getattr(keras.layers, name), method))
    assert ours == theirs


def test_mha_keras_properties_and_build_signature():
    layer = tkeras.layers.MultiHeadAttention(4, 3, dropout=0.25, use_bias=False, attention_axes=-2)
    assert (
        layer.num_heads,
        layer.key_dim,
        layer.value_dim,
        layer.dropout,
        layer.use_bias,
        layer.attention_axes,
    ) == (4, 3, 3, 0.25, False, (-2,))
    layer.build((2, 5, 8), (2, 6, 8))
    assert layer.built and layer.attention_axes == (1,)
    assert layer.output_shape == (2, 5, 8)
    assert (
        list(inspect.signature(layer.build).parameters)
        == list(inspect.signature(keras.layers.MultiHeadAttention.build).parameters)[1:]
    )
    assert layer.compute_output_shape((None, 5, 8), (None, 6, 8)) == (None, 5, 8)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("Attention", {"use_scale": True, "score_mode": "concat", "dropout": 0.2, "seed": 4}),
        ("AdditiveAttention", {"use_scale": False, "dropout": 0.1, "seed": 2}),
        (
            MHA,
            {
                "num_heads": 2,
                "key_dim": 3,
                "value_dim": 5,
                "output_shape": (2, 3),
                "attention_axes": (1,),
                "use_gate": True,
                "sliding_window": 3,
                "seed": 1,
            },
        ),
    ],
)
def test_config_round_trips(name, kwargs):
    layer = getattr(tkeras.layers, name)(**kwargs)
    config = layer.get_config()
    for key, value in kwargs.items():
        assert config[key] == value
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    if name == "AdditiveAttention":
        assert "score_mode" not in config
        assert set(config) == set(keras.layers.AdditiveAttention().get_config())


def test_eager_inputs_convert_and_autocast():
    layer = tkeras.layers.MultiHeadAttention(2, 3)
    q, v = np.random.rand(2, 4, 6).astype("float32"), np.random.rand(2, 5, 6)
    out = layer(q, v)  # numpy inputs; the value is float64
    assert out.dtype == torch.float32 and tuple(out.shape) == (2, 4, 6)
    expected = layer(torch.tensor(q), torch.tensor(v, dtype=torch.float32))
    assert torch.allclose(layer(torch.tensor(q, dtype=torch.float64), v), expected)
    attention = tkeras.layers.Attention()
    assert attention([q, v.astype("float32")]).dtype == torch.float32
    mixed = attention([torch.tensor(q, dtype=torch.float64), torch.tensor(v, dtype=torch.float32)])
    assert mixed.dtype == torch.float32
    assert torch.allclose(mixed, attention([torch.tensor(q), torch.tensor(v, dtype=torch.float32)]))


def test_autocast_false_converts_arrays_but_keeps_dtypes():
    layer = tkeras.layers.MultiHeadAttention(2, 3, autocast=False)
    q = torch.randn(2, 4, 6)
    assert layer(q, q.numpy()).dtype == torch.float32  # an array is converted
    with pytest.raises(RuntimeError, match=r"(?i)dtype|double|float"):
        layer(q, q.double())  # no autocast: torch's dtype error


def test_keyword_only_and_deepcopy():
    layer = tkeras.layers.MultiHeadAttention(2, 3, dropout=0.3, seed=1)
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    out = layer(query=q, value=v)
    assert torch.equal(layer(q, v), out)
    clone = copy.deepcopy(layer)
    assert torch.equal(clone(q, v), out)
    assert isinstance(layer, torch.nn.Module) and len(list(layer.parameters())) == 8


@pytest.mark.parametrize("module", ["attention", "additive_attention", "multi_head_attention"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"tkeras.layers.attention.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make, match",
    [
        (
            lambda: tkeras.layers.Attention(score_mode="add", name="a"),
            r"Attention 'a': invalid value for argument `score_mode`. Expected one of "
            r"\{'dot', 'concat'\}. Received: score_mode='add'",
        ),
        (
            lambda: tkeras.layers.Attention(dropout=1.0, name="a"),
            r"Attention 'a': invalid value received for argument `dropout`. Expected a float "
            r"value in \[0, 1\). Received: dropout=1.0",
        ),
        (
            lambda: tkeras.layers.AdditiveAttention(dropout=-0.1, name="a"),
            r"AdditiveAttention 'a': .*`dropout`.*Received: dropout=-0.1",
        ),
        (
            lambda: tkeras.layers.Attention(seed="x", name="a"),
            r"Attention 'a': invalid value received for argument `seed`. Expected an int or "
            r"None. Received: seed='x'",
        ),
        (
            lambda: tkeras.layers.AdditiveAttention(score_mode="dot"),
            r"Unrecognized keyword arguments passed to AdditiveAttention: \{'score_mode': 'dot'\}",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(0, 3, name="m"),
            r"MultiHeadAttention 'm': received an invalid value for argument `num_heads`, "
            r"expected a positive integer, got num_heads=0",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 1.5, name="m"),
            r"`key_dim`, expected a positive integer, got key_dim=1.5",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, value_dim=-1, name="m"),
            r"`value_dim`, expected a positive integer, got value_dim=-1",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, dropout=2, name="m"),
            r"MultiHeadAttention 'm': .*`dropout`.*Received: dropout=2",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, output_shape=(2, "x"), name="m"),
            r"MultiHeadAttention 'm': invalid `output_shape`: \(2, 'x'\). Expected a positive int "
            r"or a tuple or list of positive ints.",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, output_shape=1.5, name="m"),
            r"invalid `output_shape`: 1.5",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, attention_axes="1", name="m"),
            r"MultiHeadAttention 'm': `attention_axes` must be an int, list, or tuple of ints. "
            r"Received: attention_axes='1'",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, sliding_window=0, name="m"),
            r"MultiHeadAttention 'm': `sliding_window` must be None or a positive integer. "
            r"Received: sliding_window=0",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(2, 3, flash_attention="yes", name="m"),
            r"`flash_attention` must be None, True or False. Received: flash_attention='yes'",
        ),
        (
            lambda: tkeras.layers.MultiHeadAttention(
                2, 3, flash_attention=True, dropout=0.1, name="m"
            ),
            r"MultiHeadAttention 'm': dropout is not supported when flash attention is enabled. "
            r"Set dropout to 0.0 to use flash attention \(received dropout=0.1, "
            r"flash_attention=True\).",
        ),
    ],
)
def test_constructor_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("name", LIST_CALL)
def test_list_layer_call_errors(name):
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    layer = getattr(tkeras.layers, name)(name="att")
    prefix = rf"{name} 'att': "
    with pytest.raises(
        ValueError,
        match=prefix + r"the layer must be called on a list of "
        r"inputs, namely \[query, value\] or "
        r"\[query, value, key\]. Received: inputs=",
    ):
        layer(q)
    with pytest.raises(
        ValueError,
        match=prefix + r"the inputs list must have length 2 or 3, "
        r".*Received length: 1.",
    ):
        layer([q])
    with pytest.raises(
        ValueError,
        match=prefix + r"`mask` must be a list, namely "
        r"\[query_mask, value_mask\]. Received: mask=",
    ):
        layer([q, v], mask=torch.ones(2, 4, dtype=torch.bool))
    with pytest.raises(
        ValueError,
        match=prefix + r"the mask list must have length 2 or 3, "
        r".*Received length: 1.",
    ):
        layer([q, v], mask=[None])
    with pytest.raises(
        ValueError,
        match=prefix + r"query and key must have the same last "
        r"dimension \(dim\). Received: "
        r"query.shape=\(2, 4, 6\), "
        r"key.shape=\(2, 5, 5\).",
    ):
        layer([q, v, torch.randn(2, 5, 5)])
    layer([q, v])  # built
    with pytest.raises(
        ValueError,
        match=prefix + r"query and key must have the same last "
        r"dimension",
    ):
        layer([q, torch.randn(2, 5, 4)])
    with pytest.raises(
        ValueError,
        match=prefix + r"key and value must have the same length Tv "
        r"\(axis -2\). Received: key.shape=\(2, 3, 6\), "
        r"value.shape=\(2, 5, 6\).",
    ):
        layer([q, v, torch.randn(2, 3, 6)])
    with pytest.raises(
        ValueError,
        match=prefix + r"query, value and key must have rank 2 or "
        r"more \(..., Tq or Tv, dim\). Received "
        r"shapes: query=\(6,\), value=\(2, 5, 6\), "
        r"key=\(2, 5, 6\).",
    ):
        getattr(tkeras.layers, name)(name="att")([torch.randn(6), v])
    with pytest.raises(ValueError, match=prefix + r"the layer must be called on a list"):
        layer.compute_mask(q, None)


def test_list_layer_graph_errors():
    with pytest.raises(
        ValueError,
        match=r"AdditiveAttention 'add': the last axis \(dim\) of the "
        r"query must be known to build the layer. Received: "
        r"input_shape=\[\(None, 4, None\), \(None, 5, None\)\]",
    ):
        tkeras.layers.AdditiveAttention(name="add")(
            [tkeras.Input((4, None)), tkeras.Input((5, None))]
        )
    layer = tkeras.layers.AdditiveAttention(name="add")
    layer([torch.randn(2, 4, 6), torch.randn(2, 5, 6)])
    with pytest.raises(
        ValueError,
        match=r"AdditiveAttention 'add': the layer was built for query "
        r"dim 6, but received query.shape=\(None, 4, 3\).",
    ):
        layer([tkeras.Input((4, 3)), tkeras.Input((5, 3))])


def test_mha_build_errors():
    def build(*shapes, **kwargs):
        layer = tkeras.layers.MultiHeadAttention(2, 3, name="m", **kwargs)
        layer.build(*shapes)

    with pytest.raises(
        ValueError,
        match=r"MultiHeadAttention 'm': all dimensions of `value` and "
        r"`key`, except the last one, must be equal. Received: "
        r"value_shape=\(2, 5, 6\) and key_shape=\(2, 4, 6\)",
    ):
        build((2, 4, 6), (2, 5, 6), (2, 4, 6))
    with pytest.raises(
        ValueError,
        match=r"MultiHeadAttention 'm': `query` and `value` must have "
        r"the same rank, at least 3 \(batch, ..., features\). "
        r"Received: query_shape=\(2, 6\), "
        r"value_shape=\(2, 6\)",
    ):
        build((2, 6), (2, 6))
    with pytest.raises(ValueError, match=r"same rank, at least 3"):
        build((2, 4, 6), (2, 3, 5, 6))
    with pytest.raises(
        ValueError,
        match=r"MultiHeadAttention 'm': the last axis of value must be "
        r"known to build the layer. Received: query_shape="
        r"\(None, 4, 6\), value_shape=\(None, 5, None\)",
    ):
        build((None, 4, 6), (None, 5, None))
    for axes in [(0,), (3,), (-1,), (1, 1)]:
        with pytest.raises(
            ValueError,
            match=re.escape(
                "MultiHeadAttention 'm': `attention_axes` must name distinct axes between the "
                "batch axis and the feature axis of a rank-4 input (1 to 2, or -3 to -2). "
                f"Received: attention_axes={axes!r}"
            ),
        ):
            build((2, 3, 4, 6), (2, 3, 4, 6), attention_axes=axes)
    layer = tkeras.layers.MultiHeadAttention(2, 3, name="m")
    for shapes in ([], [(2, 4, 6)] * 4, 7):
        with pytest.raises(
            ValueError,
            match=re.escape(
                "MultiHeadAttention 'm': expected the shapes [query, value] or "
                f"[query, value, key]. Received: {shapes!r}"
            ),
        ):
            layer.build_from_shape(shapes)
    with pytest.raises(ValueError, match=r"all dimensions of `value` and `key`"):
        layer.compute_output_shape((2, 4, 6), (2, 5, 6), (2, 3, 6))


def test_mha_call_errors():
    layer = tkeras.layers.MultiHeadAttention(2, 3, name="m")
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    layer(q, v)
    with pytest.raises(
        ValueError,
        match=r"MultiHeadAttention 'm': the layer was built for query "
        r"shape \(2, 4, 6\) \(rank 3, last axis 6\), but "
        r"received query.shape=\(2, 4, 5\).",
    ):
        layer(torch.randn(2, 4, 5), v)
    with pytest.raises(
        ValueError,
        match=r"built for value shape \(2, 5, 6\) \(rank 3, last axis "
        r"6\), but received value.shape=\(2, 5, 7\).",
    ):
        layer(q, torch.randn(2, 5, 7))
    with pytest.raises(
        ValueError,
        match=r"built for key shape \(2, 5, 6\) \(rank 3, last axis "
        r"6\), but received key.shape=\(2, 5, 2\).",
    ):
        layer(q, v, key=torch.randn(2, 5, 2))
    with pytest.raises(
        ValueError,
        match=r"all dimensions of `value` and `key`, except the last "
        r"one, must be equal. Received: value.shape=\(2, 5, 6\) "
        r"and key.shape=\(2, 3, 6\)",
    ):
        layer(q, v, key=torch.randn(2, 3, 6))
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "m" is incompatible with the layer: '
        r"expected ndim=3, found ndim=4",
    ):
        layer(torch.randn(2, 1, 4, 6), v)
    with pytest.raises(
        ValueError,
        match=r"built for query shape \(2, 4, 6\).*received "
        r"query.shape=\(None, 4, 5\)",
    ):
        layer(tkeras.Input((4, 5)), tkeras.Input((5, 6)))
    flash = tkeras.layers.MultiHeadAttention(2, 3, flash_attention=True, name="f")
    with pytest.raises(
        ValueError,
        match=r"MultiHeadAttention 'f': returning attention scores is "
        r"not supported when flash attention is enabled. Create "
        r"the layer with flash_attention=None to get the "
        r"scores.",
    ):
        flash(q, v, return_attention_scores=True)


def test_mha_mask_that_cannot_broadcast_is_rejected():
    # Keras cannot place a (1, T, S) causal mask on scores over two attention axes either.
    layer = tkeras.layers.MultiHeadAttention(2, 3, name="m")
    x = torch.randn(2, 3, 4, 6)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "MultiHeadAttention 'm': the combined attention mask of shape (1, 3, 3) cannot "
            "broadcast to the attention scores of shape (2, 2, 3, 4, 3, 4) (batch and head axes, "
            "then 2 query and 2 key attention axes). Pass masks whose trailing axes are the "
            "query and key attention axes."
        ),
    ):
        layer(x, x, use_causal_mask=True)
    # (B, T1, T2, S1, S2) with the key axes swapped.
    with pytest.raises(
        ValueError,
        match=re.escape(
            "the combined attention mask of shape (2, 1, 3, 4, 4, 3) cannot broadcast to the "
            "attention scores of shape (2, 2, 3, 4, 3, 4)"
        ),
    ):
        layer(x, x, attention_mask=torch.ones(2, 3, 4, 4, 3, dtype=torch.bool))
    rank3 = tkeras.layers.MultiHeadAttention(2, 3, name="m")
    q, v = torch.randn(2, 4, 6), torch.randn(2, 5, 6)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "the combined attention mask of shape (2, 1, 5, 4) cannot broadcast to the attention "
            "scores of shape (2, 2, 4, 5)"
        ),
    ):
        rank3(q, v, attention_mask=torch.ones(2, 5, 4, dtype=torch.bool))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "the combined attention mask of shape (2, 1, 1, 4) cannot broadcast to the attention "
            "scores of shape (2, 2, 4, 5)"
        ),
    ):
        rank3(q, v, value_mask=torch.ones(2, 4, dtype=torch.bool), return_attention_scores=True)


# ---------------------------------------------------------------------------- devices


@pytest.mark.gpu
@pytest.mark.parametrize(
    "kwargs, call",
    [
        ({}, {}),
        ({}, {"use_causal_mask": True, "value_mask": "seq"}),
        ({}, {"return_attention_scores": True, "attention_mask": "holes"}),
        ({"attention_axes": 2}, {}),
    ],
)
def test_mha_on_the_accelerator_matches_cpu(kwargs, call):
    device = "cuda" if torch.cuda.is_available() else "mps"
    shapes = [Q4, V4] if "attention_axes" in kwargs else [Q, V]
    case = AttentionCase(MHA, {"num_heads": 2, "key_dim": 3, **kwargs}, shapes, call=call)
    arrays, call = _inputs(case)
    call = _masks_to_torch(call)
    layer = tkeras.layers.MultiHeadAttention(**case.kwargs)
    cpu = _flat(_call(tkeras, layer, MHA, [torch.tensor(a) for a in arrays], call))
    layer.to(device)
    moved = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in call.items()}
    got = _flat(_call(tkeras, layer, MHA, [torch.tensor(a, device=device) for a in arrays], moved))
    for a, b in zip(cpu, got):
        assert b.device.type == device
        np.testing.assert_allclose(
            b.cpu().detach().numpy(), a.detach().numpy(), rtol=1e-4, atol=1e-5
        )
    fresh = tkeras.layers.MultiHeadAttention(2, 3)
    out = fresh(
        torch.randn(2, 4, 6, device=device),
        torch.randn(2, 5, 6, device=device),
        use_causal_mask=True,
        training=True,
    )
    assert out.device.type == device


def test_functional_mha_receives_the_input_masks():
    tokens_q, tokens_v = tkeras.Input((4,), dtype="int64"), tkeras.Input((5,), dtype="int64")
    embed = tkeras.layers.Embedding(10, 6, mask_zero=True)
    layer = tkeras.layers.MultiHeadAttention(2, 3)
    model = tkeras.Model([tokens_q, tokens_v], layer(embed(tokens_q), embed(tokens_v)))
    q_ids = torch.tensor([[1, 2, 0, 0], [3, 4, 5, 6]])
    v_ids = torch.tensor([[1, 2, 3, 0, 0], [1, 0, 0, 0, 0]])
    expected = layer(embed(q_ids), embed(v_ids), query_mask=q_ids != 0, value_mask=v_ids != 0)
    assert torch.allclose(model([q_ids, v_ids]), expected)


@pytest.mark.parametrize(
    "make, pattern",
    [
        (
            lambda L: L.GroupQueryAttention(2, 3, 2),
            r"`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
            r"num_query_heads=3, num_key_value_heads=2",
        ),
        (
            lambda L: L.GroupQueryAttention(2, 4, 2, sliding_window=0),
            r"`sliding_window` must be `None` or a positive integer. Received: sliding_window=0",
        ),
        (
            lambda L: L.GroupQueryAttention(2, 4, 2, dropout=0.1, flash_attention=True),
            r"dropout is not supported when flash attention is enabled",
        ),
        (
            lambda L: L.GroupQueryAttention(2, 4, 2).build_from_shape([(2, 3, 4, 5), (2, 3, 4, 5)]),
            r"`query` must be a rank-3 tensor \(batch, seq, features\)",
        ),
    ],
)
def test_group_query_attention_errors(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make(tkeras.layers)


def test_group_query_attention_files_load_both_ways(tmp_path):
    inputs = tkeras.Input((4, 6))
    layer = tkeras.layers.GroupQueryAttention(3, 4, 2, use_gate=True)
    model = tkeras.Model(inputs, layer(inputs, inputs))
    assert layer.name.startswith("grouped_query_attention")  # Keras's class name
    model.save(tmp_path / "t.keras")
    k_model = keras.saving.load_model(tmp_path / "t.keras")
    x = np.random.default_rng(0).standard_normal((2, 4, 6)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), k_model.predict(x, verbose=0), 1e-5, 1e-5
    )
    assert k_model.get_config()["layers"][1]["class_name"] == "GroupQueryAttention"
    k_model.save(tmp_path / "k.keras")
    back = tkeras.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(
        back.predict(x, verbose=0), k_model.predict(x, verbose=0), 1e-5, 1e-5
    )
