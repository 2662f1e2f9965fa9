"""ConvLSTM2D: a 2-D convolutional LSTM over a sequence of images."""

from __future__ import annotations

from typing import Any

from tkeras.layers.rnn.conv_lstm import _ConvLSTM


class ConvLSTM2D(_ConvLSTM):
    """2D convolutional LSTM layer (Shi et al., 2015): an LSTM with convolutional weights.

    Keras's ConvLSTM2D on torch's conv ops. The input convolution of every timestep runs in
    one batched call before the loop; each step runs the recurrent convolution ('same',
    stride 1) and the LSTM gates ``[i, f, c, o]``. Weights are
    Keras's ``kernel (*kernel_size, in_channels, 4*filters)``,
    ``recurrent_kernel (*kernel_size, filters, 4*filters)`` and ``bias (4*filters,)``,
    in Keras's layouts and order in ``get_weights``/``set_weights``.

    Args:
        filters: positive int, the number of output channels (of the output and both states).
        kernel_size: an int or a tuple of 2 ints, the convolution window (input and recurrent).
        strides: an int or a tuple of 2 ints, the input convolution's stride; ``strides > 1``
            is incompatible with ``dilation_rate > 1``.
        padding: ``'valid'`` or ``'same'`` (TF-style: the odd cell at the end) for the input
            convolution, case-insensitive; the recurrent convolution is always ``'same'``.
        data_format: ``'channels_last'`` (default, from ``config.image_data_format()``):
            inputs ``(batch, time, rows, cols, channels)``; or ``'channels_first'``:
            ``(batch, time, channels, rows, cols)``.
        dilation_rate: an int or a tuple of 2 ints, the input convolution's dilation.
        activation: activation of the cell input and output (default 'tanh').
        recurrent_activation: activation of the gates (default 'sigmoid').
        use_bias: whether to add a bias (to the input convolution).
        kernel_initializer: initializer of the input kernel (default 'glorot_uniform').
        recurrent_initializer: initializer of the recurrent kernel (default 'orthogonal').
        bias_initializer: initializer of the bias (default 'zeros').
        unit_forget_bias: start the forget-gate bias at 1 (the other gates use
            ``bias_initializer``).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers of the
            weights (Keras's shapes), added to ``losses``.
        activity_regularizer: regularizer of the outputs, added after each call.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints applied to the
            weights (Keras's shapes) after each optimizer update.
        dropout: float in [0, 1), fraction of the inputs dropped in training: one mask per
            gate per sequence, reused at every timestep, as Keras.
        recurrent_dropout: float in [0, 1), fraction of the recurrent state dropped in
            training, one mask per gate per sequence.
        seed: int seed of the dropout masks.
        return_sequences: return the whole output sequence instead of the last output.
        return_state: also return the final states: ``(output, h, c)``.
        go_backwards: process the sequence in reverse; the returned sequence is in that
            (reversed) order, as in Keras.
        stateful: keep the final states of each batch row for the next call (fixed batch
            size; ``reset_states()`` zeroes them).
        **kwargs: the base layer's arguments, plus Keras's RNN options ``unroll`` (same
            numbers; kept for compatibility) and ``zero_output_for_mask`` (masked steps output
            zeros instead of the previous output).

    Call arguments: ``inputs`` of rank 5; ``initial_state`` a list ``[h, c]`` shaped like one
    timestep of the output; ``mask`` a bool (batch, time) tensor, True = keep (a masked step
    repeats the previous output and states); ``training``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
        >>> layer(torch.ones(2, 5, 6, 6, 3)).shape
        torch.Size([2, 5, 6, 6, 4])

    Differences from Keras: ``filters``, ``strides``, ``dropout`` and ``recurrent_dropout``
    are validated when the layer is made (Keras clips the rates to [0, 1] and fails later on
    a bad ``filters`` or ``strides``); dropout masks come from torch's generator (same
    distribution, other values); ``unroll=True`` with a mask and ``go_backwards`` runs where
    Keras's torch backend fails.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            **kwargs,
        )
