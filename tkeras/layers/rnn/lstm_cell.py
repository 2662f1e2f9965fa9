"""LSTMCell: one step of Keras's LSTM, for ``keras.layers.RNN``."""

from __future__ import annotations

from typing import Any

from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell
from tkeras.layers.rnn.lstm import LSTM


class LSTMCell(_BaseRNNCell):
    """Cell of a long short-term memory RNN: one step on the states ``[h, c]``.

    Weights are LSTM's: ``kernel (input_dim, 4*units)``, ``recurrent_kernel (units, 4*units)``
    and one ``bias (4*units,)``, gates ``[i, f, c, o]``, stored in torch's layout.
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

    # LSTM's own math, bias initializer and fused kernel.
    _fused_activations_ok = LSTM._fused_activations_ok
    _bias_init = LSTM._bias_init
    _run_fused = LSTM._run_fused
    _loop_step = LSTM._loop_step
