"""Recurrent layers (SimpleRNN, LSTM, GRU): parity with Keras 3 on both paths (torch's fused
kernels and the step loop), masks, stateful calls, initial states, weight gradients, dropout
semantics, initial weights, shapes and every error message."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, check_case
from tkeras.layers.rnn import base_rnn_cell

LAYERS = ("SimpleRNN", "LSTM", "GRU")
SHAPE = (3, 5, 4)  # (batch, time, features)
UNITS = 6

# One loop-forcing option per case, rotated through the crossing, so every way into the step
# loop is compared with Keras. SimpleRNN has no use_cudnn, and relu is fused for it.
_LOOP_OPTIONS = {
    "SimpleRNN": ({"activation": "elu"}, {"unroll": True}, {"activation": "softsign"}),
    "LSTM": (
        {"activation": "relu"},
        {"unroll": True},
        {"use_cudnn": False},
        {"recurrent_activation": "hard_sigmoid"},
    ),
    "GRU": (
        {"activation": "relu"},
        {"unroll": True},
        {"use_cudnn": False},
        {"recurrent_activation": "hard_sigmoid"},
    ),
}


def _crossing() -> list[Case]:
    """return_sequences x return_state x go_backwards x use_bias x path (x GRU reset_after).

    Pruned to a half fraction of the 2^5 design: the path is the parity of the four flags, so
    every pair of factors (e.g. go_backwards with the loop, use_bias with the fused kernel) still
    meets in both settings, at half the cases.
    """
    cases = []
    for layer in LAYERS:
        resets = (True, False) if layer == "GRU" else (None,)
        rotate = itertools.cycle(_LOOP_OPTIONS[layer])
        for seq, state, back, bias, reset in itertools.product(
            (False, True), (False, True), (False, True), (True, False), resets
        ):
            path = "loop" if (seq + state + back + bias) % 2 else "fused"
            kwargs = {
                "units": UNITS,
                "return_sequences": seq,
                "return_state": state,
                "go_backwards": back,
                "use_bias": bias,
            }
            if reset is not None:
                kwargs["reset_after"] = reset
            if path == "loop":
                kwargs.update(next(rotate))
            flags = "".join(c for c, on in zip("SRBb", (seq, state, back, bias)) if on)
            reset_id = "" if reset is None else f"-reset{int(reset)}"
            cases.append(
                Case(
                    layer,
                    kwargs,
                    SHAPE,
                    id=f"{layer}-{flags or 'plain'}-{path}"
                    f"{reset_id}-{'-'.join(map(str, kwargs.values()))}",
                )
            )
    return cases


def _options() -> list[Case]:
    """Non-default values of the remaining arguments (inference: dropout is off)."""
    return [
        Case(
            "SimpleRNN",
            {"units": 5, "activation": "relu", "return_sequences": True},
            SHAPE,
            id="SimpleRNN-relu-fused",
        ),
        Case(
            "SimpleRNN",
            {"units": 5, "activation": None, "return_sequences": True},
            SHAPE,
            id="SimpleRNN-linear",
        ),
        Case(
            "SimpleRNN",
            {"units": 5, "dropout": 0.3, "recurrent_dropout": 0.2, "seed": 3},
            SHAPE,
            id="SimpleRNN-dropout-inference",
        ),
        Case(
            "SimpleRNN",
            {"units": 5, "stateful": True, "return_state": True},
            SHAPE,
            id="SimpleRNN-stateful-first-call",
        ),
        Case(
            "SimpleRNN",
            {
                "units": 5,
                "kernel_initializer": "he_normal",
                "recurrent_initializer": "glorot_uniform",
                "bias_initializer": "ones",
            },
            SHAPE,
            id="SimpleRNN-initializers",
        ),
        Case(
            "LSTM",
            {
                "units": 5,
                "unit_forget_bias": False,
                "bias_initializer": "ones",
                "kernel_initializer": "he_uniform",
                "recurrent_initializer": "identity",
            },
            SHAPE,
            id="LSTM-initializers",
        ),
        Case(
            "LSTM",
            {
                "units": 5,
                "dropout": 0.3,
                "recurrent_dropout": 0.2,
                "seed": 3,
                "return_sequences": True,
            },
            SHAPE,
            id="LSTM-dropout-inference",
        ),
        Case(
            "LSTM",
            {"units": 5, "use_cudnn": True, "return_state": True},
            SHAPE,
            id="LSTM-use-cudnn-true",
        ),
        # grad=False: Keras's fused torch LSTM assigns its state variables in place after the
        # call, which breaks Keras's own backward pass (tkeras stores new tensors instead).
        Case(
            "LSTM",
            {"units": 5, "stateful": True, "return_sequences": True},
            SHAPE,
            grad=False,
            id="LSTM-stateful-first-call",
        ),
        Case("LSTM", {"units": 1}, (2, 1, 1), id="LSTM-one-step-one-unit"),
        Case(
            "GRU",
            {"units": 5, "dropout": 0.3, "recurrent_dropout": 0.2, "seed": 3, "return_state": True},
            SHAPE,
            id="GRU-dropout-inference",
        ),
        Case(
            "GRU",
            {"units": 5, "use_cudnn": True, "return_sequences": True},
            SHAPE,
            id="GRU-use-cudnn-true",
        ),
        Case(
            "GRU",
            {"units": 5, "stateful": True, "reset_after": False},
            SHAPE,
            id="GRU-stateful-reset-before",
        ),
        Case(
            "GRU",
            {
                "units": 5,
                "bias_initializer": "ones",
                "kernel_initializer": "lecun_normal",
                "recurrent_initializer": "glorot_normal",
            },
            SHAPE,
            id="GRU-initializers",
        ),
    ]


CASES = _crossing() + _options()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check_case(case)


# ---------------------------------------------------------------------------- helpers


def _pair(layer: str, shape=SHAPE, **kwargs):
    """The same layer in Keras and tkeras, built, with Keras's weights copied into tkeras."""
    k_layer = getattr(keras.layers, layer)(**kwargs)
    t_layer = getattr(tkeras.layers, layer)(**kwargs)
    k_layer.build(shape)
    t_layer.build_from_shape(shape)
    t_layer.set_weights(k_layer.get_weights())
    return k_layer, t_layer


def _np(y):
    if isinstance(y, (list, tuple)):
        return [_np(e) for e in y]
    return y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)


def _close(got, want):
    got, want = _np(got), _np(want)
    if isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _data(shape=SHAPE, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# ---------------------------------------------------------------------------- masks

_MASKS = {
    "post": [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]],
    "pre": [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 0, 0, 1]],
    "holes": [[1, 0, 1, 0, 1], [0, 1, 1, 0, 0], [0, 0, 0, 0, 0]],
}
_MASK_CONFIGS = [
    ("SimpleRNN", {}),
    ("LSTM", {}),
    ("GRU", {}),
    ("GRU", {"reset_after": False}),
]


@pytest.mark.parametrize("padding", sorted(_MASKS))
@pytest.mark.parametrize("layer,extra", _MASK_CONFIGS, ids=lambda v: str(v))
# Each of return_sequences and go_backwards in both settings (the state is always returned).
@pytest.mark.parametrize("seq,back", [(True, False), (False, True), (True, True)])
def test_mask_parity(layer, extra, padding, seq, back):
    kwargs = dict(units=UNITS, return_sequences=seq, return_state=True, go_backwards=back, **extra)
    k_layer, t_layer = _pair(layer, **kwargs)
    x = _data()
    mask = torch.tensor(_MASKS[padding], dtype=torch.bool)
    xk, xt = torch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yk = k_layer(xk, mask=mask)
    yt = t_layer(xt, mask=mask)
    _close(yt, yk)
    cot = [torch.tensor(_data(tuple(a.shape), seed=i + 1)) for i, a in enumerate(yk)]
    (gk,) = torch.autograd.grad(sum((a * c).sum() for a, c in zip(yk, cot)), xk)
    (gt,) = torch.autograd.grad(sum((b * c).sum() for b, c in zip(yt, cot)), xt)
    _close(gt, gk.detach())


@pytest.mark.parametrize("layer", LAYERS)
def test_mask_zero_output_for_mask(layer):
    k_layer, t_layer = _pair(layer, units=UNITS, return_sequences=True, zero_output_for_mask=True)
    x = torch.tensor(_data())
    mask = torch.tensor(_MASKS["holes"], dtype=torch.bool)
    yt = t_layer(x, mask=mask)
    _close(yt, k_layer(x, mask=mask))
    assert bool((yt[~mask] == 0).all()) and bool((yt[mask] != 0).all())


def test_mask_all_true_equals_no_mask_and_int_mask_is_cast():
    layer = tkeras.layers.LSTM(UNITS, return_sequences=True)
    x = torch.tensor(_data())
    ones = torch.ones(3, 5, dtype=torch.int64)
    torch.testing.assert_close(layer(x, mask=ones), layer(x), rtol=1e-5, atol=1e-5)


def test_compute_mask_matches_keras():
    mask = np.ones((3, 5), bool)
    for seq, state in itertools.product((False, True), repeat=2):
        kw = dict(units=2, return_sequences=seq, return_state=state)
        got = tkeras.layers.LSTM(**kw).compute_mask(None, mask)
        want = keras.layers.LSTM(**kw).compute_mask(None, mask)
        assert type(got) is type(want)
        if isinstance(want, list):
            assert [g is None for g in got] == [w is None for w in want]
        else:
            assert (got is None) == (want is None)


# ---------------------------------------------------------------------------- states


@pytest.mark.parametrize(
    "layer,extra",
    [
        ("SimpleRNN", {}),
        ("LSTM", {}),
        ("GRU", {}),
        ("LSTM", {"unroll": True}),
        ("GRU", {"reset_after": False}),
    ],
    ids=str,
)
def test_stateful_two_batches_and_reset(layer, extra):
    k_layer, t_layer = _pair(layer, units=UNITS, stateful=True, return_sequences=True, **extra)
    batches = [torch.tensor(_data(seed=s)) for s in range(3)]
    for x in batches[:2]:  # the second call starts from the first call's final states
        _close(t_layer(x), k_layer(x))
    _close(t_layer.states, [s.value for s in k_layer.states])
    fresh = getattr(tkeras.layers, layer)(units=UNITS, return_sequences=True, **extra)
    fresh.build_from_shape(SHAPE)
    fresh.set_weights(t_layer.get_weights())
    assert not np.allclose(t_layer(batches[2]).detach(), fresh(batches[2]).detach())
    k_layer.reset_states()
    t_layer.reset_states()
    assert all(bool((s == 0).all()) for s in t_layer.states)
    _close(t_layer(batches[2]), k_layer(batches[2]))
    t_layer.reset_state()
    _close(t_layer(batches[2]), fresh(batches[2]))


def test_stateful_backward_after_next_call():
    """A stored state feeds the next call without breaking the previous call's graph."""
    layer = tkeras.layers.LSTM(UNITS, stateful=True)
    y1 = layer(torch.tensor(_data()))
    y2 = layer(torch.tensor(_data(seed=1)))
    (y1.sum() + y2.sum()).backward()
    assert layer.kernel.grad is not None
    assert not layer.states[0].requires_grad


def test_stateful_state_from_inference_mode_is_usable_for_training():
    layer = tkeras.layers.GRU(UNITS, stateful=True)
    layer.build_from_shape(SHAPE)
    with torch.inference_mode():
        layer(torch.tensor(_data()))
    layer(torch.tensor(_data(seed=1))).sum().backward()
    assert layer.kernel.grad is not None


def test_non_stateful_layer_has_no_states():
    layer = tkeras.layers.LSTM(UNITS)
    layer(torch.tensor(_data()))
    assert layer.states is None
    layer.reset_states()  # a no-op, as in Keras
    assert layer.states is None


@pytest.mark.parametrize(
    "layer,extra",
    [
        ("SimpleRNN", {}),
        ("LSTM", {}),
        ("GRU", {}),
        ("LSTM", {"use_cudnn": False}),
        ("GRU", {"reset_after": False}),
    ],
    ids=str,
)
def test_initial_state_parity(layer, extra):
    k_layer, t_layer = _pair(layer, units=UNITS, return_state=True, return_sequences=True, **extra)
    x = torch.tensor(_data())
    count = 2 if layer == "LSTM" else 1
    states = [torch.tensor(_data((3, UNITS), seed=10 + i)) for i in range(count)]
    _close(t_layer(x, initial_state=states), k_layer(x, initial_state=states))
    if count == 1:  # a bare tensor is one state
        _close(t_layer(x, initial_state=states[0]), k_layer(x, initial_state=states))


# ---------------------------------------------------------------------------- gradients


_GRAD_CONFIGS = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"activation": "relu"}),
    ("SimpleRNN", {"unroll": True}),
    ("LSTM", {}),
    ("LSTM", {"use_cudnn": False}),
    ("LSTM", {"use_bias": False}),
    ("GRU", {}),
    ("GRU", {"use_cudnn": False}),
    ("GRU", {"reset_after": False}),
    ("GRU", {"go_backwards": True}),
]


@pytest.mark.parametrize("layer,extra", _GRAD_CONFIGS, ids=str)
def test_weight_gradients_match_keras(layer, extra):
    """One Keras bias gets the same gradient as tkeras's (frozen zero second bias)."""
    k_layer, t_layer = _pair(layer, units=UNITS, return_sequences=True, **extra)
    x = torch.tensor(_data())
    cot = torch.tensor(_data((3, 5, UNITS), seed=5))
    (k_layer(x, training=True) * cot).sum().backward()
    (t_layer(x, training=True) * cot).sum().backward()
    assert len(k_layer.weights) == len(t_layer.weights)
    for kv, tv in zip(k_layer.weights, t_layer.weights):
        want = kv.value.grad.numpy()
        got = tv.grad.numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=tv.name)
    assert all(not b.requires_grad for b in t_layer.buffers())


# ---------------------------------------------------------------------------- dropout


def _keras_order(layer: str, masks: list[np.ndarray]) -> list[np.ndarray]:
    """Per-gate masks in tkeras's (torch) gate order -> Keras's gate order."""
    return [masks[i] for i in (1, 0, 2)] if layer == "GRU" else masks


_DROPOUT_CONFIGS = [
    ("SimpleRNN", {"dropout": 0.5}),  # fused path with the input mask
    ("SimpleRNN", {"dropout": 0.4, "recurrent_dropout": 0.3}),
    ("LSTM", {"dropout": 0.5}),  # fused path, one input mask
    ("LSTM", {"dropout": 0.4, "recurrent_dropout": 0.3}),  # per-gate masks
    ("LSTM", {"recurrent_dropout": 0.3, "go_backwards": True}),
    ("LSTM", {"dropout": 0.4, "implementation": 1, "use_cudnn": False}),
    ("GRU", {"dropout": 0.5}),
    ("GRU", {"dropout": 0.4, "recurrent_dropout": 0.3}),
    ("GRU", {"dropout": 0.4, "recurrent_dropout": 0.3, "reset_after": False}),
    ("GRU", {"dropout": 0.5, "reset_after": False}),
]


@pytest.mark.parametrize("layer,extra", _DROPOUT_CONFIGS, ids=str)
def test_dropout_training_parity_with_injected_masks(layer, extra):
    """Given the same masks, training outputs and gradients equal Keras's exactly: the masks
    are applied where Keras applies them (inputs and/or recurrent state, per gate or shared)."""
    k_layer, t_layer = _pair(layer, units=UNITS, return_sequences=True, **extra)
    rng = np.random.default_rng(3)
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[layer]
    per_gate = layer != "SimpleRNN" and (
        extra.get("recurrent_dropout", 0) > 0 or extra.get("implementation") == 1
    )

    def draw(rate, n):
        shape = (gates, SHAPE[0], n) if per_gate else (SHAPE[0], n)
        return (rng.random(shape) >= rate).astype("float32") / (1 - rate)

    in_mask = draw(extra["dropout"], SHAPE[2]) if extra.get("dropout") else None
    rec_mask = draw(extra["recurrent_dropout"], UNITS) if extra.get("recurrent_dropout") else None

    def keras_masks(m):
        if m is None or not per_gate:
            return None if m is None else torch.tensor(m)
        return [torch.tensor(g) for g in _keras_order(layer, list(m))]

    k_layer.cell._dropout_mask = keras_masks(in_mask)
    k_layer.cell._recurrent_dropout_mask = keras_masks(rec_mask)
    t_layer.cell._dropout_masks = lambda x: tuple(
        None if m is None else torch.tensor(m) for m in (in_mask, rec_mask)
    )
    x = torch.tensor(_data())
    yk = k_layer(x, training=True)
    yt = t_layer(x, training=True)
    _close(yt, yk)
    yk.sum().backward()
    yt.sum().backward()
    for kv, tv in zip(k_layer.weights, t_layer.weights):
        np.testing.assert_allclose(tv.grad.numpy(), kv.value.grad.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("layer", LAYERS)
def test_dropout_is_off_at_inference(layer):
    drop = getattr(tkeras.layers, layer)(
        UNITS, dropout=0.5, recurrent_dropout=0.5, return_sequences=True
    )
    plain = getattr(tkeras.layers, layer)(UNITS, return_sequences=True)
    x = torch.tensor(_data())
    drop(x)
    plain(x)
    plain.set_weights(drop.get_weights())
    torch.testing.assert_close(drop(x), plain(x))
    torch.testing.assert_close(drop(x, training=False), plain(x))
    assert not torch.allclose(drop(x, training=True), plain(x))
    drop.train()
    assert not torch.allclose(drop(x), plain(x))


@pytest.mark.parametrize("activation", ["relu", None])  # relu: fused path; linear: loop
def test_input_dropout_mask_is_reused_at_every_timestep(activation):
    """With an identity kernel and no recurrence the output is the input mask itself: the same
    {0, 1/(1-rate)} mask at every timestep of a sequence, different across the batch."""
    layer = tkeras.layers.SimpleRNN(
        64,
        activation=activation,
        use_bias=False,
        dropout=0.5,
        return_sequences=True,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
    )
    y = layer(torch.ones(8, 7, 64), training=True)
    assert torch.equal(y, y[:, :1].expand_as(y))
    assert set(torch.unique(y).tolist()) == {0.0, 2.0}
    assert not torch.equal(y[0, 0], y[1, 0])
    assert abs(float((y == 0).float().mean()) - 0.5) < 0.1


@pytest.mark.parametrize(
    "layer,extra,shapes",
    [
        ("SimpleRNN", {"dropout": 0.3, "recurrent_dropout": 0.2}, [(3, 4), (3, 6)]),
        ("LSTM", {"dropout": 0.3}, [(3, 4)]),
        ("LSTM", {"dropout": 0.3, "recurrent_dropout": 0.2}, [(4, 3, 4), (4, 3, 6)]),
        ("GRU", {"recurrent_dropout": 0.2}, [(3, 3, 6)]),
    ],
    ids=str,
)
def test_one_dropout_mask_per_sequence(layer, extra, shapes, monkeypatch):
    """Masks are drawn once per call (not per step), with Keras's count and shapes."""
    drawn = []
    original = base_rnn_cell._BaseRNNCell._draw_mask

    def spy(self, shape, rate, like):
        drawn.append(tuple(shape))
        return original(self, shape, rate, like)

    monkeypatch.setattr(base_rnn_cell._BaseRNNCell, "_draw_mask", spy)
    t_layer = getattr(tkeras.layers, layer)(UNITS, **extra)
    t_layer(torch.tensor(_data()), training=True)
    assert drawn == shapes


def test_dropout_mask_values_and_rate():
    layer = tkeras.layers.LSTM(UNITS, dropout=0.25, recurrent_dropout=0.5)
    layer.build_from_shape((4000, 5, 8))
    in_mask, rec_mask = layer.cell._dropout_masks(torch.zeros(4000, 5, 8))
    for mask, rate in ((in_mask, 0.25), (rec_mask, 0.5)):
        assert set(torch.unique(mask).tolist()) == {0.0, float(np.float32(1 / (1 - rate)))}
        assert abs(float((mask == 0).float().mean()) - rate) < 0.01


def test_seed_makes_dropout_reproducible():
    x = torch.tensor(_data())

    def run(seed):
        layer = tkeras.layers.GRU(
            UNITS,
            dropout=0.5,
            recurrent_dropout=0.5,
            seed=seed,
            kernel_initializer="ones",
            recurrent_initializer="identity",
        )
        return layer(x, training=True)

    torch.testing.assert_close(run(1), run(1))
    assert not torch.allclose(run(1), run(2))


# ---------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    "layer,kwargs,call,loop",
    [
        ("LSTM", {}, {}, False),
        ("LSTM", {"use_cudnn": False}, {}, True),
        ("LSTM", {"unroll": True}, {}, True),
        ("LSTM", {"activation": "relu"}, {}, True),
        ("LSTM", {}, {"mask": torch.ones(3, 5, dtype=torch.bool)}, True),
        ("LSTM", {"recurrent_dropout": 0.3}, {}, False),  # inference: no dropout, fused
        ("LSTM", {"recurrent_dropout": 0.3}, {"training": True}, True),
        ("LSTM", {"dropout": 0.3}, {"training": True}, False),
        ("GRU", {}, {}, False),
        ("GRU", {"reset_after": False}, {}, True),
        ("SimpleRNN", {"activation": "relu"}, {}, False),
        ("SimpleRNN", {"activation": "sigmoid"}, {}, True),
    ],
    ids=str,
)
def test_path_choice(layer, kwargs, call, loop, monkeypatch):
    runs = []
    original = base_rnn_cell._steps.run
    monkeypatch.setattr(base_rnn_cell._steps, "run", lambda *a: runs.append(1) or original(*a))
    getattr(tkeras.layers, layer)(UNITS, **kwargs)(torch.tensor(_data()), **call)
    assert bool(runs) == loop


# ---------------------------------------------------------------------------- weights


@pytest.mark.parametrize(
    "layer,extra",
    [
        ("SimpleRNN", {}),
        ("SimpleRNN", {"use_bias": False}),
        ("LSTM", {}),
        ("LSTM", {"use_bias": False}),
        ("GRU", {}),
        ("GRU", {"reset_after": False}),
        ("GRU", {"use_bias": False}),
    ],
    ids=str,
)
def test_weights_match_keras(layer, extra):
    k_layer, t_layer = _pair(layer, units=UNITS, **extra)
    assert [(w.name, tuple(w.shape)) for w in k_layer.weights] == [
        (w.name, tuple(w.keras_shape)) for w in t_layer.weights
    ]
    assert [w.path for w in k_layer.weights] == [
        w.path.replace(t_layer.name, k_layer.name, 1) for w in t_layer.weights
    ]
    assert t_layer.count_params() == k_layer.count_params()
    assert len(t_layer.trainable_weights) == len(k_layer.trainable_weights)
    assert t_layer.non_trainable_weights == []
    for got, want in zip(t_layer.get_weights(), k_layer.get_weights()):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(t_layer.weights, k_layer.weights):  # Keras's shapes and values
        assert tuple(got.shape) == tuple(want.shape)
        np.testing.assert_array_equal(got.numpy(), keras.ops.convert_to_numpy(want.value))
    assert "cell._zero_recurrent_bias" not in t_layer.state_dict()


def test_gru_op_weights_are_torch_order():
    """Keras GRU gates [z, r, h] reach torch's kernel as [r, z, n] rows; bias rows are b_ih and
    b_hh; the Variables keep Keras's shapes and values."""
    layer = tkeras.layers.GRU(2)
    layer.build_from_shape((1, 1, 3))
    kernel = np.arange(3 * 6, dtype="float32").reshape(3, 6)
    bias = np.arange(12, dtype="float32").reshape(2, 6)
    layer.set_weights([kernel, np.zeros((2, 6), "float32"), bias])
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    w_ih, _, b_ih, b_hh = layer.cell._torch_weights()
    z, r, h = kernel[:, :2].T, kernel[:, 2:4].T, kernel[:, 4:].T
    np.testing.assert_array_equal(w_ih.detach().numpy(), np.concatenate([r, z, h]))
    np.testing.assert_array_equal(b_ih.detach().numpy(), bias[0, [2, 3, 0, 1, 4, 5]])
    np.testing.assert_array_equal(b_hh.detach().numpy(), bias[1, [2, 3, 0, 1, 4, 5]])


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({}, [0] * 4 + [1] * 4 + [0] * 8),
        ({"unit_forget_bias": False}, [0] * 16),
        ({"bias_initializer": "ones"}, [1] * 16),
        (
            {"bias_initializer": {"class_name": "Constant", "config": {"value": 0.5}}},
            [0.5] * 4 + [1] * 4 + [0.5] * 8,
        ),
        ({"bias_initializer": "ones", "unit_forget_bias": False}, [1] * 16),
    ],
    ids=str,
)
def test_unit_forget_bias(kwargs, expected):
    layer = tkeras.layers.LSTM(4, **kwargs)
    layer.build_from_shape((2, 3, 5))
    k_layer = keras.layers.LSTM(4, **kwargs)
    k_layer.build((2, 3, 5))
    np.testing.assert_array_equal(layer.get_weights()[2], np.array(expected, "float32"))
    np.testing.assert_array_equal(layer.get_weights()[2], k_layer.get_weights()[2])


@pytest.mark.parametrize("layer", LAYERS)
def test_default_initializers(layer):
    t_layer = getattr(tkeras.layers, layer)(UNITS)
    t_layer.build_from_shape((2, 3, 5))
    kernel, recurrent, bias = t_layer.get_weights()
    gates = kernel.shape[1] // UNITS
    # glorot_uniform: |w| <= sqrt(6 / (fan_in + fan_out)) over the Keras (in, G*u) shape.
    limit = np.sqrt(6 / (5 + gates * UNITS))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > limit / 2
    # orthogonal over Keras's (u, G*u): orthonormal rows.
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(UNITS), atol=1e-5)
    if layer != "LSTM":
        assert not bias.any()


def test_kernel_initializers_are_used():
    layer = tkeras.layers.GRU(
        3, kernel_initializer="ones", recurrent_initializer="zeros", bias_initializer="ones"
    )
    layer.build_from_shape((1, 2, 4))
    kernel, recurrent, bias = layer.get_weights()
    assert (kernel == 1).all() and (recurrent == 0).all() and (bias == 1).all()
    assert bias.shape == (2, 9)


# ---------------------------------------------------------------------------- shapes, config


@pytest.mark.parametrize("layer", LAYERS)
def test_compute_output_shape_matches_keras(layer):
    for seq, state in itertools.product((False, True), repeat=2):
        kw = dict(units=UNITS, return_sequences=seq, return_state=state)
        for shape in ((3, 5, 4), (None, None, 4)):
            got = getattr(tkeras.layers, layer)(**kw).compute_output_shape(shape)
            want = getattr(keras.layers, layer)(**kw).compute_output_shape(shape)
            assert got == want


def test_symbolic_call_and_shape_inference_leave_states_alone():
    layer = tkeras.layers.LSTM(UNITS, stateful=True, return_state=True, return_sequences=True)
    layer(torch.tensor(_data()))
    before = [s.clone() for s in layer.states]
    outs = layer(tkeras.Input(batch_shape=SHAPE))
    assert [o.shape for o in outs] == [(3, 5, UNITS), (3, UNITS), (3, UNITS)]
    assert layer.compute_output_shape(SHAPE)[0] == (3, 5, UNITS)
    for a, b in zip(before, layer.states):
        assert torch.equal(a, b)


def test_input_spec_and_symbolic_output():
    y = tkeras.layers.GRU(UNITS)(tkeras.Input((None, 4)))
    assert y.shape == (None, UNITS)


def test_get_config_round_trip():
    layer = tkeras.layers.GRU(
        5, reset_after=False, dropout=0.1, go_backwards=True, zero_output_for_mask=True, name="g"
    )
    config = layer.get_config()
    assert config["reset_after"] is False and config["zero_output_for_mask"] is True
    clone = tkeras.layers.GRU.from_config(config)
    assert clone.get_config() == config
    assert clone.reset_after is False and clone.zero_output_for_mask is True


def test_signatures_match_keras():
    import inspect

    for layer in LAYERS:
        want = inspect.signature(getattr(keras.layers, layer).__init__)
        got = inspect.signature(getattr(tkeras.layers, layer).__init__)
        assert [(p.name, p.default) for p in got.parameters.values()] == [
            (p.name, p.default) for p in want.parameters.values()
        ]


@pytest.mark.parametrize(
    "layer,extra",
    [("SimpleRNN", {}), ("LSTM", {}), ("GRU", {}), ("GRU", {"use_cudnn": False})],
    ids=str,
)
def test_functional_call_substitutes_parameters(layer, extra):
    """Parameters are read at call time (both paths), so torch.func.functional_call works."""
    t_layer = getattr(tkeras.layers, layer)(UNITS, bias_initializer="ones", **extra)
    x = torch.tensor(_data())
    assert t_layer(x).abs().min() > 0
    zeros = {name: torch.zeros_like(p) for name, p in t_layer.named_parameters()}
    y = torch.func.functional_call(t_layer, zeros, (x,))
    assert torch.equal(y, torch.zeros_like(y))  # every formula gives h = 0 for zero weights


def test_state_dict_holds_the_cell_variables_in_keras_shapes():
    layer = tkeras.layers.LSTM(UNITS, stateful=True)
    layer(torch.tensor(_data()))
    state = layer.state_dict()
    assert list(state) == ["cell.kernel", "cell.recurrent_kernel", "cell.bias"]
    assert tuple(state["cell.kernel"].shape) == (SHAPE[2], 4 * UNITS)  # Keras's (in, 4u)
    # The kernel is a transposed view of torch's contiguous (4u, in) weight.
    assert state["cell.kernel"].t().is_contiguous()


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize(
    "kwargs,match",
    [
        (
            {"units": 0},
            # The cell validates its arguments (as Keras's cells do).
            r"(SimpleRNN|LSTM|GRU)Cell '\w+_cell': received an invalid value for argument "
            r"`units`, expected a positive integer, got units=0",
        ),
        ({"units": 2.5}, r"`units`, expected a positive integer, got units=2.5"),
        (
            {"units": 2, "dropout": 1.0},
            r"`dropout`. Expected a float value in \[0, 1\). "
            r"Received: dropout=1.0",
        ),
        ({"units": 2, "recurrent_dropout": -0.1}, r"Received: recurrent_dropout=-0.1"),
        ({"units": 2, "seed": "x"}, r"`seed` must be an int or None. Received: seed='x'"),
    ],
    ids=str,
)
def test_constructor_errors(layer, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(tkeras.layers, layer)(**kwargs)


@pytest.mark.parametrize("layer", ["LSTM", "GRU"])
def test_use_cudnn_errors(layer):
    cls = getattr(tkeras.layers, layer)
    with pytest.raises(
        ValueError,
        match=r"argument `use_cudnn`. Expected one of 'auto', True, "
        r"False. Received: use_cudnn='yes'",
    ):
        cls(2, use_cudnn="yes")
    with pytest.raises(
        ValueError,
        match=r"use_cudnn=True was specified, but the fused \(cuDNN\)"
        r" kernel does not support recurrent_dropout=0.2",
    ):
        cls(2, use_cudnn=True, recurrent_dropout=0.2)
    layer_obj = cls(2, use_cudnn=True, name="strict")
    x = torch.tensor(_data())
    with pytest.raises(
        ValueError,
        match=r"'strict': use_cudnn=True was specified, but the fused "
        r"\(cuDNN\) kernel does not support a `mask`",
    ):
        layer_obj(x, mask=torch.ones(3, 5, dtype=torch.bool))
    with pytest.raises(
        ValueError,
        match=r"argument `implementation`. Expected 1 or 2. "
        r"Received: implementation=3",
    ):
        cls(2, implementation=3)


def test_gru_reset_before_use_cudnn_error():
    with pytest.raises(ValueError, match=r"does not support reset_after=False"):
        tkeras.layers.GRU(2, reset_after=False, use_cudnn=True)


def test_simple_rnn_rejects_lstm_only_arguments():
    with pytest.raises(
        ValueError,
        match=r"Unrecognized keyword arguments passed to SimpleRNN: "
        r"\{'use_cudnn': False\}",
    ):
        tkeras.layers.SimpleRNN(2, use_cudnn=False)
    with pytest.raises(
        ValueError,
        match=r"Unrecognized keyword arguments passed to SimpleRNN: "
        r"\{'implementation': 1\}",
    ):
        tkeras.layers.SimpleRNN(2, implementation=1)


@pytest.mark.parametrize("layer", LAYERS)
def test_input_rank_and_size_errors(layer):
    t_layer = getattr(tkeras.layers, layer)(2, name="rnn_x")
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "rnn_x" is incompatible with the '
        r"layer: expected ndim=3, found ndim=2. Full shape "
        r"received: \(3, 4\). Recurrent layers take",
    ):
        t_layer(torch.ones(3, 4))
    t_layer(torch.ones(3, 5, 4))
    with pytest.raises(ValueError, match=r"expected ndim=3, found ndim=4"):
        t_layer(torch.ones(3, 5, 4, 1))
    with pytest.raises(
        ValueError,
        match=r"expected axis -1 of input shape to have value 4, but "
        r"received input with shape \(3, 5, 7\)",
    ):
        t_layer(torch.ones(3, 5, 7))


def test_unknown_feature_size_error():
    with pytest.raises(
        ValueError,
        match=r'Layer "lstm_cell": the last axis of the input shape must be known to '
        r"build a LSTMCell layer. Received: input_shape=\(2, None\)",
    ):
        tkeras.layers.LSTM(2).build_from_shape((2, 5, None))


@pytest.mark.parametrize("layer", LAYERS)
def test_stateful_errors(layer):
    with pytest.raises(
        ValueError,
        match=r"When using `stateful=True` in a RNN, the batch size "
        r"must be static. Found dynamic batch size: "
        r"sequence.shape=\(None, 5, 4\)",
    ):
        getattr(tkeras.layers, layer)(2, stateful=True)(tkeras.Input((5, 4)))
    t_layer = getattr(tkeras.layers, layer)(2, stateful=True, name="st")
    t_layer(torch.ones(3, 5, 4))
    with pytest.raises(
        ValueError,
        match=r"If an RNN is stateful, the batch size of the input "
        r"sequences must be the same as the batch size of the "
        r"initial state. Layer 'st':\n- Expected batch size: 3"
        r"\n- Received batch size: 2",
    ):
        t_layer(torch.ones(2, 5, 4))


def test_call_argument_errors():
    layer = tkeras.layers.LSTM(2, name="l")
    x = torch.ones(3, 5, 4)
    with pytest.raises(
        ValueError,
        match=r"LSTM 'l' expects `initial_state` to be a list of 2 "
        r"tensor\(s\) of shape \(3, 2\), \(3, 2\) \(batch, \*state size\); received 1\.",
    ):
        layer(x, initial_state=[torch.zeros(3, 2)])
    with pytest.raises(
        ValueError,
        match=r"LSTM 'l': each `initial_state` tensor must have shape "
        r"\(3, 2\) \(batch, \*state size\); received shape \(1, 2\)",
    ):
        layer(x, initial_state=[torch.zeros(1, 2), torch.zeros(3, 2)])
    with pytest.raises(
        ValueError,
        match=r"LSTM 'l': `mask` must have shape \(batch, timesteps\) "
        r"= \(3, 5\); received shape \(3, 5, 1\)",
    ):
        layer(x, mask=torch.ones(3, 5, 1, dtype=torch.bool))
