"""GRU: gated recurrent unit, on torch's fused ``torch.gru`` (cuDNN on CUDA)."""

from __future__ import annotations

from typing import Any

from tkeras.layers.rnn.base_rnn import _BaseRNN
from tkeras.layers.rnn.gru_cell import GRUCell


class GRU(_BaseRNN):
    """Gated Recurrent Unit (Cho et al. 2014), Keras's GRU on torch's fused kernel.

    Weights are Keras's ``kernel (input_dim, 3*units)``, ``recurrent_kernel (units, 3*units)``
    (Keras gates ``[z, r, h]``, reordered to torch's ``[r, z, n]`` for its kernel) and ``bias``:
    ``(2, 3*units)`` with ``reset_after=True`` (row 0 the input bias, row 1 the recurrent bias,
    torch's ``b_ih``/``b_hh``), ``(3*units,)`` with ``reset_after=False``. With the default
    activations, ``reset_after=True``, no mask, ``unroll=False``, ``use_cudnn`` not False and (in
    training) no ``recurrent_dropout``, the layer runs ``torch.gru``; otherwise Keras's cell math
    in a step loop (same numbers). ``reset_after=False`` (the reset gate applied before the
    recurrent kernel) has no torch kernel and always runs the loop.

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
        activity_regularizer: regularizer of the outputs, added after each call.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to the
            weights (Keras layout) after each optimizer update.
        dropout: float in [0, 1), fraction of the inputs dropped in training (one mask per
            sequence, reused at every timestep; one per gate with ``recurrent_dropout``).
        recurrent_dropout: float in [0, 1), fraction of the recurrent state dropped in training
            (one mask per gate per sequence, as Keras's implementation 1).
        seed: int seed of the dropout masks.
        return_sequences: return the whole output sequence instead of the last output.
        return_state: also return the final state: ``(output, h)``.
        go_backwards: process the sequence in reverse; the returned sequence is in that
            (reversed) order, as in Keras.
        stateful: keep the final state of each batch row for the next call (fixed batch size;
            ``reset_states()`` zeroes it).
        unroll: run the step loop (same numbers; kept for Keras compatibility).
        reset_after: apply the reset gate after the recurrent matmul (torch's and cuDNN's
            formula, the default) or before it.
        use_cudnn: 'auto' (fused kernel when the config allows), True (raise ValueError where
            Keras's torch backend raises: reset_after=False, recurrent_dropout, or a mask) or
            False (step loop).

    Call arguments: ``inputs`` (batch, time, features); ``initial_state`` a tensor or a list of
    one (batch, units) tensor; ``mask`` a bool (batch, time) tensor, True = keep (a masked step
    repeats the previous output and state); ``training``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.GRU(4, return_sequences=True)(torch.ones(2, 5, 3)).shape
        torch.Size([2, 5, 4])

    Differences from Keras: ``dropout``/``recurrent_dropout`` outside [0, 1) raise instead of
    being clipped; dropout masks come from torch's generator (same distribution, other values);
    ``implementation=1`` with ``dropout`` runs the step loop where Keras's torch backend fails.
    """

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
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        reset_after: bool = True,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = GRUCell(
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
            reset_after=reset_after,
            implementation=kwargs.pop("implementation", 2),
            name="gru_cell",
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
        )
        super().__init__(
            cell,
            activity_regularizer=activity_regularizer,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            _use_cudnn=use_cudnn,
            **kwargs,
        )
