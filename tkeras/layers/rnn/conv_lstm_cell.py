"""ConvLSTMCell: the weights and the step of the ConvLSTM layers (Keras's ``conv_lstm_cell``).

An LSTM cell whose input and recurrent transformations are convolutions (Shi et al., 2015),
with Keras's weights and gate order ``[i, f, c, o]``. Over a whole sequence the input
convolution of every timestep runs before the loop as one batched call (time folded into the
batch); each step runs only the recurrent convolution ('same', stride 1, as Keras) and the
gates, reusing the LSTM step and the masked loop of ``_steps.py``.

Inside the loop tensors are in the torch op's layout ``(batch, channels, *spatial)`` (rank 1:
``(batch, channels, 1, steps)`` for the 2-D op, as ``Conv1D``); channels_last inputs reach it as
a permuted view of the channels_last memory, so no step copies a layout. Outputs and states are
returned in Keras's layout.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations, initializers
from tkeras.backend import layout
from tkeras.layers import validation
from tkeras.layers.convolutional.base_conv import _CONV_OPS
from tkeras.layers.convolutional.base_conv_common import _ConvCommon
from tkeras.layers.layer import resolve_training
from tkeras.layers.padding import output_length, same_pads
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_recurrent import _SeededDropout

_GATES = 4


class ConvLSTMCell(_SeededDropout, _ConvCommon):
    """The cell of ConvLSTM1D/2D/3D (``layer.cell``): its weights and one step.

    Weights are Keras's ``kernel (*kernel_size, in_channels, 4*filters)``,
    ``recurrent_kernel (*kernel_size, filters, 4*filters)`` and ``bias (4*filters,)``; the
    kernels are views of torch conv weights ``(4*filters, in, *k)`` (``layout.ConvKernel``).
    The geometry checks, the op table, the padding plans and the layout views are the conv
    base's (``_ConvCommon``). The arguments are the ConvLSTM layers' cell arguments.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.ConvLSTM2D(4, 3, padding="same")
        >>> _ = layer(torch.ones(2, 5, 6, 6, 3))
        >>> type(layer.cell).__name__, layer.cell.kernel.path
        ('ConvLSTMCell', 'conv_lstm2d/conv_lstm_cell/kernel')

    Differences from Keras: not exported (Keras does not export it either); one call of the
    cell (one timestep) draws fresh dropout masks, where Keras's cell keeps them until reset.
    """

    def __init__(
        self,
        rank: int,
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
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._init_weight_options(
            kernel=(kernel_regularizer, kernel_constraint),
            recurrent=(recurrent_regularizer, recurrent_constraint),
            bias=(bias_regularizer, bias_constraint),
        )
        self.filters = validation.positive_int(self, "filters", filters)
        self._init_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format)
        self._check_strides_with_dilation()
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.unit_forget_bias = bool(unit_forget_bias)
        self.dropout = validation.rate(self, dropout, "dropout")
        self.recurrent_dropout = validation.rate(self, recurrent_dropout, "recurrent_dropout")
        self.seed = self._check_seed(seed)
        self._has_dropout = self.dropout > 0 or self.recurrent_dropout > 0
        self._generators: dict[torch.device, torch.Generator] = {}
        self.state_size = -1  # Keras's: the state shape depends on the input's
        self._init_layout(_CONV_OPS)
        self._init_pad_plans()
        # The recurrent conv is 'same' with stride 1 and no dilation whatever the input size.
        self._recurrent_plan = self._pad_plan([same_pads(1, k, 1) for k in self.kernel_size])
        self.bias = None
        self.input_spec = None

    # ------------------------------------------------------------------ layouts, shapes

    def _to_keras(self, y: torch.Tensor) -> torch.Tensor:
        if self._channels_last:
            return layout.channels_last_view(y, self.rank)
        return y.squeeze(2) if self.rank == 1 else y

    def _split_step_shape(self, step: tuple) -> tuple[tuple, Any]:
        """(spatial sizes, channels) of one timestep's shape (without the batch)."""
        if self._channels_last:
            return tuple(step[:-1]), step[-1]
        return tuple(step[1:]), step[0]

    def _state_step_shape(self, step: tuple) -> tuple:
        """One state's shape without the batch: the input conv's output shape."""
        spatial, _ = self._split_step_shape(step)
        out = tuple(
            output_length(n, k, s, self.padding, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        if self._channels_last:
            return (*out, self.filters)
        return (self.filters, *out)

    # ------------------------------------------------------------------ build

    def build(self, input_shape: tuple) -> None:
        """Weights for one timestep's ``input_shape`` (batch, *spatial/channels); the layer
        checks the shape first (static spatial sizes, known channels, a non-empty output)."""
        step = tuple(input_shape[1:])
        _, in_channels = self._split_step_shape(step)
        kernel_layout = self._kernel_layout
        self.kernel = self._add_kernel(
            "kernel", (*self.kernel_size, in_channels, _GATES * self.filters), kernel_layout
        )
        self.recurrent_kernel = self._add_kernel(
            "recurrent", (*self.kernel_size, self.filters, _GATES * self.filters), kernel_layout
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(_GATES * self.filters,),
                initializer=self._bias_init(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self._plan_spatial((input_shape[0], *step))
        self._step_shape = step
        self._state_step = self._state_step_shape(step)

    def _bias_init(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = initializers.get(self.bias_initializer)
        filters = self.filters

        # Keras: the bias initializer on [i], ones on [f], the initializer again on [c, o].
        def unit_forget_bias(shape, dtype=None):
            parts = [
                base((filters,), dtype=dtype),
                torch.ones(filters),
                base((2 * filters,), dtype=dtype),
            ]
            return torch.cat([torch.as_tensor(p, dtype=torch.float32) for p in parts])

        return unit_forget_bias

    # ------------------------------------------------------------------ call

    def call(self, inputs: torch.Tensor, states: Any, training: bool | None = None) -> tuple:
        """One timestep: ``inputs`` (batch, *step), ``states`` [h, c] -> (h, [h, c])."""
        train = self._has_dropout and resolve_training(self, training)
        last, _, (h, c) = self._run_sequence(
            inputs.unsqueeze(1), tuple(states), None, train, False, False, False
        )
        return last, [h, c]

    def _zero_state(self, batch_size: int, like: torch.Tensor) -> list[torch.Tensor]:
        """Zero [h, c] for ``batch_size`` rows on ``like``'s device and dtype."""
        zeros = like.new_zeros((batch_size, *self._state_step))
        return [zeros, zeros]

    def _run_sequence(
        self,
        x: torch.Tensor,
        states: tuple,
        mask: torch.Tensor | None,
        training: bool,
        fused: bool,
        zero_output_for_mask: bool,
        return_sequences: bool,
    ) -> tuple:
        """The whole sequence ``x`` (batch, time, *step) in processing order from the Keras-
        layout ``states``: (last output, outputs or None, final states). ``fused`` is unused
        (torch has no fused ConvLSTM kernel)."""
        in_mask = rec_mask = None
        if training:
            in_mask, rec_mask = self._dropout_masks(x)
        projected = self._project(x, in_mask).unbind(1)
        states = tuple(self._to_op_layout(s) for s in states)
        last, sequence, (h, c) = _steps.run(
            self._step(rec_mask), projected, states, mask, zero_output_for_mask, return_sequences
        )
        return last, sequence, (self._to_keras(h), self._to_keras(c))

    def _project(self, inputs: torch.Tensor, in_mask: torch.Tensor | None) -> torch.Tensor:
        """The input conv of every timestep in one call: (B, T, *step) -> (B, T, 4F, *op)."""
        b, t = inputs.shape[:2]
        groups = 1
        if in_mask is None:
            x = inputs.reshape(b * t, *inputs.shape[2:])
        else:
            # One dropout mask per gate: the gates' masked copies side by side on the channel
            # axis, and a 4-group conv gives each gate its own copy.
            x = self._gate_copies(inputs, in_mask, time=True).flatten(0, 1)
            groups = _GATES
        x = self._to_op_layout(x)
        x, op_padding = self._padded(x)
        kernel = self._kernel_layout.op(self.kernel)
        y = self._op(x, kernel, self.bias, self._op_strides, op_padding, self._op_dilation, groups)
        return y.view(b, t, *y.shape[1:])

    def _gate_copies(self, x: torch.Tensor, masks: torch.Tensor, time: bool) -> torch.Tensor:
        """``x`` (B, [T,] *step) times each gate's mask (4, B, *step), concatenated on the
        channel axis gate by gate: (B, [T,] *step with 4x channels)."""
        if self._channels_last:
            m = masks.movedim(0, -2)  # (B, *spatial, 4, C)
            if time:
                m = m.unsqueeze(1)
            return (x.unsqueeze(-2) * m).flatten(-2)
        axis = 2 if time else 1
        m = masks.transpose(0, 1)  # (B, 4, C, *spatial)
        if time:
            m = m.unsqueeze(1)
        return (x.unsqueeze(axis) * m).flatten(axis, axis + 1)

    def _step(self, rec_mask: torch.Tensor | None) -> _steps.Step:
        op, kernel = self._op, self._kernel_layout.op(self.recurrent_kernel)
        op_padding, extra = self._recurrent_plan
        ones = (1,) * len(op_padding)
        groups = 1 if rec_mask is None else _GATES
        to_keras, to_op, gate_copies = self._to_keras, self._to_op_layout, self._gate_copies

        def recurrent(h: torch.Tensor) -> torch.Tensor:
            if rec_mask is not None:
                h = to_op(gate_copies(to_keras(h), rec_mask, time=False))
            if extra is not None:
                h = F.pad(h, extra)
            return op(h, kernel, None, ones, op_padding, ones, groups)

        lstm = _steps.lstm_step(recurrent, self.activation, self.recurrent_activation)

        def step(x_t: torch.Tensor, states: tuple) -> tuple:
            h, states = lstm(x_t, states)
            return to_keras(h), states

        return step

    def _dropout_masks(self, inputs: torch.Tensor) -> tuple:
        """Keras's masks for one sequence, one per gate, reused at every timestep: the input
        mask (4, batch, *step) and the recurrent mask (4, batch, *state step), each or None."""
        batch = inputs.shape[0]
        in_mask = rec_mask = None
        if self.dropout > 0:
            in_mask = self._draw_mask((_GATES, batch, *self._step_shape), self.dropout, inputs)
        if self.recurrent_dropout > 0:
            shape = (_GATES, batch, *self._state_step)
            rec_mask = self._draw_mask(shape, self.recurrent_dropout, inputs)
        return in_mask, rec_mask
