"""SimpleRNNCell: one step of Keras's SimpleRNN, for ``keras.layers.RNN``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell, plain

# Activations torch has a fused SimpleRNN kernel for.
_FUSED_KERNELS = {
    plain(activations.tanh): torch.rnn_tanh,
    torch.tanh: torch.rnn_tanh,
    plain(activations.relu): torch.rnn_relu,
    torch.relu: torch.rnn_relu,
    F.relu: torch.rnn_relu,
}


class SimpleRNNCell(_BaseRNNCell):
    """Cell of a fully-connected RNN: one step ``h = activation(x W + b + h_prev U)``.

    Weights are SimpleRNN's: ``kernel (input_dim, units)``, ``recurrent_kernel (units, units)``
    and ``bias (units,)``; the kernels are views of torch's ``(units, in)`` weights.
    ``RNN(SimpleRNNCell(...))`` runs torch's fused kernel (activation 'tanh' or 'relu', no mask,
    ``unroll=False``) or the step loop.

    Args:
        units: positive int, the size of the output and state.
        activation: activation name or callable (default 'tanh'; None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of the input kernel (default 'glorot_uniform').
        recurrent_initializer: initializer of the recurrent kernel (default 'orthogonal').
        bias_initializer: initializer of the bias (default 'zeros').
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers of the
            weights (Keras layout), added to ``losses``.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to the
            weights (Keras layout) after each optimizer update.
        dropout: float in [0, 1), fraction of the inputs dropped in training (one mask per
            sequence, reused at every step until ``reset_dropout_mask``).
        recurrent_dropout: float in [0, 1), fraction of the previous state dropped in training.
        seed: int seed of the dropout masks.

    Call arguments: ``inputs`` (batch, features); ``states`` the previous state, a (batch, units)
    tensor or a list of one; ``training``. Returns ``(output, new_states)``, ``new_states`` a list
    when ``states`` is one, else a tensor.

    Example:
        >>> import torch, tkeras
        >>> cell = tkeras.layers.SimpleRNNCell(4)
        >>> out, [h] = cell(torch.ones(2, 3), [torch.zeros(2, 4)])
        >>> out.shape, tkeras.layers.RNN(cell)(torch.ones(2, 5, 3)).shape
        (torch.Size([2, 4]), torch.Size([2, 4]))

    Differences from Keras: ``dropout``/``recurrent_dropout`` outside [0, 1) raise instead of
    being clipped; dropout masks come from torch's generator (same distribution, other values).
    """

    _num_gates = 1
    _num_states = 1

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
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
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            units,
            activation=activation,
            recurrent_activation=None,
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
            **kwargs,
        )

    def _fused_activations_ok(self) -> bool:
        self._fused_kernel = _FUSED_KERNELS.get(plain(self.activation))
        return self._fused_kernel is not None

    def _cudnn_unsupported_reason(self) -> str:
        return ""  # SimpleRNN has no use_cudnn argument

    def _run_fused(self, x, states, weights, train):
        out, h = self._fused_kernel(
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
        recurrent = _steps.recurrent_projection(weights[1], None, recurrent_mask)
        return _steps.simple_rnn_step(recurrent, self.activation)
