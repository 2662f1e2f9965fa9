"""The private rank-parameterized base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D.

As in Keras, the layer holds its cell (``self.cell``, a ``ConvLSTMCell`` named
``conv_lstm_cell``), which owns the weights (paths ``conv_lstm2d/conv_lstm_cell/kernel``) and
runs the sequence (``conv_lstm_cell.py``); the layer adds the sequence options through the
recurrent base's one ``call`` (``base_recurrent.py``), and the cell's arguments read through
(``layer.filters``, ``layer.kernel`` ...).
"""

from __future__ import annotations

import inspect
from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.rnn import _nest
from tkeras.layers.rnn.base_recurrent import CELL_ATTRIBUTES, _RecurrentLayer, read_through
from tkeras.layers.rnn.conv_lstm_cell import ConvLSTMCell

# ConvLSTMCell's own arguments (all but rank), taken from the layer's keyword arguments.
_CELL_ARGS = tuple(
    name
    for name, p in inspect.signature(ConvLSTMCell.__init__).parameters.items()
    if p.kind is p.POSITIONAL_OR_KEYWORD and name not in ("self", "rank")
)
_SPATIAL_NAMES = {1: ("steps",), 2: ("rows", "cols"), 3: ("depth", "rows", "cols")}

# The cell's arguments and weights, read through the layer as Keras's properties do.
_CELL_ATTRIBUTES = (
    "rank",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    *CELL_ATTRIBUTES,
)


class _ConvLSTM(_RecurrentLayer):
    """N-D convolutional LSTM with Keras's arguments; private, use ConvLSTM1D/2D/3D."""

    _num_states = 2

    def __init__(
        self,
        rank: int,
        *,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        activity_regularizer: Any = None,
        **kwargs: Any,
    ) -> None:
        # The cell's arguments go to the cell; Keras's RNN base takes unroll and
        # zero_output_for_mask through **kwargs; the rest are the base layer's.
        cell_args = {k: kwargs.pop(k) for k in _CELL_ARGS if k in kwargs}
        unroll = kwargs.pop("unroll", False)
        zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.cell = ConvLSTMCell(
            rank,
            **cell_args,
            name="conv_lstm_cell",
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
        )
        self._init_sequence_options(
            return_sequences, return_state, go_backwards, stateful, unroll, zero_output_for_mask
        )
        self._state_names: tuple[str, ...] = ()
        self.input_spec = InputSpec(ndim=rank + 3)

    def _input_hint(self) -> str:
        names = _SPATIAL_NAMES[self.rank]
        axes = (*names, "channels") if self.cell._channels_last else ("channels", *names)
        return (
            f"{type(self).__name__} with data_format={self.data_format!r} expects inputs of "
            f"shape (batch, time, {', '.join(axes)})."
        )

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        name, cell = type(self).__name__, self.cell
        batch, step = input_shape[0], input_shape[2:]
        spatial, in_channels = cell._split_step_shape(step)
        if None in spatial:
            raise ValueError(
                f"{name} {self.name!r}: ConvLSTM layers only support static input shapes for "
                f"the spatial dimensions. Received: input_shape={input_shape}"
            )
        if in_channels is None:
            raise ValueError(
                f"{name} {self.name!r}: the channel dimension of the inputs must be known to "
                f"build the layer. Received: input_shape={input_shape}"
            )
        if self.stateful:
            self._check_static_batch(batch, input_shape)
        if 0 in cell._state_step_shape(step):
            raise ValueError(
                f"{name} {self.name!r}: the computed output size would be zero or negative: the "
                f"input is smaller than the dilated kernel. Received: input_shape={input_shape}, "
                f"kernel_size={self.kernel_size}, dilation_rate={self.dilation_rate}, "
                f"strides={self.strides}, padding={self.padding!r}. Use padding='same' or a "
                "larger input."
            )
        if not cell.built:
            cell.build_from_shape((batch, *step))
            _nest.nest_paths(self, cell)
        if self.stateful:
            like = torch.empty((), dtype=self.compute_dtype_torch)
            self._make_stored_states(cell._zero_state(batch, like))
        self._step_shape = tuple(step)
        self.input_spec = InputSpec(ndim=self.rank + 3, axes={i + 2: d for i, d in enumerate(step)})

    def _check_sequences(self, sequences: torch.Tensor) -> None:
        if sequences.shape[2:] != self._step_shape:
            self._check_input(sequences)

    def compute_output_shape(self, input_shape: Any, initial_state_shape: Any = None) -> Any:
        input_shape = tuple(input_shape)
        batch, steps = input_shape[0], input_shape[1]
        state = (batch, *self.cell._state_step_shape(input_shape[2:]))
        output = (batch, steps, *state[1:]) if self.return_sequences else state
        if self.return_state:
            return (output, state, state)
        return output


read_through(_ConvLSTM, _CELL_ATTRIBUTES)
