"""The private base of SimpleRNN, LSTM and GRU: a cell that owns the weights, and the sequence.

As in Keras, each layer holds its cell (``self.cell``: a SimpleRNNCell, LSTMCell or GRUCell
named ``simple_rnn_cell``/``lstm_cell``/``gru_cell``), which validates the cell arguments, owns
the three variables (paths ``lstm/lstm_cell/kernel``) and runs the sequence on torch's fused
kernel or the step loop (``base_rnn_cell.py``). The layer adds the sequence options
(``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``, ``unroll``,
``use_cudnn``), initial and stored states and masks; the cell's arguments read through
(``layer.units``, ``layer.dropout``, ``layer.kernel`` ...).
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.rnn import _nest
from tkeras.layers.rnn.base_recurrent import CELL_ATTRIBUTES, _RecurrentLayer, read_through
from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell

# The cell's arguments and weights, read through the layer as Keras's properties do.
_CELL_ATTRIBUTES = ("units", "implementation", "reset_after", *CELL_ATTRIBUTES)


class _BaseRNN(_RecurrentLayer):
    """Shared machinery of the recurrent layers; private, never instantiated directly."""

    def __init__(
        self,
        cell: _BaseRNNCell,
        *,
        return_sequences: bool,
        return_state: bool,
        go_backwards: bool,
        stateful: bool,
        unroll: bool,
        activity_regularizer: Any = None,
        _use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        # `_use_cudnn` is private so that a SimpleRNN given `use_cudnn` rejects it as Keras does
        # (unrecognized keyword argument). Keras's RNN base takes zero_output_for_mask through
        # **kwargs (its configs carry it).
        use_cudnn = _use_cudnn
        zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.cell = cell
        if not self.trainable:
            cell.trainable = False
        self._num_states = cell._num_states
        self._init_sequence_options(
            return_sequences, return_state, go_backwards, stateful, unroll, zero_output_for_mask
        )
        if not (use_cudnn == "auto" or use_cudnn is True or use_cudnn is False):
            raise ValueError(
                f"{name} {self.name!r}: invalid value received for argument "
                "`use_cudnn`. Expected one of 'auto', True, False. "
                f"Received: use_cudnn={use_cudnn!r}"
            )
        self.use_cudnn = use_cudnn
        self._fused = use_cudnn is not False and not self.unroll and cell._fused_ok
        if use_cudnn is True:
            reason = cell._cudnn_unsupported_reason()
            if reason:
                raise ValueError(
                    f"{name} {self.name!r}: use_cudnn=True was specified, but the fused "
                    f"(cuDNN) kernel does not support {reason}. Pass use_cudnn='auto' to fall "
                    "back to the step loop."
                )
        self._state_names: tuple[str, ...] = ()
        self.input_spec = InputSpec(ndim=3)

    # ------------------------------------------------------------------ build

    def build(self, input_shape: tuple) -> None:
        batch, in_dim = input_shape[0], input_shape[-1]
        if self.stateful:
            self._check_static_batch(batch, input_shape)
        cell = self.cell
        if not cell.built:
            cell.build_from_shape((batch, in_dim))
            _nest.nest_paths(self, cell)
        if self.stateful:
            like = torch.empty((), dtype=self.compute_dtype_torch)
            self._make_stored_states(cell._zero_state(batch, like))
        self._input_dim = in_dim
        self.input_spec = InputSpec(ndim=3, axes={-1: in_dim})

    # ------------------------------------------------------------------ call hooks

    def _check_sequences(self, sequences: torch.Tensor) -> None:
        if sequences.shape[2] != self._input_dim:
            # torch.lstm on CPU does not check the feature size (it reads past the input).
            self._check_input(sequences)

    def _check_mask(self, mask: Any, inputs: torch.Tensor) -> torch.Tensor:
        if self.use_cudnn is True:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: use_cudnn=True was specified, but the "
                "fused (cuDNN) kernel does not support a `mask`. Pass use_cudnn='auto' to fall "
                "back to the step loop."
            )
        return super()._check_mask(mask, inputs)

    # ------------------------------------------------------------------ shapes

    def compute_output_shape(self, input_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, steps, units = input_shape[0], input_shape[1], self.cell.units
        output = (batch, steps, units) if self.return_sequences else (batch, units)
        if self.return_state:
            return (output, *((batch, units),) * self._num_states)
        return output


read_through(_BaseRNN, _CELL_ATTRIBUTES)
