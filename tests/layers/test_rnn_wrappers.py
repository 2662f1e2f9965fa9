"""RNN wrappers and cells (RNN, SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells,
Bidirectional, TimeDistributed): parity with Keras 3 (outputs, input gradients, weight order and
paths), masks, states, shapes, path choice and every error message.

Every layer here takes a layer (or a cell) as an argument, which ``check_case`` cannot build in
both libraries, so the cases hold ``Sub`` specs and ``check_wrapper_case`` builds each library's
own nested layers from them, copies Keras's weights into tkeras and compares.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import re
from typing import Any

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.parity import Case, assert_same_variables, make_input
from tkeras.layers.rnn import _steps, rnn

RTOL = ATOL = 1e-5
SHAPE = (3, 5, 4)  # (batch, time, features)
STEP = (3, 4)  # one timestep, for the cells


@dataclasses.dataclass
class Sub:
    """A nested layer in a case: ``layer`` names a class of either library (or a test cell)."""

    layer: str
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)


def _user_cells(lib: Any, matmul: Any) -> dict[str, type]:
    """Keras-style user-written cells, the same code for both libraries."""

    class MinimalRNNCell(lib.layers.Layer):
        """Keras's documentation example: one state, output = state."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="uniform", name="kernel"
            )
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, self.units), initializer="uniform", name="recurrent_kernel"
            )

        def call(self, inputs, states):
            prev_output = states[0]
            output = matmul(inputs, self.kernel) + matmul(prev_output, self.recurrent_kernel)
            return output, [output]

    class PairCell(lib.layers.Layer):
        """Two states and an output twice their size, with a training flag."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = [units, units]
            self.output_size = 2 * units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")

        def call(self, inputs, states, training=None):
            a, b = states
            a = lib.activations.tanh(matmul(inputs, self.kernel) + b)
            b = 0.5 * b + a
            scale = 2.0 if training else 1.0
            return lib.ops.concatenate([a, b * scale], axis=-1), [a, b]

    return {"MinimalRNNCell": MinimalRNNCell, "PairCell": PairCell}


def _tkeras_ops_concat(tensors, axis=-1):
    return torch.cat(tensors, dim=axis)


class _TkerasLib:
    """tkeras with torch stand-ins for the two ``ops`` the user cells use."""

    layers = tkeras.layers
    activations = tkeras.activations

    class ops:
        concatenate = staticmethod(_tkeras_ops_concat)


USER_CELLS = {
    "keras": _user_cells(keras, keras.ops.matmul),
    "tkeras": _user_cells(_TkerasLib, torch.matmul),
}


def _build(lib: str, value: Any) -> Any:
    """Resolve ``Sub`` specs (nested in lists and kwargs) into ``lib``'s layer instances."""
    if isinstance(value, Sub):
        module = keras if lib == "keras" else tkeras
        cls = USER_CELLS[lib].get(value.layer) or getattr(module.layers, value.layer)
        return cls(**{k: _build(lib, v) for k, v in value.kwargs.items()})
    if isinstance(value, list):
        return [_build(lib, v) for v in value]
    return value


def _np(y: Any) -> Any:
    if isinstance(y, (list, tuple)):
        return [_np(e) for e in y]
    if isinstance(y, torch.Tensor):
        return y.detach().cpu().numpy()
    return keras.ops.convert_to_numpy(y)


def _flat(y: Any) -> list:
    if isinstance(y, (list, tuple)):
        return [t for e in y for t in _flat(e)]
    return [y]


def _close(got: Any, want: Any) -> None:
    got, want = _flat(_np(got)), _flat(_np(want))
    assert len(got) == len(want), (len(got), len(want))
    for g, w in zip(got, want):
        assert g.shape == w.shape, (g.shape, w.shape)
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def _structure(y: Any) -> Any:
    """The nesting of an output (list/tuple kinds ignored) with each leaf's shape."""
    if isinstance(y, (list, tuple)):
        return [_structure(e) for e in y]
    return tuple(y.shape)


def _normal_path(path: str) -> str:
    """A variable path without auto-name counters: ``rnn_3/lstm_cell_2`` -> ``rnn/lstm_cell``."""
    return re.sub(r"_\d+(?=/|$)", "", path)


def _check_weights(k_layer: Any, t_layer: Any) -> None:
    """Same variables as Keras: count, order, names, Keras shapes and paths."""
    assert [(w.name, tuple(w.shape), _normal_path(w.path)) for w in k_layer.weights] == [
        (w.name, tuple(w.shape), _normal_path(w.path)) for w in t_layer.weights
    ]
    assert t_layer.count_params() == k_layer.count_params()
    # Checked after the calls: moving statistics may have moved a different number of times.
    assert_same_variables(k_layer, t_layer, values=False)


def _random_states(structure: Any, seed: int) -> Any:
    rng = np.random.default_rng(seed)

    def fill(node):
        if isinstance(node, (list, tuple)):
            return [fill(e) for e in node]
        return rng.standard_normal(tuple(node.shape)).astype("float32")

    return fill(structure)


def _grads(y: Any, inputs: list, seed: int) -> list:
    leaves = _flat(y)
    rng = np.random.default_rng(seed)
    total = sum(
        (t * torch.tensor(rng.standard_normal(tuple(t.shape)).astype("float32"))).sum()
        for t in leaves
    )
    return torch.autograd.grad(total, inputs)


def _as_tensors(arrays: Any, grad: bool) -> Any:
    if isinstance(arrays, list):
        return [_as_tensors(a, grad) for a in arrays]
    return torch.tensor(arrays, requires_grad=grad)


CELLS = ("SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells")


def check_wrapper_case(case: Case, seed: int = 0) -> None:
    """Assert tkeras == Keras for one case: weights, outputs and input (and state) gradients."""
    kwargs_k = {k: _build("keras", v) for k, v in case.kwargs.items()}
    kwargs_t = {k: _build("tkeras", v) for k, v in case.kwargs.items()}
    k_layer = getattr(keras.layers, case.layer)(**kwargs_k)
    t_layer = getattr(tkeras.layers, case.layer)(**kwargs_t)
    x = make_input(case, seed)
    grad = case.grad
    xk, xt = torch.tensor(x, requires_grad=grad), torch.tensor(x, requires_grad=grad)
    call = {"training": True} if case.training else {}
    if case.layer in CELLS:  # one step: (inputs, states) -> (output, new states)
        t_layer.build_from_shape(tuple(x.shape))
        states = _random_states(t_layer.get_initial_state(x.shape[0]), seed + 7)
        sk, st = _as_tensors(states, grad), _as_tensors(states, grad)
        yk = k_layer(xk, sk, **call)
        t_layer.set_weights(k_layer.get_weights())
        yt = t_layer(xt, st, **call)
        wrt_k, wrt_t = [xk, *_flat(sk)], [xt, *_flat(st)]
    else:
        t_layer.build_from_shape(tuple(x.shape))
        if "weights" in case.kwargs:  # tkeras sets them at build; Keras 3 ignores them
            for got, want in zip(t_layer.get_weights(), case.kwargs["weights"]):
                np.testing.assert_array_equal(got, want)
            k_layer.build(tuple(x.shape))
            k_layer.set_weights(case.kwargs["weights"])
        yk = k_layer(xk, **call)
        if "weights" not in case.kwargs:
            t_layer.set_weights(k_layer.get_weights())
        yt = t_layer(xt, **call)
        wrt_k, wrt_t = [xk], [xt]
    _check_weights(k_layer, t_layer)
    assert _structure(yt) == _structure(_np(yk))
    _close(yt, yk)
    if grad:
        for gt, gk in zip(_grads(yt, wrt_t, seed + 1), _grads(yk, wrt_k, seed + 1)):
            np.testing.assert_allclose(gt.numpy(), gk.numpy(), rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------------------------- cases

_RECURRENT = ("LSTM", "GRU", "SimpleRNN")
_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _bidirectional_cases() -> list[Case]:
    """Every merge mode with each recurrent layer, over return_sequences x return_state."""
    cases = []
    flags = itertools.cycle(itertools.product((False, True), repeat=2))
    for merge, layer in itertools.product(_MERGE_MODES, _RECURRENT):
        seq, state = next(flags)
        inner = {"units": 3, "return_sequences": seq, "return_state": state}
        kwargs = {"layer": Sub(layer, inner)}
        if merge != "concat":
            kwargs["merge_mode"] = merge
        cases.append(
            Case("Bidirectional", kwargs, SHAPE, id=f"Bidirectional-{layer}-{merge}-S{seq}R{state}")
        )
    cases += [
        Case(
            "Bidirectional",
            {
                "layer": Sub("GRU", {"units": 3, "return_sequences": True}),
                "backward_layer": Sub(
                    "GRU",
                    {
                        "units": 3,
                        "return_sequences": True,
                        "go_backwards": True,
                        "activation": "relu",
                        "reset_after": False,
                    },
                ),
                "merge_mode": "sum",
            },
            SHAPE,
            id="Bidirectional-backward_layer-GRU",
        ),
        Case(
            "Bidirectional",
            {
                "layer": Sub("LSTM", {"units": 2, "return_state": True}),
                "backward_layer": Sub(
                    "SimpleRNN", {"units": 2, "go_backwards": True, "return_state": True}
                ),
            },
            SHAPE,
            id="Bidirectional-backward_layer-other-class",
        ),
        Case(
            "Bidirectional",
            {
                "layer": Sub("LSTM", {"units": 2}),
                "weights": [
                    (np.arange(n, dtype="float32").reshape(shape) % 7 - 3) / 10
                    for n, shape in [(32, (4, 8)), (16, (2, 8)), (8, (8,))] * 2
                ],
            },
            SHAPE,
            id="Bidirectional-weights",
        ),
        Case(
            "Bidirectional",
            {
                "layer": Sub(
                    "RNN",
                    {
                        "cell": Sub("GRUCell", {"units": 3, "reset_after": False}),
                        "return_state": True,
                    },
                ),
                "merge_mode": "ave",
            },
            SHAPE,
            id="Bidirectional-RNN-GRUCell",
        ),
        Case(
            "Bidirectional",
            {"layer": Sub("LSTM", {"units": 3, "return_sequences": True}), "merge_mode": "mul"},
            SHAPE,
            training=True,  # no dropout: training must not change the numbers
            id="Bidirectional-training",
        ),
    ]
    return cases


def _rnn_cases() -> list[Case]:
    lstm, gru = Sub("LSTMCell", {"units": 3}), Sub("GRUCell", {"units": 3})
    simple = Sub("SimpleRNNCell", {"units": 4})
    return [
        Case("RNN", {"cell": simple}, SHAPE, id="RNN-SimpleRNNCell-fused"),
        Case(
            "RNN",
            {"cell": Sub("SimpleRNNCell", {"units": 4, "activation": "elu"}), "go_backwards": True},
            SHAPE,
            id="RNN-SimpleRNNCell-loop-backwards",
        ),
        Case("RNN", {"cell": lstm, "return_sequences": True}, SHAPE, id="RNN-LSTMCell-fused"),
        Case(
            "RNN",
            {"cell": lstm, "return_state": True, "unroll": True},
            SHAPE,
            id="RNN-LSTMCell-unroll",
        ),
        Case(
            "RNN",
            {"cell": gru, "return_sequences": True, "return_state": True, "go_backwards": True},
            SHAPE,
            id="RNN-GRUCell-reset-after-fused",
        ),
        Case(
            "RNN",
            {
                "cell": Sub("GRUCell", {"units": 3, "reset_after": False}),
                "return_sequences": True,
                "return_state": True,
            },
            SHAPE,
            id="RNN-GRUCell-reset-before",
        ),
        Case(
            "RNN",
            {"cell": lstm, "stateful": True, "return_state": True},
            SHAPE,
            id="RNN-LSTMCell-stateful-first-call",
        ),
        Case(
            "RNN",
            {"cell": gru, "zero_output_for_mask": True, "return_sequences": True},
            SHAPE,
            id="RNN-zero_output_for_mask-no-mask",
        ),
        Case(
            "RNN",
            {"cell": Sub("StackedRNNCells", {"cells": [simple, lstm]}), "return_state": True},
            SHAPE,
            id="RNN-StackedRNNCells",
        ),
        Case(
            "RNN",
            {"cell": [Sub("GRUCell", {"units": 4, "reset_after": False}), gru, lstm]},
            SHAPE,
            id="RNN-list-of-cells",
        ),
        Case(
            "RNN",
            {"cell": Sub("MinimalRNNCell", {"units": 4}), "return_sequences": True},
            SHAPE,
            id="RNN-user-cell",
        ),
        Case(
            "RNN",
            {
                "cell": Sub("PairCell", {"units": 3}),
                "return_state": True,
                "go_backwards": True,
            },
            SHAPE,
            training=True,
            id="RNN-user-cell-two-states-training",
        ),
        Case(
            "RNN",
            {"cell": [Sub("MinimalRNNCell", {"units": 4}), lstm], "return_state": True},
            SHAPE,
            id="RNN-stack-of-user-and-keras-cells",
        ),
    ]


def _cell_cases() -> list[Case]:
    return [
        Case("SimpleRNNCell", {"units": 4}, STEP, id="SimpleRNNCell"),
        Case(
            "SimpleRNNCell",
            {
                "units": 4,
                "activation": "relu",
                "use_bias": False,
                "kernel_initializer": "ones",
                "recurrent_initializer": "zeros",
                "bias_initializer": "ones",
                "dropout": 0.2,
                "recurrent_dropout": 0.3,
                "seed": 1,
            },
            STEP,
            id="SimpleRNNCell-options-inference",
        ),
        Case("LSTMCell", {"units": 3}, STEP, id="LSTMCell"),
        Case(
            "LSTMCell",
            {
                "units": 3,
                "activation": "relu",
                "recurrent_activation": "hard_sigmoid",
                "use_bias": False,
                "unit_forget_bias": False,
                "kernel_initializer": "he_normal",
                "recurrent_initializer": "identity",
                "bias_initializer": "ones",
                "dropout": 0.2,
                "recurrent_dropout": 0.3,
                "seed": 2,
            },
            STEP,
            id="LSTMCell-options-inference",
        ),
        Case("GRUCell", {"units": 3}, STEP, id="GRUCell-reset-after"),
        Case(
            "GRUCell",
            {
                "units": 3,
                "reset_after": False,
                "activation": "softsign",
                "recurrent_activation": "hard_sigmoid",
                "use_bias": False,
                "kernel_initializer": "lecun_normal",
                "recurrent_initializer": "glorot_normal",
                "bias_initializer": "ones",
                "dropout": 0.2,
                "recurrent_dropout": 0.3,
                "seed": 3,
            },
            STEP,
            id="GRUCell-options-inference",
        ),
        Case("GRUCell", {"units": 3, "reset_after": False}, STEP, id="GRUCell-reset-before"),
        Case(
            "StackedRNNCells",
            {"cells": [Sub("LSTMCell", {"units": 5}), Sub("GRUCell", {"units": 3})]},
            STEP,
            id="StackedRNNCells-step",
        ),
    ]


def _time_distributed_cases() -> list[Case]:
    return [
        Case(
            "TimeDistributed",
            {"layer": Sub("Dense", {"units": 3, "activation": "relu"})},
            SHAPE,
            id="TimeDistributed-Dense",
        ),
        Case(
            "TimeDistributed",
            {"layer": Sub("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "same"})},
            (2, 3, 6, 6, 2),
            id="TimeDistributed-Conv2D",
        ),
        Case(
            "TimeDistributed",
            {"layer": Sub("Dense", {"units": 2})},
            (2, 3, 4, 5),  # rank 4: the wrapped layer sees (batch * time, 4, 5)
            id="TimeDistributed-Dense-rank4",
        ),
        Case(
            "TimeDistributed",
            {"layer": Sub("BatchNormalization", {"momentum": 0.5})},
            (4, 3, 5),
            training=True,  # batch statistics per timestep, as Keras's loop
            id="TimeDistributed-BatchNormalization-training",
        ),
    ]


CASES = _bidirectional_cases() + _rnn_cases() + _cell_cases() + _time_distributed_cases()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    check_wrapper_case(case)


def test_cases_cover_every_argument_of_every_layer():
    """Each wrapper/cell and each of its arguments (bar regularizers/constraints) is in a case."""
    for layer in ("RNN", "Bidirectional", "TimeDistributed", *CELLS):
        params = list(inspect.signature(getattr(tkeras.layers, layer).__init__).parameters.values())
        for p in params[1:]:
            if p.kind is p.VAR_KEYWORD or p.name.endswith(("_regularizer", "_constraint")):
                continue
            assert any(
                c.layer == layer and p.name in c.kwargs and c.kwargs[p.name] != p.default
                for c in CASES
            ), (layer, p.name)


# ---------------------------------------------------------------------------- helpers


def _pair(class_name: str, shape=SHAPE, **kwargs):
    """The same wrapper in both libraries from ``Sub`` specs, built, Keras's weights copied."""
    k_layer = getattr(keras.layers, class_name)(
        **{k: _build("keras", v) for k, v in kwargs.items()}
    )
    t_layer = getattr(tkeras.layers, class_name)(
        **{k: _build("tkeras", v) for k, v in kwargs.items()}
    )
    k_layer.build(shape)
    t_layer.build_from_shape(shape)
    t_layer.set_weights(k_layer.get_weights())
    return k_layer, t_layer


def _data(shape=SHAPE, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


_MASKS = {
    "post": [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]],
    "pre": [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 0, 0, 1]],
    "holes": [[1, 0, 1, 0, 1], [0, 1, 1, 0, 0], [0, 0, 0, 0, 0]],
}


def _masked_parity(k_layer, t_layer, padding: str, **call) -> Any:
    x = _data()
    mask = torch.tensor(_MASKS[padding], dtype=torch.bool)
    xk, xt = torch.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    yk = k_layer(xk, mask=mask, **call)
    yt = t_layer(xt, mask=mask, **call)
    assert _structure(yt) == _structure(_np(yk))
    _close(yt, yk)
    (gt,) = _grads(yt, [xt], 3)
    (gk,) = _grads(yk, [xk], 3)
    np.testing.assert_allclose(gt.numpy(), gk.numpy(), rtol=RTOL, atol=ATOL)
    return yt, mask


# ---------------------------------------------------------------------------- Bidirectional


@pytest.mark.parametrize("padding", sorted(_MASKS))
@pytest.mark.parametrize(
    "inner,merge",
    [
        (Sub("LSTM", {"units": 3, "return_sequences": True}), "concat"),
        (Sub("GRU", {"units": 3, "return_sequences": True, "return_state": True}), None),
        (Sub("SimpleRNN", {"units": 3}), "sum"),
        (Sub("GRU", {"units": 3, "reset_after": False}), "ave"),
        (Sub("RNN", {"cell": Sub("LSTMCell", {"units": 3}), "return_sequences": True}), "mul"),
    ],
    ids=lambda v: v.layer if isinstance(v, Sub) else str(v),
)
def test_bidirectional_mask_parity(inner, merge, padding):
    k_layer, t_layer = _pair("Bidirectional", layer=inner, merge_mode=merge)
    yt, mask = _masked_parity(k_layer, t_layer, padding)
    if inner.kwargs.get("return_sequences"):  # masked steps are zeros in both directions
        out = torch.cat(_flat(yt)[:2], -1) if merge is None else yt
        assert bool((out[~mask] == 0).all())


def test_bidirectional_forces_zero_output_for_mask():
    layer = tkeras.layers.Bidirectional(
        tkeras.layers.LSTM(2, return_sequences=True, zero_output_for_mask=False)
    )
    assert layer.forward_layer.zero_output_for_mask is True
    assert layer.backward_layer.zero_output_for_mask is True
    last = tkeras.layers.Bidirectional(tkeras.layers.GRU(2, zero_output_for_mask=True))
    assert last.forward_layer.zero_output_for_mask is False


def test_bidirectional_sublayers_are_fresh_copies():
    inner = tkeras.layers.LSTM(3, name="enc")
    inner(torch.ones(2, 4, 5))
    layer = tkeras.layers.Bidirectional(inner)
    assert layer.forward_layer is not inner and not layer.forward_layer.built
    assert (layer.forward_layer.name, layer.backward_layer.name) == ("forward_enc", "backward_enc")
    assert layer.forward_layer.go_backwards is False and layer.backward_layer.go_backwards is True
    layer(torch.ones(2, 4, 5))
    assert not np.allclose(layer.forward_layer.get_weights()[0], inner.get_weights()[0])
    assert not np.allclose(
        layer.forward_layer.get_weights()[0], layer.backward_layer.get_weights()[0]
    )
    # RNN(cell): the cell is cloned too, so the directions share no weights
    rnn_layer = tkeras.layers.Bidirectional(tkeras.layers.RNN(tkeras.layers.GRUCell(2)))
    assert rnn_layer.forward_layer.cell is not rnn_layer.backward_layer.cell


def test_bidirectional_given_backward_layer_is_used_as_is():
    backward = tkeras.layers.GRU(3, go_backwards=True, name="mine")
    layer = tkeras.layers.Bidirectional(tkeras.layers.GRU(3), backward_layer=backward)
    assert layer.backward_layer is backward


def test_bidirectional_weights_order_and_set_weights():
    layer = tkeras.layers.Bidirectional(tkeras.layers.LSTM(2))
    layer.build_from_shape(SHAPE)
    forward = layer.forward_layer.get_weights()
    backward = layer.backward_layer.get_weights()
    for got, want in zip(layer.get_weights(), forward + backward):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(
        ValueError,
        match=r"Bidirectional 'b': `weights` must hold 6 arrays \(the forward layer's 3 "
        r"weights, then the backward layer's 3\); received 3",
    ):
        layer = tkeras.layers.Bidirectional(tkeras.layers.LSTM(2), weights=forward, name="b")
        layer.build_from_shape(SHAPE)


@pytest.mark.parametrize("inner", ["LSTM", "GRU"])
def test_bidirectional_initial_state_parity(inner):
    k_layer, t_layer = _pair(
        "Bidirectional",
        layer=Sub(inner, {"units": 3, "return_state": True, "return_sequences": True}),
    )
    count = 4 if inner == "LSTM" else 2
    states = [torch.tensor(_data((3, 3), seed=10 + i)) for i in range(count)]
    x = torch.tensor(_data())
    _close(t_layer(x, initial_state=states), k_layer(x, initial_state=states))


def test_bidirectional_stateful_parity_and_reset():
    kwargs = {"layer": Sub("GRU", {"units": 3, "stateful": True, "return_sequences": True})}
    k_layer, t_layer = _pair("Bidirectional", **kwargs)
    for seed in range(2):
        x = torch.tensor(_data(seed=seed))
        _close(t_layer(x), k_layer(x))
    _close(t_layer.states, [s.value for s in k_layer.states])
    t_layer.reset_states()
    k_layer.reset_states()
    assert all(bool((s == 0).all()) for s in t_layer.states)
    x = torch.tensor(_data(seed=5))
    _close(t_layer(x), k_layer(x))
    with pytest.raises(AttributeError, match=r"'bidi': layer must be stateful to reset its state"):
        tkeras.layers.Bidirectional(tkeras.layers.GRU(2), name="bidi").reset_state()


def test_bidirectional_compute_output_shape_and_mask_match_keras():
    mask = np.ones((3, 5), bool)
    for layer, merge, seq, state in itertools.product(
        ("LSTM", "GRU"), _MERGE_MODES, (False, True), (False, True)
    ):
        kwargs = {"layer": Sub(layer, {"units": 3, "return_sequences": seq, "return_state": state})}
        if merge != "concat":
            kwargs["merge_mode"] = merge
        k_layer = keras.layers.Bidirectional(**{k: _build("keras", v) for k, v in kwargs.items()})
        t_layer = tkeras.layers.Bidirectional(**{k: _build("tkeras", v) for k, v in kwargs.items()})
        for shape in (SHAPE, (None, None, 4)):
            assert t_layer.compute_output_shape(shape) == k_layer.compute_output_shape(shape)
        got, want = t_layer.compute_mask(None, mask), k_layer.compute_mask(None, mask)
        assert type(got) is type(want)
        assert [g is None for g in _flat(got)] == [w is None for w in _flat(want)]


def test_bidirectional_merge_none_returns_keras_structure():
    k_layer, t_layer = _pair(
        "Bidirectional", layer=Sub("LSTM", {"units": 2, "return_state": True}), merge_mode=None
    )
    x = torch.tensor(_data())
    yk, yt = k_layer(x), t_layer(x)
    assert type(yt) is type(yk) and len(yt) == len(yk) == 6  # [fw, bw, fw_h, fw_c, bw_h, bw_c]
    k_layer, t_layer = _pair("Bidirectional", layer=Sub("GRU", {"units": 2}), merge_mode=None)
    assert type(t_layer(x)) is type(k_layer(x))


def test_bidirectional_in_a_functional_model():
    inputs = tkeras.Input((5, 4))
    seq = tkeras.layers.Bidirectional(tkeras.layers.LSTM(3, return_sequences=True))(inputs)
    out = tkeras.layers.TimeDistributed(tkeras.layers.Dense(2))(seq)
    assert seq.shape == (None, 5, 6) and out.shape == (None, 5, 2)
    model = tkeras.Model(inputs, out)
    assert tuple(model(torch.ones(3, 5, 4)).shape) == (3, 5, 2)


def test_bidirectional_get_config_round_trip():
    layer = tkeras.layers.Bidirectional(tkeras.layers.GRU(3), merge_mode="sum", name="bi")
    config = layer.get_config()
    assert config["merge_mode"] == "sum"
    # Keras-shaped: the wrapped layers are serialized configs, as Keras's get_config writes them.
    assert config["layer"]["class_name"] == "GRU"
    assert config["layer"]["config"]["name"] == layer.forward_layer.name
    clone = tkeras.layers.Bidirectional.from_config(config)
    assert clone.merge_mode == "sum" and clone.name == "bi"
    assert clone.forward_layer.name == layer.forward_layer.name  # no forward_forward_ prefix
    assert clone.backward_layer.name == layer.backward_layer.name
    assert clone.backward_layer is not layer.backward_layer
    assert clone.backward_layer.go_backwards is True


# ---------------------------------------------------------------------------- RNN(cell)


_MASK_CELLS = [
    Sub("SimpleRNNCell", {"units": 3}),
    Sub("LSTMCell", {"units": 3}),
    Sub("GRUCell", {"units": 3}),
    Sub("GRUCell", {"units": 3, "reset_after": False}),
    Sub(
        "StackedRNNCells", {"cells": [Sub("LSTMCell", {"units": 4}), Sub("GRUCell", {"units": 3})]}
    ),
    Sub("MinimalRNNCell", {"units": 3}),
    Sub("PairCell", {"units": 3}),  # output twice the state size: masked zeros are its shape
]


@pytest.mark.parametrize("padding", ["post", "holes"])
@pytest.mark.parametrize("cell", _MASK_CELLS, ids=lambda c: c.layer)
@pytest.mark.parametrize(
    "seq,back,zero", [(True, False, False), (False, True, False), (True, True, True)]
)
def test_rnn_mask_parity(cell, padding, seq, back, zero):
    k_layer, t_layer = _pair(
        "RNN",
        cell=cell,
        return_sequences=seq,
        return_state=True,
        go_backwards=back,
        zero_output_for_mask=zero,
    )
    yt, mask = _masked_parity(k_layer, t_layer, padding)
    if seq and zero:
        order = mask.flip(1) if back else mask
        assert bool((yt[0][~order] == 0).all())


@pytest.mark.parametrize(
    "cell",
    [Sub("LSTMCell", {"units": 3}), Sub("GRUCell", {"units": 3, "reset_after": False})]
    + [
        Sub(
            "StackedRNNCells",
            {"cells": [Sub("SimpleRNNCell", {"units": 2}), Sub("LSTMCell", {"units": 3})]},
        )
    ],
    ids=lambda c: c.layer,
)
def test_rnn_initial_state_parity(cell):
    k_layer, t_layer = _pair("RNN", cell=cell, return_state=True, return_sequences=True)
    states = _random_states(t_layer.get_initial_state(3), seed=4)
    x = torch.tensor(_data())
    yk = k_layer(x, initial_state=_as_tensors(states, False))
    yt = t_layer(x, initial_state=_as_tensors(states, False))
    assert _structure(yt) == _structure(_np(yk))
    _close(yt, yk)
    # the same states given flat
    _close(t_layer(x, initial_state=[torch.tensor(s) for s in _flat(states)]), yk)


@pytest.mark.parametrize(
    "cell",
    [
        Sub("LSTMCell", {"units": 3}),
        Sub("GRUCell", {"units": 3, "reset_after": False}),
        Sub(
            "StackedRNNCells",
            {"cells": [Sub("GRUCell", {"units": 2}), Sub("LSTMCell", {"units": 3})]},
        ),
        Sub("MinimalRNNCell", {"units": 3}),
    ],
    ids=lambda c: c.layer,
)
def test_rnn_stateful_two_batches_and_reset(cell):
    k_layer, t_layer = _pair("RNN", cell=cell, stateful=True, return_sequences=True)
    for seed in range(2):  # the second call starts from the first call's states
        x = torch.tensor(_data(seed=seed))
        _close(t_layer(x), k_layer(x))
    assert _structure(t_layer.states) == _structure(_np(k_layer.states))
    _close(t_layer.states, [v.value for v in _flat(k_layer.states)])
    t_layer.reset_states()
    assert all(bool((s == 0).all()) for s in _flat(t_layer.states))
    x = torch.tensor(_data(seed=9))
    if cell.layer == "StackedRNNCells":  # Keras's reset_state fails on nested states
        fresh = tkeras.layers.RNN(_build("tkeras", cell), return_sequences=True)
        fresh.build_from_shape(SHAPE)
        fresh.set_weights(t_layer.get_weights())
        _close(t_layer(x), fresh(x))
    else:
        k_layer.reset_state()
        _close(t_layer(x), k_layer(x))


def test_rnn_non_stateful_has_no_states():
    layer = tkeras.layers.RNN(tkeras.layers.LSTMCell(2))
    layer(torch.ones(2, 3, 4))
    assert layer.states is None
    layer.reset_states()


def test_rnn_compute_output_shape_and_mask_match_keras():
    mask = np.ones((3, 5), bool)
    cells = [
        Sub("LSTMCell", {"units": 3}),
        Sub("SimpleRNNCell", {"units": 3}),
        [Sub("SimpleRNNCell", {"units": 4}), Sub("LSTMCell", {"units": 3})],
        Sub("PairCell", {"units": 2}),
    ]
    for cell, seq, state in itertools.product(cells, (False, True), (False, True)):
        kw = {"cell": cell, "return_sequences": seq, "return_state": state}
        k_layer = keras.layers.RNN(**{k: _build("keras", v) for k, v in kw.items()})
        t_layer = tkeras.layers.RNN(**{k: _build("tkeras", v) for k, v in kw.items()})
        for shape in (SHAPE, (None, None, 4)):
            assert t_layer.compute_output_shape(shape) == k_layer.compute_output_shape(shape)
        got, want = t_layer.compute_mask(None, mask), k_layer.compute_mask(None, mask)
        assert type(got) is type(want)
        assert [g is None for g in _flat(got)] == [w is None for w in _flat(want)]


def test_rnn_symbolic_call():
    outs = tkeras.layers.RNN(tkeras.layers.LSTMCell(3), return_state=True)(tkeras.Input((None, 4)))
    assert [o.shape for o in outs] == [(None, 3)] * 3


@pytest.mark.parametrize(
    "cell,rnn_kwargs,call,fused",
    [
        (Sub("LSTMCell", {"units": 3}), {}, {}, True),
        (Sub("GRUCell", {"units": 3}), {}, {}, True),
        (Sub("SimpleRNNCell", {"units": 3, "activation": "relu"}), {}, {}, True),
        (Sub("LSTMCell", {"units": 3}), {"unroll": True}, {}, False),
        (Sub("LSTMCell", {"units": 3, "activation": "relu"}), {}, {}, False),
        (Sub("GRUCell", {"units": 3, "reset_after": False}), {}, {}, False),
        (Sub("GRUCell", {"units": 3}), {}, {"mask": torch.ones(3, 5, dtype=torch.bool)}, False),
        (Sub("LSTMCell", {"units": 3, "recurrent_dropout": 0.2}), {}, {"training": True}, False),
        (Sub("LSTMCell", {"units": 3, "dropout": 0.2}), {}, {"training": True}, True),
    ],
    ids=str,
)
def test_rnn_path_choice(cell, rnn_kwargs, call, fused, monkeypatch):
    runs = []
    original = _steps.run
    monkeypatch.setattr(rnn._steps, "run", lambda *a: runs.append(1) or original(*a))
    t_layer = tkeras.layers.RNN(_build("tkeras", cell), **rnn_kwargs)
    t_layer(torch.tensor(_data()), **call)
    assert bool(runs) != fused


def test_rnn_cell_weights_gradients_match_keras():
    k_layer, t_layer = _pair(
        "RNN",
        cell=[Sub("GRUCell", {"units": 3, "reset_after": False}), Sub("LSTMCell", {"units": 2})],
    )
    x = torch.tensor(_data())
    k_layer(x).sum().backward()
    t_layer(x).sum().backward()
    for kv, tv in zip(k_layer.weights, t_layer.weights):
        got = tv.grad.numpy()
        np.testing.assert_allclose(got, kv.value.grad.numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("stacked", [False, True], ids=["cell-loop", "stacked-cell-calls"])
def test_rnn_dropout_masks_are_per_sequence_and_reset(stacked):
    cell = tkeras.layers.SimpleRNNCell(
        4, dropout=0.5, kernel_initializer="ones", recurrent_initializer="zeros"
    )
    layer = tkeras.layers.RNN([cell] if stacked else cell, return_sequences=True, unroll=True)
    x = torch.ones(64, 3, 2)
    y = layer(x, training=True)
    # h_t = tanh(x_t * mask @ ones): the same mask at every step of a sequence
    torch.testing.assert_close(y[:, 0], y[:, 2])
    assert not torch.equal(y[:, 0], torch.tanh(torch.full((64, 4), 2.0)))
    assert cell._dropout_mask is None  # reset after the call, as Keras's RNN does
    assert not torch.equal(layer(x, training=True), y)  # a fresh mask per call
    torch.testing.assert_close(layer(x), torch.tanh(torch.full((64, 3, 4), 2.0)))


@pytest.mark.parametrize("name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_seed_makes_dropout_reproducible(name):
    x = torch.ones(16, 5, 4)

    def run(seed):
        cell = getattr(tkeras.layers, name)(
            3,
            dropout=0.5,
            recurrent_dropout=0.5,
            seed=seed,
            kernel_initializer="ones",
            recurrent_initializer="identity",
        )
        return tkeras.layers.RNN(cell)(x, training=True)

    torch.testing.assert_close(run(1), run(1))
    assert not torch.equal(run(1), run(2))


def test_bidirectional_passes_training_to_both_directions():
    layer = tkeras.layers.Bidirectional(
        tkeras.layers.GRU(3, dropout=0.5, seed=1, return_sequences=True), merge_mode=None
    )
    x = torch.ones(8, 5, 4)
    inference = layer(x)
    torch.testing.assert_close(layer(x), inference)
    for got, want in zip(layer(x, training=True), inference):
        assert not torch.allclose(got, want)


def test_time_distributed_passes_training():
    layer = tkeras.layers.TimeDistributed(tkeras.layers.Dropout(0.5))
    x = torch.ones(4, 6, 8)
    assert torch.equal(layer(x), x)
    y = layer(x, training=True)
    assert set(torch.unique(y).tolist()) == {0.0, 2.0}


def test_cell_dropout_mask_is_cached_until_reset():
    cell = tkeras.layers.LSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    x, states = torch.ones(8, 4), [torch.ones(8, 3), torch.zeros(8, 3)]
    out1, _ = cell(x, states, training=True)
    mask = cell.get_dropout_mask(x)
    assert tuple(mask.shape) == (4, 8, 4)  # one mask per gate (recurrent dropout on)
    assert set(torch.unique(mask).tolist()) <= {0.0, 2.0}
    torch.testing.assert_close(cell(x, states, training=True)[0], out1)
    cell.reset_dropout_mask()
    cell.reset_recurrent_dropout_mask()
    assert not torch.equal(cell(x, states, training=True)[0], out1)
    inference, _ = cell(x, states)
    clean = tkeras.layers.LSTMCell(3)
    clean.build_from_shape((8, 4))
    clean.set_weights(cell.get_weights())
    torch.testing.assert_close(inference, clean(x, states)[0])


def test_rnn_get_config_round_trip():
    layer = tkeras.layers.RNN(tkeras.layers.GRUCell(3), go_backwards=True, unroll=True, name="r")
    config = layer.get_config()
    assert config["go_backwards"] is True and config["unroll"] is True
    clone = tkeras.layers.RNN.from_config(config)
    assert clone.get_config() == config and clone.name == "r"


def test_rnn_initial_states_are_made_on_the_input_device():
    """Zero states come from the input's device and dtype (meta here: no GPU needed)."""
    layer = tkeras.layers.RNN(
        [tkeras.layers.GRUCell(2), tkeras.layers.LSTMCell(3)], return_state=True
    )
    layer.build_from_shape(SHAPE)
    states = rnn._initial_state(layer.cell, 3, torch.empty((), device="meta"))
    assert all(s.device.type == "meta" for s in _flat(states))


# ---------------------------------------------------------------------------- cells


def test_cell_states_list_or_tensor_as_keras():
    for name in ("SimpleRNNCell", "GRUCell"):
        t_cell = getattr(tkeras.layers, name)(3)
        k_cell = getattr(keras.layers, name)(3)
        x, h = torch.ones(2, 4), torch.zeros(2, 3)
        for states in (h, [h]):
            got, want = t_cell(x, states)[1], k_cell(x, states)[1]
            assert isinstance(got, list) == isinstance(want, list)
    assert tkeras.layers.LSTMCell(3).state_size == keras.layers.LSTMCell(3).state_size == [3, 3]
    assert tkeras.layers.GRUCell(3).state_size == keras.layers.GRUCell(3).state_size == 3


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SimpleRNNCell", {"bias_initializer": "ones", "kernel_initializer": "ones"}),
        ("LSTMCell", {}),
        ("LSTMCell", {"unit_forget_bias": False, "bias_initializer": "ones"}),
        ("GRUCell", {"kernel_initializer": "ones", "bias_initializer": "ones"}),
        ("GRUCell", {"reset_after": False, "kernel_initializer": "zeros"}),
    ],
    ids=str,
)
def test_cell_deterministic_initial_weights_match_keras(name, kwargs):
    t_cell = getattr(tkeras.layers, name)(3, recurrent_initializer="identity", **kwargs)
    k_cell = getattr(keras.layers, name)(3, recurrent_initializer="identity", **kwargs)
    t_cell.build_from_shape(STEP)
    k_cell.build(STEP)
    for got, want in zip(t_cell.get_weights()[1:], k_cell.get_weights()[1:]):
        np.testing.assert_array_equal(got, want)
    if kwargs.get("kernel_initializer") in ("ones", "zeros"):
        np.testing.assert_array_equal(t_cell.get_weights()[0], k_cell.get_weights()[0])


def test_cell_is_the_layer_math():
    """RNN(LSTMCell) and LSTM with the same weights give the same numbers (fused and loop)."""
    x = torch.tensor(_data())
    for extra in ({}, {"activation": "relu"}):
        layer = tkeras.layers.LSTM(3, return_sequences=True, **extra)
        layer.build_from_shape(SHAPE)
        cell_rnn = tkeras.layers.RNN(tkeras.layers.LSTMCell(3, **extra), return_sequences=True)
        cell_rnn.build_from_shape(SHAPE)
        cell_rnn.set_weights(layer.get_weights())
        torch.testing.assert_close(cell_rnn(x), layer(x))


def test_stacked_cells_get_initial_state_and_sizes_match_keras():
    cells = [
        Sub("SimpleRNNCell", {"units": 4}),
        Sub("LSTMCell", {"units": 3}),
        Sub("PairCell", {"units": 2}),
    ]
    k_stack = keras.layers.StackedRNNCells(_build("keras", cells))
    t_stack = tkeras.layers.StackedRNNCells(_build("tkeras", cells))
    assert t_stack.state_size == k_stack.state_size
    assert t_stack.output_size == k_stack.output_size == 4
    assert _structure(t_stack.get_initial_state(2)) == _structure(_np(k_stack.get_initial_state(2)))


def test_signatures_match_keras():
    for layer in ("RNN", "Bidirectional", "TimeDistributed", *CELLS):
        want = inspect.signature(getattr(keras.layers, layer).__init__)
        got = inspect.signature(getattr(tkeras.layers, layer).__init__)
        assert [(p.name, p.kind, p.default) for p in got.parameters.values()] == [
            (p.name, p.kind, p.default) for p in want.parameters.values()
        ], layer


# ---------------------------------------------------------------------------- TimeDistributed


@pytest.mark.parametrize(
    "inner,shape",
    [
        (Sub("Dense", {"units": 3}), (None, 5, 4)),
        (Sub("Dense", {"units": 3}), (2, 5, 7, 4)),
        (Sub("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2}), (None, 3, 9, 9, 2)),
    ],
    ids=str,
)
def test_time_distributed_compute_output_shape_matches_keras(inner, shape):
    k_layer = keras.layers.TimeDistributed(_build("keras", inner))
    t_layer = tkeras.layers.TimeDistributed(_build("tkeras", inner))
    assert t_layer.compute_output_shape(shape) == k_layer.compute_output_shape(shape)
    assert tkeras.layers.TimeDistributed(_build("tkeras", inner))(
        tkeras.Input(shape[1:])
    ).shape == (
        None,
        *k_layer.compute_output_shape(shape)[1:],
    )


def test_time_distributed_mask_is_folded_and_passed_through():
    k_layer, t_layer = _pair("TimeDistributed", shape=(3, 2, 5, 4), layer=Sub("LSTM", {"units": 3}))
    x = torch.tensor(_data((3, 2, 5, 4)))
    mask = torch.tensor(np.random.default_rng(1).random((3, 2, 5)) > 0.3)
    _close(t_layer(x, mask=mask), k_layer(x, mask=mask))
    assert t_layer.compute_mask(x, mask) is mask
    assert keras.layers.TimeDistributed(keras.layers.Dense(2)).compute_mask(x, mask) is mask


def test_time_distributed_folds_into_one_call(monkeypatch):
    dense = tkeras.layers.Dense(2)
    layer = tkeras.layers.TimeDistributed(dense)
    layer(torch.ones(3, 5, 4))
    calls = []
    monkeypatch.setattr(dense, "forward", lambda x: calls.append(tuple(x.shape)) or x[..., :2])
    layer(torch.ones(3, 5, 4))
    assert calls == [(15, 4)]


def test_time_distributed_conv2d_output_is_channels_last_view():
    layer = tkeras.layers.TimeDistributed(tkeras.layers.Conv2D(4, 3, padding="same"))
    y = layer(torch.randn(2, 3, 6, 6, 2).contiguous(memory_format=torch.contiguous_format))
    assert tuple(y.shape) == (2, 3, 6, 6, 4)
    assert y.is_contiguous()


def test_time_distributed_batch_normalization_statistics_per_step():
    k_layer, t_layer = _pair(
        "TimeDistributed", shape=(4, 3, 5), layer=Sub("BatchNormalization", {"momentum": 0.5})
    )
    x = torch.tensor(_data((4, 3, 5)) + np.arange(3, dtype="float32")[None, :, None])
    _close(t_layer(x, training=True), k_layer(x, training=True))
    _close(t_layer.layer.get_weights(), k_layer.layer.get_weights())  # moving stats: 3 updates
    _close(t_layer(x), k_layer(x))


# ---------------------------------------------------------------------------- errors


def test_bidirectional_errors():
    B = tkeras.layers.Bidirectional
    with pytest.raises(
        ValueError,
        match=r"Bidirectional 'b': `layer` must be a keras.layers.Layer instance \(a recurrent "
        r"layer such as LSTM\). Received: layer='lstm'",
    ):
        B("lstm", name="b")
    with pytest.raises(
        ValueError,
        match=r"Bidirectional 'b': `layer` must be a recurrent layer .*; Dense 'd' has no "
        r"`go_backwards`, `return_sequences`, `return_state`, `stateful`. Received: layer=",
    ):
        B(tkeras.layers.Dense(2, name="d"), name="b")
    with pytest.raises(
        ValueError,
        match=r"Bidirectional 'b': `backward_layer` must be a keras.layers.Layer instance. "
        r"Received: backward_layer=3",
    ):
        B(tkeras.layers.LSTM(2), backward_layer=3, name="b")
    with pytest.raises(
        ValueError,
        match=r"Bidirectional 'b': invalid merge mode. Received: merge_mode='max'. Merge mode "
        r'should be one of \{"sum", "mul", "ave", "concat", None\}',
    ):
        B(tkeras.layers.LSTM(2), merge_mode="max", name="b")
    for attr in ("return_sequences", "return_state"):
        with pytest.raises(
            ValueError,
            match=rf"Bidirectional 'b': the forward layer and the backward layer are expected "
            rf'to have the same value for attribute "{attr}", got "False" for the forward '
            r'layer and "True" for the backward layer',
        ):
            B(
                tkeras.layers.GRU(2),
                backward_layer=tkeras.layers.GRU(2, go_backwards=True, **{attr: True}),
                name="b",
            )
    with pytest.raises(
        ValueError,
        match=r"Bidirectional 'b': the forward layer and the backward layer should have "
        r"different `go_backwards` values. Received: forward_layer.go_backwards=False, "
        r"backward_layer.go_backwards=False",
    ):
        B(tkeras.layers.GRU(2), backward_layer=tkeras.layers.GRU(2), name="b")
    with pytest.raises(ValueError, match=r"backward_layer.go_backwards=True"):
        B(tkeras.layers.GRU(2, go_backwards=True), name="b")  # its copy goes backwards too
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "b" is incompatible with the layer: expected ndim=3, found '
        r"ndim=2. Full shape received: \(3, 4\). Recurrent layers take",
    ):
        B(tkeras.layers.LSTM(2), name="b")(torch.ones(3, 4))


def test_time_distributed_errors():
    with pytest.raises(
        ValueError,
        match=r"TimeDistributed 't': `layer` must be a keras.layers.Layer instance. "
        r"Received: layer=<built-in method relu",
    ):
        tkeras.layers.TimeDistributed(torch.relu, name="t")
    layer = tkeras.layers.TimeDistributed(tkeras.layers.Dense(2), name="t")
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "t" is incompatible with the layer: expected min_ndim=3, '
        r"found ndim=2. Full shape received: \(3, 4\). TimeDistributed applies its layer to "
        r"every timestep",
    ):
        layer(torch.ones(3, 4))
    with pytest.raises(
        ValueError,
        match=r"TimeDistributed 't': the input must have at least 3 dimensions \(batch, time, "
        r"...\). Received: input_shape=\(3, 4\)",
    ):
        layer.compute_output_shape((3, 4))
    layer(torch.ones(3, 5, 4))
    with pytest.raises(ValueError, match=r"expected min_ndim=3, found ndim=2"):
        layer(torch.ones(3, 4))
    with pytest.raises(
        ValueError,
        match=r"TimeDistributed 't': the `mask` must be at least 2D \(e.g. `\(batch_size, "
        r"timesteps\)`\), but it has 1 dimension\(s\) with shape \(3,\)",
    ):
        layer(torch.ones(3, 5, 4), mask=torch.ones(3, dtype=torch.bool))
    with pytest.raises(
        ValueError,
        match=r"TimeDistributed 't': the `mask` shape \(3, 4\) is incompatible with the input "
        r"shape \(3, 5, 4\). .* Expected mask shape prefix: \(3, 5\)",
    ):
        layer(torch.ones(3, 5, 4), mask=torch.ones(3, 4, dtype=torch.bool))


class _NoStateSize(tkeras.layers.Layer):
    def call(self, inputs, states):
        return inputs, states


class _NoCall:
    state_size = 3


class _BadStateSize(tkeras.layers.Layer):
    state_size = "3"

    def call(self, inputs, states):
        return inputs, states


class _WrongStateCount(tkeras.layers.Layer):
    state_size = [4, 4]

    def call(self, inputs, states):
        return inputs, [states[0]]


def test_rnn_constructor_errors():
    with pytest.raises(
        ValueError,
        match=r"RNN 'r': every RNN cell in `cell` must have a `state_size` attribute \(an int, "
        r"or a list of ints: one per state\). Received: cell=",
    ):
        tkeras.layers.RNN(_NoStateSize(), name="r")
    with pytest.raises(
        ValueError,
        match=r"RNN 'r': every RNN cell in `cell` must have a `call\(inputs, states\)` method. "
        r"Received: cell=<",
    ):
        tkeras.layers.RNN(_NoCall(), name="r")
    with pytest.raises(
        ValueError,
        match=r"RNN 'r': the cell's `state_size` must be an int, or a list/tuple of ints \(one "
        r"per state tensor\). Received: state_size='3'",
    ):
        tkeras.layers.RNN(_BadStateSize(), name="r")
    with pytest.raises(
        ValueError,
        match=r"StackedRNNCells 's': every RNN cell in `cells` must have a `state_size` "
        r"attribute",
    ):
        tkeras.layers.StackedRNNCells([tkeras.layers.LSTMCell(2), _NoStateSize()], name="s")
    with pytest.raises(
        ValueError, match=r"StackedRNNCells 's': every RNN cell in `cells` must have a `call"
    ):
        tkeras.layers.StackedRNNCells([_NoCall()], name="s")


def test_rnn_call_errors():
    with pytest.raises(
        ValueError,
        match=r"RNN 'r': cannot unroll a RNN if the time dimension is undefined.\n- If using a "
        r"Sequential model",
    ):
        tkeras.layers.RNN(tkeras.layers.GRUCell(2), unroll=True, name="r")(tkeras.Input((None, 3)))
    with pytest.raises(
        ValueError,
        match=r"When using `stateful=True` in a RNN, the batch size must be static. Found "
        r"dynamic batch size: sequence.shape=\(None, 5, 4\)",
    ):
        tkeras.layers.RNN(tkeras.layers.GRUCell(2), stateful=True)(tkeras.Input((5, 4)))
    stateful = tkeras.layers.RNN(tkeras.layers.GRUCell(2), stateful=True, name="st")
    stateful(torch.ones(3, 5, 4))
    with pytest.raises(
        ValueError,
        match=r"If an RNN is stateful, the batch size of the input sequences must be the same "
        r"as the batch size of the initial state. Layer 'st':\n- Expected batch size: 3\n- "
        r"Received batch size: 2",
    ):
        stateful(torch.ones(2, 5, 4))
    layer = tkeras.layers.RNN(tkeras.layers.LSTMCell(2), name="r")
    x = torch.ones(3, 5, 4)
    with pytest.raises(
        ValueError,
        match=r"RNN 'r' expects `initial_state` to be a list of 2 tensor\(s\) of shape "
        r"\(3, 2\), \(3, 2\) \(batch, \*state size\); received 1\.",
    ):
        layer(x, initial_state=[torch.zeros(3, 2)])
    with pytest.raises(
        ValueError,
        match=r"RNN 'r': each `initial_state` tensor must have shape \(3, 2\) \(batch, \*state "
        r"size\); received shape \(1, 2\)",
    ):
        layer(x, initial_state=[torch.zeros(1, 2), torch.zeros(3, 2)])
    with pytest.raises(
        ValueError,
        match=r"RNN 'r': `mask` must have shape \(batch, timesteps\) = \(3, 5\); received "
        r"shape \(3, 5, 1\)",
    ):
        layer(x, mask=torch.ones(3, 5, 1, dtype=torch.bool))
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "r" is incompatible with the layer: expected min_ndim=3, '
        r"found ndim=2. Full shape received: \(3, 4\). Recurrent layers take",
    ):
        tkeras.layers.RNN(tkeras.layers.LSTMCell(2), name="r")(torch.ones(3, 4))
    layer(x)
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "r" is incompatible with the layer: expected axis -1 of input '
        r"shape to have value 4, but received input with shape \(3, 5, 7\)",
    ):
        layer(torch.ones(3, 5, 7))
    with pytest.raises(
        ValueError,
        match=r"RNN 'w': the cell returned 1 state tensor\(s\), but its initial states hold 2 "
        r"\(state_size=\[4, 4\]\)",
    ):
        tkeras.layers.RNN(_WrongStateCount(), name="w")(torch.ones(3, 5, 4))


@pytest.mark.parametrize("name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_errors(name):
    cls = getattr(tkeras.layers, name)
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': received an invalid value for argument `units`, expected a "
        r"positive integer, got units=0",
    ):
        cls(0, name="c")
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c': invalid value received for argument `dropout`. Expected a float "
        r"value in \[0, 1\). Received: dropout=1.0",
    ):
        cls(2, dropout=1.0, name="c")
    with pytest.raises(ValueError, match=r"Received: recurrent_dropout=-0.1"):
        cls(2, recurrent_dropout=-0.1)
    with pytest.raises(ValueError, match=r"`seed` must be an int or None. Received: seed='x'"):
        cls(2, seed="x")
    cell = cls(2, name="c")
    count = 2 if name == "LSTMCell" else 1
    with pytest.raises(
        ValueError,
        match=rf"{name} 'c' expects `states` to be a list of {count} tensor\(s\) of shape "
        rf"\(batch, 2\); received {count + 1}",
    ):
        cell(torch.ones(3, 4), [torch.zeros(3, 2)] * (count + 1))
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "c" is incompatible with the layer: expected ndim=2, found '
        r"ndim=3. Full shape received: \(3, 5, 4\). A recurrent cell takes one timestep",
    ):
        cell(torch.ones(3, 5, 4), [torch.zeros(3, 2)] * count)


def test_cell_implementation_argument_as_keras():
    with pytest.raises(
        ValueError,
        match=r"LSTMCell 'c': invalid value received for argument `implementation`. Expected "
        r"1 or 2. Received: implementation=3",
    ):
        tkeras.layers.LSTMCell(2, implementation=3, name="c")
    with pytest.raises(
        ValueError,
        match=r"Unrecognized keyword arguments passed to SimpleRNNCell: \{'implementation': 1\}",
    ):
        tkeras.layers.SimpleRNNCell(2, implementation=1)
    assert tkeras.layers.GRUCell(2, implementation=1).implementation == 1
    assert tkeras.layers.GRUCell(2, recurrent_dropout=0.1).implementation == 1
