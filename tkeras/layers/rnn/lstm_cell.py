"""LSTMCell: one step of Keras's LSTM, for ``keras.layers.RNN``."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import activations, initializers
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell, is_one_of


class LSTMCell(_BaseRNNCell):
    """Cell of a long short-term memory RNN: one step on the states ``[h, c]``.

    Weights are LSTM's: ``kernel (input_dim, 4*units)``, ``recurrent_kernel (units, 4*units)``
    and one ``bias (4*units,)``, gates ``[i, f, c, o]`` (torch's order); the kernels are views
    of torch's ``(4*units, in)`` weights.
    ``RNN(LSTMCell(...))`` runs ``torch.lstm`` (default activations, no mask, ``unroll=False``) or
    the step loop, with the same numbers.

    Args:
        units: positive int, the size of the output and of both states.
        activation: activation of the cell input and output (default 'tanh').
        recurrent_activation: activation of the gates (default 'sigmoid').
        use_bias: whether to use a bias vector.
        kernel_initializer: initializer of the input kernel (default 'glorot_uniform').
        recurrent_initializer: initializer of the recurrent kernel (default 'orthogonal').
        bias_initializer: initializer of the bias (default 'zeros').
        unit_forget_bias: start the forget-gate bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers of the
            weights (Keras layout), added to ``losses``.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to the
            weights (Keras layout) after each optimizer update.
        dropout: float in [0, 1), fraction of the inputs dropped in training (one mask, one
            per gate with ``recurrent_dropout``, reused until ``reset_dropout_mask``).
        recurrent_dropout: float in [0, 1), fraction of the previous ``h`` dropped in training.
        seed: int seed of the dropout masks.

    Call arguments: ``inputs`` (batch, features); ``states`` the list ``[h, c]`` of (batch,
    units) tensors; ``training``. Returns ``(h, [h, c])``.

    Example:
        >>> import torch, tkeras
        >>> cell = tkeras.layers.LSTMCell(4)
        >>> h, [h, c] = cell(torch.ones(2, 3), [torch.zeros(2, 4), torch.zeros(2, 4)])
        >>> tkeras.layers.RNN(cell, return_sequences=True)(torch.ones(2, 5, 3)).shape
        torch.Size([2, 5, 4])

    Differences from Keras: ``dropout``/``recurrent_dropout`` outside [0, 1) raise instead of
    being clipped; dropout masks come from torch's generator (same distribution, other values).
    """

    _num_gates = 4
    _num_states = 2

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            _cell_options={"unit_forget_bias": bool(unit_forget_bias)},
            **kwargs,
        )

    def _fused_activations_ok(self) -> bool:
        return is_one_of(self.activation, activations.tanh, torch.tanh) and is_one_of(
            self.recurrent_activation, activations.sigmoid, torch.sigmoid
        )

    def _bias_init(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = initializers.get(self.bias_initializer)
        units = self.units

        # Keras: the bias initializer on [i], ones on [f], the initializer again on [c, o].
        def unit_forget_bias(shape, dtype=None):
            parts = [
                base((units,), dtype=dtype),
                torch.ones(units),
                base((2 * units,), dtype=dtype),
            ]
            return torch.cat([torch.as_tensor(p, dtype=torch.float32) for p in parts])

        return unit_forget_bias

    def _run_fused(self, x, states, weights, train):
        h0, c0 = states
        out, h, c = torch.lstm(
            x,
            (h0.unsqueeze(0), c0.unsqueeze(0)),
            self._fused_params(weights),
            self.use_bias,
            1,
            0.0,
            train,
            False,
            True,
        )
        return out, (h[0], c[0])

    def _loop_step(self, weights, recurrent_mask):
        recurrent = _steps.recurrent_projection(weights[1], None, recurrent_mask)
        return _steps.lstm_step(recurrent, self.activation, self.recurrent_activation)
