"""RNN: runs any recurrent cell over a sequence (Keras's ``keras.layers.RNN(cell)``)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import config as _config
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.rnn import _nest, _steps
from tkeras.layers.rnn.base_recurrent import _RecurrentLayer
from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell
from tkeras.layers.rnn.gru_cell import GRUCell
from tkeras.layers.rnn.lstm_cell import LSTMCell
from tkeras.layers.rnn.simple_rnn_cell import SimpleRNNCell
from tkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells, check_cell
from tkeras.layers.rnn.stacked_rnn_cells import initial_state as _initial_state

# Cells whose whole sequence RNN runs itself: the input projection of every step in one
# matmul, and torch's fused kernel where the config allows (the cell's own layer's paths).
_BUILTIN_CELLS = (SimpleRNNCell, LSTMCell, GRUCell)


class RNN(_RecurrentLayer):
    """Recurrent layer over any RNN cell: ``RNN(LSTMCell(32))``, ``RNN([cell1, cell2])``.

    A cell is an object with ``call(inputs, states) -> (output, new_states)`` and a
    ``state_size`` (an int, or a list: one per state), optionally ``output_size`` and
    ``get_initial_state(batch_size)``: tkeras's ``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``,
    ``StackedRNNCells``, or a user-written ``keras.layers.Layer`` subclass. The layer loops the
    cell over the time axis with Keras's semantics (masks, ``go_backwards``, states). A tkeras
    cell with its layer's fused-compatible config (default activations, GRU ``reset_after``),
    no mask and ``unroll=False`` runs torch's fused kernel instead (cuDNN on CUDA), with the
    same numbers; other tkeras cells project every step's input in one matmul before the loop.

    Args:
        cell: an RNN cell, or a list of cells (stacked with ``StackedRNNCells``).
        return_sequences: return the whole output sequence instead of the last output.
        return_state: also return the final states: ``(output, *states)``, the states nested
            as the cell's (``[h, c]`` for an LSTMCell: two tensors; one entry per cell for a
            stack).
        go_backwards: process the sequence in reverse; the returned sequence is in that
            (reversed) order, as in Keras.
        stateful: keep the final states of each batch row for the next call (fixed batch size;
            ``reset_state()`` zeroes them).
        unroll: run the Python step loop even where the fused kernel could (same numbers); the
            time dimension must be known.
        zero_output_for_mask: with a mask and ``return_sequences``, output zeros at masked steps
            instead of repeating the previous output.

    Call arguments: ``sequences`` (batch, time, ...); ``initial_state`` the initial states,
    nested as the cell's or flat; ``mask`` a bool (batch, time) tensor, True = keep (a masked
    step repeats the previous output and keeps the states); ``training`` (passed to the cell).

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RNN(tkeras.layers.GRUCell(4), return_sequences=True)
        >>> layer(torch.ones(2, 5, 3)).shape
        torch.Size([2, 5, 4])

    Differences from Keras: ``initial_state`` may also be given flat (Keras needs the cell's
    nesting); a cell returning the wrong number of states raises ValueError naming the counts.
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        check_cell(self, "cell", cell)
        state_size = cell.state_size
        if isinstance(state_size, bool) or not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                f"RNN {self.name!r}: the cell's `state_size` must be an int, or a list/tuple "
                f"of ints (one per state tensor). Received: state_size={state_size!r}"
            )
        self.cell = cell
        self._init_sequence_options(
            return_sequences, return_state, go_backwards, stateful, unroll, zero_output_for_mask
        )
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)
        self._builtin = type(cell) in _BUILTIN_CELLS
        self._fused = self._builtin and not self.unroll and cell._fused_ok
        self._num_states = len(self.state_size)
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, sequences_shape: tuple, initial_state_shape: Any = None) -> None:
        cell = self.cell
        if isinstance(cell, Layer) and not cell.built:
            cell.build_from_shape((sequences_shape[0], *sequences_shape[2:]))
            _nest.nest_paths(self, cell)
        if self._builtin:
            # torch.lstm on CPU does not check the feature size (it reads past the input).
            self.input_spec = InputSpec(ndim=3, axes={-1: cell.kernel.shape[0]})
        if self.unroll and sequences_shape[1] is None:
            raise ValueError(
                f"RNN {self.name!r}: cannot unroll a RNN if the time dimension is undefined.\n"
                "- If using a Sequential model, specify the time dimension by passing an "
                "`Input()` as your first layer.\n"
                "- If using the functional API, specify the time dimension by passing a `shape` "
                "or `batch_shape` argument to your `Input()`."
            )
        if self.stateful:
            batch = sequences_shape[0]
            self._check_static_batch(batch, sequences_shape)
            like = torch.empty((), dtype=self.compute_dtype_torch)
            self._make_stored_states(_initial_state(cell, batch, like))

    # ------------------------------------------------------------------ call

    def _check_sequences(self, sequences: torch.Tensor) -> None:
        if self._builtin and sequences.shape[-1] != self.cell.kernel.shape[0]:
            self._check_input(sequences)

    def _zero_states(self, inputs: torch.Tensor) -> list:
        return _initial_state(self.cell, inputs.shape[0], inputs)

    def _run(self, x: torch.Tensor, states: list, flat: tuple, mask: Any, training: Any):
        if self._builtin:
            # A tkeras cell's sequence: its fused kernel, or its step over projected inputs.
            return super()._run(x, states, flat, mask, training)
        return self._run_cell(x, states, flat, mask, resolve_training(self, training))

    def _run_cell(self, x: torch.Tensor, states: list, flat: tuple, mask: Any, training: bool):
        """Any cell, called once per step on its nested states, as Keras's ``backend.rnn``."""
        cell = self.cell
        kwargs = {"training": training} if getattr(cell, "_call_has_training", False) else {}
        call = cell if callable(cell) else cell.call
        count = len(flat)

        def step(x_t: torch.Tensor, flat_states: tuple) -> tuple:
            # Keras hands the cell a tuple of its states (each nested as the cell made it).
            output, new_states = call(x_t, tuple(_nest.pack(states, flat_states)), **kwargs)
            new_flat = _nest.flatten(new_states)
            if len(new_flat) != count:
                raise ValueError(
                    f"RNN {self.name!r}: the cell returned {len(new_flat)} state tensor(s), "
                    f"but its initial states hold {count} (state_size={self.cell.state_size!r})."
                )
            return output, tuple(new_flat)

        try:
            return _steps.run(
                step, x.unbind(1), flat, mask, self.zero_output_for_mask, self.return_sequences
            )
        finally:
            _reset_dropout_masks(cell)

    # ------------------------------------------------------------------ states, shapes, masks

    def get_initial_state(self, batch_size: int) -> list:
        """The cell's initial states for ``batch_size`` rows (zeros unless the cell says)."""
        return _initial_state(self.cell, batch_size, torch.empty((), dtype=_config.floatx_torch()))

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, steps = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch, size))
            else:
                states_shape.append([(batch, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError(
                f"RNN {self.name!r}: the cell's output size must be an integer (set "
                f"`output_size` on the cell). Received: output_size={output_size!r}"
            )
        output = (batch, steps, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return (output, *states_shape)
        return output


def _reset_dropout_masks(cell: Any) -> None:
    """Forget the per-sequence dropout masks the cells cached (Keras resets them per call)."""
    if isinstance(cell, _BaseRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    elif isinstance(cell, StackedRNNCells):
        for c in cell.cells:
            _reset_dropout_masks(c)
