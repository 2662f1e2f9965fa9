"""SimpleRNN: a fully-connected recurrent layer, on torch's fused ``rnn_tanh``/``rnn_relu``."""

from __future__ import annotations

import warnings
from typing import Any

from tkeras.layers.rnn.base_rnn import _BaseRNN
from tkeras.layers.rnn.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(_BaseRNN):
    """Fully-connected RNN where the output is fed back: ``h = activation(x W + h_prev U + b)``.

    Weights are Keras's ``kernel (input_dim, units)``, ``recurrent_kernel (units, units)`` and
    ``bias (units,)``, owned by its ``cell``. With ``activation`` 'tanh' or 'relu', no mask,
    ``unroll=False`` and (in training) no ``recurrent_dropout``, the layer runs torch's fused
    kernel; otherwise Keras's cell math in a step loop (same numbers).

    Args:
        units: positive int, the size of the output and state.
        activation: activation name or callable (default 'tanh'; None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of the input kernel (default 'glorot_uniform').
        recurrent_initializer: initializer of the recurrent kernel (default 'orthogonal').
        bias_initializer: initializer of the bias (default 'zeros').
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers of the
            weights (Keras layout), added to ``losses``.
        activity_regularizer: ignored with a warning, as Keras 3's SimpleRNN ignores it.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to the
            weights (Keras layout) after each optimizer update.
        dropout: float in [0, 1), fraction of the inputs dropped in training (one mask per
            sequence, reused at every timestep).
        recurrent_dropout: float in [0, 1), fraction of the recurrent state dropped in training
            (one mask per sequence).
        return_sequences: return the whole output sequence (batch, time, units) instead of the
            last output (batch, units).
        return_state: also return the final state: ``(output, h)``.
        go_backwards: process the sequence in reverse; the returned sequence is in that
            (reversed) order, as in Keras.
        stateful: keep the final state of each batch row as the initial state of the next call
            (fixed batch size; ``reset_states()`` zeroes it).
        unroll: run the step loop (same numbers; kept for Keras compatibility).
        seed: int seed of the dropout masks.

    Call arguments: ``inputs`` (batch, time, features); ``initial_state`` a tensor or a list of
    one (batch, units) tensor; ``mask`` a bool (batch, time) tensor, True = keep (a masked step
    repeats the previous output and state); ``training``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.SimpleRNN(4)(torch.ones(2, 5, 3)).shape
        torch.Size([2, 4])

    Differences from Keras: ``dropout``/``recurrent_dropout`` outside [0, 1) raise instead of
    being clipped; dropout masks come from torch's generator (same distribution, other values);
    ``activity_regularizer``, which Keras 3's SimpleRNN accepts and never applies, is ignored
    the same way but with a warning.
    """

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
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        if activity_regularizer is not None:
            # Keras 3's SimpleRNN accepts the argument but never passes it on: no penalty.
            warnings.warn(
                f"SimpleRNN: activity_regularizer={activity_regularizer!r} is ignored, as in "
                "Keras 3 (its SimpleRNN never applies it). Add an ActivityRegularization layer "
                "after the SimpleRNN to penalize its outputs.",
                stacklevel=3,
            )
            activity_regularizer = None
        cell = SimpleRNNCell(
            units,
            activation=activation,
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
            name="simple_rnn_cell",
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
            **kwargs,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        # Keras's SimpleRNN never writes its seed (its cell's config has it).
        config.pop("seed", None)
        return config
