"""LSTM: long short-term memory, on torch's fused ``torch.lstm`` (cuDNN on CUDA)."""

from __future__ import annotations

from typing import Any

from tkeras.layers.rnn.base_rnn import _BaseRNN
from tkeras.layers.rnn.lstm_cell import LSTMCell


class LSTM(_BaseRNN):
    """Long Short-Term Memory layer (Hochreiter 1997), Keras's LSTM on torch's fused kernel.

    Weights are Keras's ``kernel (input_dim, 4*units)``, ``recurrent_kernel (units, 4*units)``
    and one ``bias (4*units,)``, gates ``[i, f, c, o]`` (torch's order), owned by its
    ``cell`` (an LSTMCell named ``lstm_cell``); torch's second bias is a frozen zero buffer,
    so training matches Keras's one bias.
    With the default activations, no mask, ``unroll=False``, ``use_cudnn`` not False and (in
    training) no ``recurrent_dropout``, the layer runs ``torch.lstm``; otherwise Keras's cell math
    in a step loop (same numbers).

    Args:
        units: positive int, the size of the output and of both states.
        activation: activation of the cell input and output (default 'tanh').
        recurrent_activation: activation of the gates (default 'sigmoid').
        use_bias: whether to use a bias vector.
        kernel_initializer: initializer of the input kernel (default 'glorot_uniform').
        recurrent_initializer: initializer of the recurrent kernel (default 'orthogonal').
        bias_initializer: initializer of the bias (default 'zeros').
        unit_forget_bias: start the forget-gate bias at 1 (the other gates use
            ``bias_initializer``).
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
        return_state: also return the final states: ``(output, h, c)``.
        go_backwards: process the sequence in reverse; the returned sequence is in that
            (reversed) order, as in Keras.
        stateful: keep the final states of each batch row for the next call (fixed batch
            size; ``reset_states()`` zeroes them).
        unroll: run the step loop (same numbers; kept for Keras compatibility).
        use_cudnn: 'auto' (fused kernel when the config allows), True (raise ValueError where
            Keras's torch backend raises: recurrent_dropout, or a mask) or False (step loop).

    Call arguments: ``inputs`` (batch, time, features); ``initial_state`` a list ``[h, c]`` of
    (batch, units) tensors; ``mask`` a bool (batch, time) tensor, True = keep (a masked step
    repeats the previous output and states); ``training``.

    Example:
        >>> import torch, tkeras
        >>> out, h, c = tkeras.layers.LSTM(4, return_state=True)(torch.ones(2, 5, 3))
        >>> out.shape, c.shape
        (torch.Size([2, 4]), torch.Size([2, 4]))

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
        unit_forget_bias: bool = True,
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
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = LSTMCell(
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
            unit_forget_bias=unit_forget_bias,
            implementation=kwargs.pop("implementation", 2),
            name="lstm_cell",
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
