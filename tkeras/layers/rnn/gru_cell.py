"""GRUCell: one step of Keras's GRU, for ``keras.layers.RNN``."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import activations
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell, is_one_of


class GRUCell(_BaseRNNCell):
    """Cell of a gated recurrent unit RNN: one step on the state ``h``.

    Weights are GRU's: ``kernel (input_dim, 3*units)``, ``recurrent_kernel (units, 3*units)``
    (Keras gates ``[z, r, h]``; torch's kernel gets them reordered to ``[r, z, n]``) and ``bias``,
    ``(2, 3*units)`` with ``reset_after=True`` (input and recurrent rows), ``(3*units,)``
    without. ``RNN(GRUCell(...))`` runs ``torch.gru`` (default activations, ``reset_after=True``,
    no mask, ``unroll=False``) or the step loop, with the same numbers.

    Args:
        units: positive int, the size of the output and state.
        activation: activation of the candidate state (default 'tanh').
        recurrent_activation: activation of the gates (default 'sigmoid').
        use_bias: whether to use a bias.
        kernel_initializer: initializer of the input kernel (default 'glorot_uniform').
        recurrent_initializer: initializer of the recurrent kernel (default 'orthogonal').
        bias_initializer: initializer of the bias (default 'zeros').
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers of the
            weights (Keras layout), added to ``losses``.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to the
            weights (Keras layout) after each optimizer update.
        dropout: float in [0, 1), fraction of the inputs dropped in training (one mask, one
            per gate with ``recurrent_dropout``, reused until ``reset_dropout_mask``).
        recurrent_dropout: float in [0, 1), fraction of the previous state dropped in training.
        reset_after: apply the reset gate after the recurrent matmul (torch's and cuDNN's
            formula, the default) or before it.
        seed: int seed of the dropout masks.

    Call arguments: ``inputs`` (batch, features); ``states`` the previous state, a (batch, units)
    tensor or a list of one; ``training``. Returns ``(output, new_states)``, ``new_states`` a list
    when ``states`` is one, else a tensor.

    Example:
        >>> import torch, tkeras
        >>> cell = tkeras.layers.GRUCell(4, reset_after=False)
        >>> h, new_h = cell(torch.ones(2, 3), torch.zeros(2, 4))
        >>> tkeras.layers.RNN(cell)(torch.ones(2, 5, 3)).shape
        torch.Size([2, 4])

    Differences from Keras: ``dropout``/``recurrent_dropout`` outside [0, 1) raise instead of
    being clipped; dropout masks come from torch's generator (same distribution, other values).
    """

    _num_gates = 3
    _gate_order = (1, 0, 2)  # torch [r, z, n] <- Keras [z, r, h]
    _num_states = 1

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
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
            _cell_options={"reset_after": bool(reset_after)},
            **kwargs,
        )

    def _fused_activations_ok(self) -> bool:
        return (
            self.reset_after
            and is_one_of(self.activation, activations.tanh, torch.tanh)
            and is_one_of(self.recurrent_activation, activations.sigmoid, torch.sigmoid)
        )

    def _cudnn_unsupported_reason(self) -> str:
        if not self.reset_after:
            return "reset_after=False"
        return super()._cudnn_unsupported_reason()

    def _bias_shape(self) -> tuple[int, ...]:
        if self.reset_after:
            return (2, 3 * self.units)
        return (3 * self.units,)

    def _run_fused(self, x, states, weights, train):
        out, h = torch.gru(
            x,
            states[0].unsqueeze(0),
            self._fused_params(weights),
            self.use_bias,
            1,
            0.0,
            train,
            False,
            True,
        )
        return out, (h[0],)

    def _loop_step(self, weights, recurrent_mask):
        w_hh = weights[1]
        if self.reset_after:
            recurrent = _steps.recurrent_projection(w_hh, weights[3], recurrent_mask)
            return _steps.gru_step(recurrent, self.activation, self.recurrent_activation)
        split = 2 * self.units
        rz_mask = recurrent_mask[:2] if recurrent_mask is not None else None
        mask_n = recurrent_mask[2] if recurrent_mask is not None else None
        recurrent_rz = _steps.recurrent_projection(w_hh[:split], None, rz_mask)
        return _steps.gru_reset_before_step(
            recurrent_rz, w_hh[split:], mask_n, self.activation, self.recurrent_activation
        )
