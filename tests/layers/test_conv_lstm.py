"""ConvLSTM1D/2D/3D: parity with Keras 3 (outputs and input gradients) for every argument, masks,
dropout in training (with the same masks injected into both), stateful calls, initial states,
weights, shapes, the batched input convolution, and every error message."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tkeras
from tests.parity import Case, check_case

LAYERS = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
# (batch, time, *spatial, channels) per rank, channels_last; kept small for the CPU.
SHAPES = {1: (2, 3, 7, 2), 2: (2, 3, 6, 5, 2), 3: (2, 2, 4, 3, 4, 2)}
FILTERS = 3


def _shape(rank: int, channels_first: bool = False) -> tuple[int, ...]:
    shape = SHAPES[rank]
    if channels_first:
        return (*shape[:2], shape[-1], *shape[2:-1])
    return shape


def _cases() -> list[Case]:
    cases = []
    for rank, layer in enumerate(LAYERS, start=1):
        base = {"filters": FILTERS, "kernel_size": 3 if rank < 3 else 2}
        configs = [
            ("default", {}, False),
            ("seq-state", {"return_sequences": True, "return_state": True}, False),
            ("backwards-seq", {"go_backwards": True, "return_sequences": True}, False),
            ("same-strides2", {"padding": "same", "strides": 2, "return_state": True}, False),
            ("valid-strides2", {"strides": 2, "return_sequences": True}, False),
            (
                "channels-first-same-dilated",
                {
                    "data_format": "channels_first",
                    "padding": "same",
                    "dilation_rate": 2,
                    "return_sequences": True,
                },
                True,
            ),
            (
                "channels-first-strides2-state",
                {"data_format": "channels_first", "strides": 2, "return_state": True},
                True,
            ),
            (
                "no-bias-activations",
                {
                    "use_bias": False,
                    "activation": "relu",
                    "recurrent_activation": "hard_sigmoid",
                    "return_sequences": True,
                },
                False,
            ),
            # Initializers and dropout have no effect on a parity run (weights are copied, and
            # dropout is off in inference); they are tested separately below.
            (
                "initializers-dropout-seed-stateful",
                {
                    "kernel_initializer": "he_normal",
                    "recurrent_initializer": "glorot_uniform",
                    "bias_initializer": "ones",
                    "unit_forget_bias": False,
                    "dropout": 0.2,
                    "recurrent_dropout": 0.3,
                    "seed": 7,
                    "stateful": True,
                    "activation": "softsign",
                },
                False,
            ),
            (
                "even-kernel-unroll",
                {"kernel_size": 2, "padding": "same", "unroll": True, "return_sequences": True},
                False,
            ),
        ]
        if rank > 1:
            configs.append(
                ("tuple-kernel", {"kernel_size": (3, 2) + (2,) * (rank - 2)}, False),
            )
        for cid, extra, channels_first in configs:
            kwargs = {**base, **extra}
            cases.append(Case(layer, kwargs, _shape(rank, channels_first), id=f"{layer}-{cid}"))
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check_case(case)


# ---------------------------------------------------------------- helpers


def _pair(layer: str, kwargs: dict, shape: tuple) -> tuple:
    """Both layers built on ``shape``, Keras's weights copied into tkeras."""
    k_layer = getattr(keras.layers, layer)(**kwargs)
    t_layer = getattr(tkeras.layers, layer)(**kwargs)
    k_layer.build(shape)
    t_layer.build_from_shape(shape)
    t_layer.set_weights(k_layer.get_weights())
    return k_layer, t_layer


def _np(y):
    if isinstance(y, (list, tuple)):
        return [_np(t) for t in y]
    return keras.ops.convert_to_numpy(y) if not isinstance(y, np.ndarray) else y


def _close(yt, yk) -> None:
    yt = yt if isinstance(yt, (list, tuple)) else [yt]
    yk = yk if isinstance(yk, (list, tuple)) else [yk]
    assert len(yt) == len(yk)
    for a, b in zip(yt, yk):
        b = keras.ops.convert_to_numpy(b)
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b, rtol=1e-5, atol=1e-5)


def _x(shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# ---------------------------------------------------------------- masks and initial states

MASK = np.array([[True, True, False, True], [True, False, False, True]])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"return_sequences": True},
        {"return_sequences": True, "go_backwards": True, "return_state": True},
        {"zero_output_for_mask": True, "return_sequences": True},
        {"return_state": True, "data_format": "channels_first"},
    ],
    ids=["seq", "backwards-state", "zero-output", "last-channels-first"],
)
def test_mask_parity(kwargs):
    shape = (2, 4, 2, 5) if kwargs.get("data_format") == "channels_first" else (2, 4, 5, 2)
    k_layer, t_layer = _pair("ConvLSTM1D", {"filters": 3, "kernel_size": 2, **kwargs}, shape)
    x = _x(shape)
    xk, xt = torch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yk = k_layer(xk, mask=torch.tensor(MASK))
    yt = t_layer(xt, mask=torch.tensor(MASK))
    _close(yt, yk)
    yk0 = yk[0] if isinstance(yk, tuple) else yk
    yt0 = yt[0] if isinstance(yt, tuple) else yt
    (gk,) = torch.autograd.grad(yk0.sum(), xk)
    (gt,) = torch.autograd.grad(yt0.sum(), xt)
    np.testing.assert_allclose(gt.numpy(), gk.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_unroll_with_mask_and_go_backwards_matches_the_loop():
    # Keras's torch backend fails on this combination; tkeras gives the loop's numbers.
    shape = (2, 4, 5, 2)
    kwargs = {"filters": 3, "kernel_size": 2, "go_backwards": True, "return_sequences": True}
    k_layer, t_layer = _pair("ConvLSTM1D", {**kwargs, "unroll": True}, shape)
    k_loop = keras.layers.ConvLSTM1D(**kwargs)
    k_loop.build(shape)
    k_loop.set_weights(k_layer.get_weights())
    x = torch.tensor(_x(shape))
    _close(t_layer(x, mask=torch.tensor(MASK)), k_loop(x, mask=torch.tensor(MASK)))


def test_mask_compute_mask():
    layer = tkeras.layers.ConvLSTM1D(3, 2, return_sequences=True, return_state=True)
    mask = torch.tensor(MASK)
    out_mask = layer.compute_mask(None, mask)
    assert out_mask[0] is mask and out_mask[1:] == [None, None]
    assert tkeras.layers.ConvLSTM1D(3, 2).compute_mask(None, mask) is None
    assert layer.supports_masking


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_initial_state_parity(data_format):
    channels_first = data_format == "channels_first"
    shape = _shape(2, channels_first)
    kwargs = {
        "filters": 3,
        "kernel_size": 3,
        "padding": "same",
        "data_format": data_format,
        "return_state": True,
    }
    k_layer, t_layer = _pair("ConvLSTM2D", kwargs, shape)
    state_shape = (2, 3, 6, 5) if channels_first else (2, 6, 5, 3)
    h0, c0 = _x(state_shape, 1), _x(state_shape, 2)
    x = torch.tensor(_x(shape))
    yk = k_layer(x, initial_state=[torch.tensor(h0), torch.tensor(c0)])
    yt = t_layer(x, initial_state=[torch.tensor(h0), torch.tensor(c0)])
    _close(yt, yk)


# ---------------------------------------------------------------- dropout in training


def _fixed_masks(shape: tuple, rate: float, seed: int) -> torch.Tensor:
    keep = 1.0 - rate
    rng = np.random.default_rng(seed)
    return torch.tensor((rng.random(shape) < keep).astype("float32") / keep)


@pytest.mark.parametrize(
    "layer, data_format, dropout, recurrent_dropout",
    [
        ("ConvLSTM2D", "channels_last", 0.3, 0.4),
        ("ConvLSTM2D", "channels_first", 0.3, 0.4),
        ("ConvLSTM1D", "channels_last", 0.5, 0.0),
        ("ConvLSTM1D", "channels_first", 0.0, 0.5),
    ],
)
def test_dropout_training_parity_with_the_same_masks(
    layer, data_format, dropout, recurrent_dropout, monkeypatch
):
    """Keras's dropout (one mask per gate per sequence, on inputs and recurrent state), with
    the same masks given to both libraries."""
    rank = 1 if layer == "ConvLSTM1D" else 2
    channels_first = data_format == "channels_first"
    shape = _shape(rank, channels_first)
    kwargs = {
        "filters": 3,
        "kernel_size": 3,
        "padding": "same",
        "data_format": data_format,
        "dropout": dropout,
        "recurrent_dropout": recurrent_dropout,
        "return_sequences": True,
    }
    k_layer, t_layer = _pair(layer, kwargs, shape)
    step = shape[2:]
    state = (3, *step[1:]) if channels_first else (*step[:-1], 3)
    in_masks = _fixed_masks((4, shape[0], *step), dropout, 1) if dropout else None
    rec_masks = _fixed_masks((4, shape[0], *state), recurrent_dropout, 2)
    rec_masks = rec_masks if recurrent_dropout else None
    monkeypatch.setattr(t_layer.cell, "_dropout_masks", lambda inputs: (in_masks, rec_masks))
    cell = k_layer.cell
    k_in = None if in_masks is None else list(in_masks.unbind(0))
    k_rec = None if rec_masks is None else list(rec_masks.unbind(0))
    monkeypatch.setattr(cell, "get_dropout_mask", lambda x: k_in)
    monkeypatch.setattr(cell, "get_recurrent_dropout_mask", lambda h: k_rec)
    x = _x(shape)
    xk, xt = torch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yk = k_layer(xk, training=True)
    yt = t_layer(xt, training=True)
    _close(yt, yk)
    cot = torch.tensor(_x(tuple(yt.shape), 3))
    (gk,) = torch.autograd.grad((yk * cot).sum(), xk)
    (gt,) = torch.autograd.grad((yt * cot).sum(), xt)
    np.testing.assert_allclose(gt.numpy(), gk.detach().numpy(), rtol=1e-5, atol=1e-5)
    # In inference the same layer ignores dropout: Keras's numbers without masks.
    _close(t_layer(torch.tensor(x)), k_layer(torch.tensor(x)))


def test_dropout_masks_are_per_gate_per_sequence_and_seeded():
    layer = tkeras.layers.ConvLSTM2D(3, 3, dropout=0.5, recurrent_dropout=0.25, seed=3)
    x = torch.ones(2, 3, 6, 5, 2)
    layer.build_from_shape(x.shape)
    in_mask, rec_mask = layer.cell._dropout_masks(x)
    assert tuple(in_mask.shape) == (4, 2, 6, 5, 2)  # one per gate, shaped like one timestep
    assert tuple(rec_mask.shape) == (4, 2, 4, 3, 3)  # like one state
    assert set(in_mask.unique().tolist()) == {0.0, 2.0}
    assert set(rec_mask.unique().tolist()) == {0.0, np.float32(4.0 / 3.0).item()}
    assert not torch.equal(in_mask[0], in_mask[1])
    # training changes the output; the same seed gives the same masks in a fresh layer
    twin = tkeras.layers.ConvLSTM2D(3, 3, dropout=0.5, recurrent_dropout=0.25, seed=3)
    twin.build_from_shape(x.shape)
    twin.set_weights(layer.get_weights())
    layer.cell._generators.clear()
    y1, y2 = layer(x, training=True), twin(x, training=True)
    torch.testing.assert_close(y1, y2)
    assert not torch.allclose(y1, layer(x))


# ---------------------------------------------------------------- stateful


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_stateful_two_batches_and_reset(data_format):
    channels_first = data_format == "channels_first"
    shape = _shape(2, channels_first)
    kwargs = {
        "filters": 3,
        "kernel_size": 3,
        "stateful": True,
        "data_format": data_format,
        "return_state": True,
    }
    k_layer, t_layer = _pair("ConvLSTM2D", kwargs, shape)
    x1, x2 = torch.tensor(_x(shape, 1)), torch.tensor(_x(shape, 2))
    _close(t_layer(x1), k_layer(x1))
    second_t, second_k = t_layer(x2), k_layer(x2)
    _close(second_t, second_k)
    _close(t_layer.states, [v.value for v in k_layer.states])
    t_layer.reset_states()
    k_layer.reset_states()
    assert all(float(s.abs().sum()) == 0 for s in t_layer.states)
    _close(t_layer(x2), k_layer(x2))
    # after a reset, the second batch gives the first-call numbers again, not second_t's
    assert not torch.allclose(t_layer.states[0], second_t[1])


def test_stateful_state_trains_after_an_inference_call():
    layer = tkeras.layers.ConvLSTM1D(3, 2, stateful=True)
    x = torch.randn(2, 3, 5, 2)
    with torch.inference_mode():
        layer(x)
    layer(x).sum().backward()
    assert layer.kernel.grad is not None


# ---------------------------------------------------------------- weights, shapes, config


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("use_bias", [True, False])
def test_weights_match_keras(layer, use_bias):
    rank = LAYERS.index(layer) + 1
    shape = SHAPES[rank]
    kwargs = {"filters": 3, "kernel_size": 2, "use_bias": use_bias}
    k_layer = getattr(keras.layers, layer)(**kwargs)
    t_layer = getattr(tkeras.layers, layer)(**kwargs)
    k_layer.build(shape)
    t_layer.build_from_shape(shape)
    assert [w.name for w in t_layer.weights] == [w.name for w in k_layer.weights]
    assert [w.path for w in t_layer.weights] == [
        w.path.replace(k_layer.name, t_layer.name, 1) for w in k_layer.weights
    ]
    assert [tuple(w.shape) for w in t_layer.get_weights()] == [
        tuple(w.shape) for w in k_layer.get_weights()
    ]
    assert t_layer.count_params() == k_layer.count_params()
    assert len(t_layer.trainable_weights) == len(k_layer.trainable_weights)


@pytest.mark.parametrize("unit_forget_bias", [True, False])
def test_initial_weights_match_keras(unit_forget_bias):
    kwargs = {
        "filters": 3,
        "kernel_size": 2,
        "kernel_initializer": "ones",
        "recurrent_initializer": keras.initializers.Constant(0.5),
        "bias_initializer": "ones" if not unit_forget_bias else "zeros",
        "unit_forget_bias": unit_forget_bias,
    }
    t_kwargs = {**kwargs, "recurrent_initializer": tkeras.initializers.Constant(0.5)}
    k_layer = keras.layers.ConvLSTM1D(**kwargs)
    t_layer = tkeras.layers.ConvLSTM1D(**t_kwargs)
    k_layer.build((2, 3, 5, 2))
    t_layer.build_from_shape((2, 3, 5, 2))
    for a, b in zip(t_layer.get_weights(), k_layer.get_weights()):
        np.testing.assert_array_equal(a, keras.ops.convert_to_numpy(b))
    bias = t_layer.get_weights()[2]
    expected = np.ones(12) if not unit_forget_bias else np.r_[np.zeros(3), np.ones(3), np.zeros(6)]
    np.testing.assert_array_equal(bias, expected)


def test_default_initializers_have_keras_statistics():
    layer = tkeras.layers.ConvLSTM2D(8, 3)
    layer.build_from_shape((2, 3, 6, 6, 4))
    kernel, recurrent, bias = layer.get_weights()
    limit = np.sqrt(6.0 / (9 * 4 + 9 * 32))  # glorot_uniform on (3, 3, 4, 32)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.8 * limit
    flat = recurrent.reshape(-1, 32)  # orthogonal: the (72, 32) matrix has orthonormal columns
    np.testing.assert_allclose(flat.T @ flat, np.eye(32), atol=1e-5)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(8), np.ones(8), np.zeros(16)])


@pytest.mark.parametrize(
    "layer, kwargs, shape",
    [
        ("ConvLSTM1D", {"strides": 2, "return_state": True}, (None, None, 9, 2)),
        ("ConvLSTM2D", {"padding": "same", "return_sequences": True}, (None, 4, 6, 5, 2)),
        (
            "ConvLSTM2D",
            {"data_format": "channels_first", "dilation_rate": 2, "return_state": True},
            (None, 4, 2, 7, 8),
        ),
        ("ConvLSTM3D", {"strides": (1, 2, 2), "return_sequences": True}, (None, 3, 4, 6, 7, 1)),
    ],
)
def test_symbolic_output_shapes_match_keras(layer, kwargs, shape):
    kwargs = {"filters": 3, "kernel_size": 3, **kwargs}
    yk = getattr(keras.layers, layer)(**kwargs)(keras.Input(batch_shape=shape))
    yt = getattr(tkeras.layers, layer)(**kwargs)(tkeras.Input(batch_shape=shape))
    yk = yk if isinstance(yk, (list, tuple)) else [yk]
    yt = yt if isinstance(yt, (list, tuple)) else [yt]
    assert [tuple(t.shape) for t in yt] == [tuple(t.shape) for t in yk]


@pytest.mark.parametrize("layer", LAYERS)
def test_signature_matches_keras(layer):
    ours = inspect.signature(getattr(tkeras.layers, layer))
    theirs = inspect.signature(getattr(keras.layers, layer))
    assert [(p.name, p.default, p.kind) for p in ours.parameters.values()] == [
        (p.name, p.default, p.kind) for p in theirs.parameters.values()
    ]


def test_get_config_round_trip():
    layer = tkeras.layers.ConvLSTM2D(
        3, (3, 2), strides=2, padding="same", go_backwards=True, unroll=True, name="clstm"
    )
    cfg = layer.get_config()
    assert cfg["filters"] == 3 and cfg["kernel_size"] == (3, 2) and cfg["unroll"] is True
    clone = tkeras.layers.ConvLSTM2D.from_config(cfg)
    assert clone.get_config() == cfg
    assert clone.strides == (2, 2) and clone.go_backwards and clone.unroll


def test_channels_last_output_is_contiguous():
    layer = tkeras.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    y = layer(torch.randn(2, 3, 6, 5, 2))
    assert y.is_contiguous() and tuple(y.shape) == (2, 3, 6, 5, 3)


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_input_conv_runs_once_for_all_timesteps(dropout, monkeypatch):
    """One batched input conv before the loop, then one recurrent conv per timestep."""
    layer = tkeras.layers.ConvLSTM2D(3, 3, dropout=dropout, recurrent_dropout=dropout)
    x = torch.randn(2, 5, 6, 5, 2)
    layer.build_from_shape(x.shape)
    calls = []

    def counting(inp, weight, *args):
        calls.append(tuple(inp.shape))
        return F.conv2d(inp, weight, *args)

    monkeypatch.setattr(layer.cell, "_op", counting)
    layer(x, training=True)
    channels = 2 if dropout == 0 else 8  # four gates' masked copies in one grouped conv
    assert calls[0] == (10, channels, 6, 5)
    assert len(calls) == 1 + 5


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"filters": 0}, r"ConvLSTMCell .*`filters`, expected a positive integer, got filters=0"),
        ({"kernel_size": (3, 3, 3)}, r"`kernel_size` argument must be a positive int or a tuple"),
        ({"strides": 0}, r"`strides` argument must be a positive int .* Received: strides=0"),
        ({"dilation_rate": (1, -1)}, r"Received: dilation_rate=\(1, -1\)"),
        ({"padding": "causal"}, r"`padding` argument must be one of .*padding='causal'"),
        ({"data_format": "nhwc"}, r"`data_format` argument must be one of .*'nhwc'"),
        (
            {"strides": 2, "dilation_rate": 2},
            r"`strides > 1` is not supported in conjunction with `dilation_rate > 1`",
        ),
        ({"dropout": 1.5}, r"argument `dropout`. Expected a float value in \[0, 1\)"),
        ({"recurrent_dropout": -0.1}, r"`recurrent_dropout`.*recurrent_dropout=-0.1"),
        ({"seed": "one"}, r"`seed` must be an int or None. Received: seed='one'"),
        ({"activation": "nope"}, r"nope"),
        ({"units": 3}, r"Unrecognized keyword arguments passed to ConvLSTM2D"),
    ],
)
def test_constructor_errors(kwargs, match):
    kwargs = {"filters": 3, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        tkeras.layers.ConvLSTM2D(**kwargs)


def test_weight_regularizers_reach_model_losses():
    layer = tkeras.layers.ConvLSTM1D(3, 2, kernel_regularizer="l2", bias_constraint="non_neg")
    layer(torch.randn(2, 4, 5, 2))
    (penalty,) = layer.losses
    expected = 0.01 * (layer.kernel.numpy() ** 2).sum()
    assert float(penalty.detach()) == pytest.approx(float(expected), rel=1e-5)
    assert layer.bias.constraint is not None


def test_build_errors():
    with pytest.raises(ValueError, match=r"only support static input shapes for the spatial"):
        tkeras.layers.ConvLSTM2D(3, 3)(tkeras.Input((4, None, 5, 2)))
    with pytest.raises(ValueError, match=r"channel dimension of the inputs must be known"):
        tkeras.layers.ConvLSTM1D(3, 3).build_from_shape((2, 4, 5, None))
    with pytest.raises(ValueError, match=r"`stateful=True` in a RNN, the batch size must be"):
        tkeras.layers.ConvLSTM1D(3, 3, stateful=True)(tkeras.Input((4, 5, 2)))
    with pytest.raises(ValueError, match=r"output size would be zero or negative.*padding='same'"):
        tkeras.layers.ConvLSTM1D(3, 5)(torch.randn(2, 3, 4, 2))
    with pytest.raises(ValueError, match=r"expected ndim=5, found ndim=4.*\(batch, time, rows"):
        tkeras.layers.ConvLSTM2D(3, 3)(torch.randn(2, 3, 6, 2))


def test_call_errors():
    layer = tkeras.layers.ConvLSTM1D(3, 3, padding="same")
    x = torch.randn(2, 4, 5, 2)
    layer(x)
    with pytest.raises(ValueError, match=r"expected axis 2 of input shape to have value 5"):
        layer(torch.randn(2, 4, 6, 2))
    with pytest.raises(ValueError, match=r"expected axis 3 of input shape to have value 2"):
        layer(torch.randn(2, 4, 5, 3))
    with pytest.raises(ValueError, match=r"`initial_state` to be a list of 2 tensor.*received 1"):
        layer(x, initial_state=[torch.zeros(2, 5, 3)])
    with pytest.raises(ValueError, match=r"shape \(2, 5, 3\).*received shape \(2, 3, 5\)"):
        layer(x, initial_state=[torch.zeros(2, 3, 5), torch.zeros(2, 3, 5)])
    with pytest.raises(ValueError, match=r"`mask` must have shape \(batch, timesteps\) = \(2, 4\)"):
        layer(x, mask=torch.ones(2, 3, dtype=torch.bool))
    stateful = tkeras.layers.ConvLSTM1D(3, 3, stateful=True)
    stateful(x)
    with pytest.raises(ValueError, match=r"Expected batch size: 2\n- Received batch size: 3"):
        stateful(torch.randn(3, 4, 5, 2))


def test_the_cell_owns_the_weights_and_runs_one_step():
    """As Keras's: ``layer.cell`` is a ConvLSTMCell named conv_lstm_cell holding the weights;
    one call of the cell is one timestep of the layer."""
    layer = tkeras.layers.ConvLSTM2D(3, 3, padding="same", return_state=True)
    x = torch.randn(2, 1, 5, 4, 2)
    out, h, c = layer(x)
    cell = layer.cell
    assert type(cell).__name__ == "ConvLSTMCell" and cell.name == "conv_lstm_cell"
    assert layer.kernel is cell.kernel and [w.path for w in cell.weights] == [
        f"{layer.name}/conv_lstm_cell/{n}" for n in ("kernel", "recurrent_kernel", "bias")
    ]
    zeros = torch.zeros(2, 5, 4, 3)
    step_out, (step_h, step_c) = cell(x[:, 0], [zeros, zeros])
    torch.testing.assert_close(step_out, out)
    torch.testing.assert_close(step_h, h)
    torch.testing.assert_close(step_c, c)
