"""The private rank-parameterized base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D.

An LSTM whose input and recurrent transformations are convolutions (Shi et al., 2015), with
Keras's weights, gate order ``[i, f, c, o]`` and sequence options. The input convolution of
every timestep runs before the loop as one batched call (time folded into the batch); each step
runs only the recurrent convolution ('same', stride 1, as Keras) and the gates, reusing the
LSTM step and the masked loop of ``_steps.py``.

Inside the loop tensors are in the torch op's layout ``(batch, channels, *spatial)`` (rank 1:
``(batch, channels, 1, steps)`` for the 2-D op, as ``Conv1D``); channels_last inputs reach it as
a permuted view of the channels_last memory, so no step copies a layout. Outputs and states are
returned in Keras's layout.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations, constraints, initializers, regularizers
from tkeras.backend import layout
from tkeras.layers import validation
from tkeras.layers.convolutional.base_conv import _CONV_OPS
from tkeras.layers.convolutional.base_conv_common import _ConvCommon
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import resolve_training
from tkeras.layers.padding import output_length, same_pads
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_recurrent import _RecurrentLayer

_SPATIAL_NAMES = {1: ("steps",), 2: ("rows", "cols"), 3: ("depth", "rows", "cols")}
_GATES = 4


class _ConvLSTM(_RecurrentLayer, _ConvCommon):
    """N-D convolutional LSTM with Keras's arguments; private, use ConvLSTM1D/2D/3D.

    Weights are Keras's ``kernel (*kernel_size, in_channels, 4*filters)``,
    ``recurrent_kernel (*kernel_size, filters, 4*filters)`` and ``bias (4*filters,)``; the
    kernels are views of torch conv weights ``(4*filters, in, *k)`` (``layout.ConvKernel``).
    The geometry checks, the op table, the padding plans and the layout views are the conv
    base's (``_ConvCommon``).
    """

    # Keras keeps the weights on a cell sublayer of this name (variable paths, .weights.h5).
    _cell_name = "conv_lstm_cell"
    _num_states = 2

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
        # Keras's RNN base takes these through **kwargs.
        unroll = kwargs.pop("unroll", False)
        zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.filters = validation.positive_int(self, "filters", filters)
        self._init_geometry(rank, kernel_size, strides, dilation_rate, padding)
        self.data_format = validation.data_format(self, data_format)
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
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self._has_dropout = self.dropout > 0 or self.recurrent_dropout > 0
        self._generators: dict[torch.device, torch.Generator] = {}
        self._state_names: tuple[str, ...] = ()

        self._init_layout(_CONV_OPS)
        self._init_pad_plans()
        # The recurrent conv is 'same' with stride 1 and no dilation whatever the input size.
        self._recurrent_plan = self._pad_plan([same_pads(1, k, 1) for k in self.kernel_size])
        self.bias = None
        self.input_spec = InputSpec(ndim=rank + 3)

    # ------------------------------------------------------------------ layouts

    def _to_keras(self, y: torch.Tensor) -> torch.Tensor:
        if self._channels_last:
            return layout.channels_last_view(y, self.rank)
        return y.squeeze(2) if self.rank == 1 else y

    def _split_step_shape(self, step: tuple) -> tuple[tuple, Any]:
        """(spatial sizes, channels) of one timestep's shape."""
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

    def _input_hint(self) -> str:
        names = _SPATIAL_NAMES[self.rank]
        axes = (*names, "channels") if self._channels_last else ("channels", *names)
        return (
            f"{type(self).__name__} with data_format={self.data_format!r} expects inputs of "
            f"shape (batch, time, {', '.join(axes)})."
        )

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        name = type(self).__name__
        batch, step = input_shape[0], input_shape[2:]
        spatial, in_channels = self._split_step_shape(step)
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
        state_step = self._state_step_shape(step)
        if 0 in state_step:
            raise ValueError(
                f"{name} {self.name!r}: the computed output size would be zero or negative: the "
                f"input is smaller than the dilated kernel. Received: input_shape={input_shape}, "
                f"kernel_size={self.kernel_size}, dilation_rate={self.dilation_rate}, "
                f"strides={self.strides}, padding={self.padding!r}. Use padding='same' or a "
                "larger input."
            )
        kernel_layout = self._kernel_layout
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, in_channels, _GATES * self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
            layout=kernel_layout,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(*self.kernel_size, self.filters, _GATES * self.filters),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
            name="recurrent_kernel",
            layout=kernel_layout,
        )
        weights = [self.kernel, self.recurrent_kernel]
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(_GATES * self.filters,),
                initializer=self._bias_init(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
            weights.append(self.bias)
        for var in weights:  # Keras's variable paths go through the cell
            var.path = f"{self.name}/{self._cell_name}/{var.name}"
        if self.stateful:
            self._state_names = ("_state_h", "_state_c")
            for state_name in self._state_names:
                self.register_buffer(state_name, torch.zeros(batch, *state_step), persistent=False)
        self._plan_spatial(input_shape[:1] + tuple(step))
        self._step_shape = tuple(step)
        self._state_step = state_step
        self.input_spec = InputSpec(ndim=self.rank + 3, axes={i + 2: d for i, d in enumerate(step)})

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

    def call(
        self,
        inputs: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        if inputs.shape[2:] != self._step_shape:
            self._check_input(inputs)
        batch = inputs.shape[0]
        train = self._has_dropout and resolve_training(self, training)
        if initial_state is not None:
            states = self._given_states(initial_state, inputs)
        elif self.stateful:
            states = self._stateful_states(inputs)
        else:
            zeros = self._to_op_layout(inputs.new_zeros((batch, *self._state_step)))
            states = (zeros, zeros)
        in_mask = rec_mask = None
        if train:
            in_mask, rec_mask = self._dropout_masks(inputs)
        projected = self._project(inputs, in_mask).unbind(1)
        if mask is not None:
            mask = self._bool_mask(mask, inputs)
        if self.go_backwards:
            projected = projected[::-1]
            if mask is not None:
                mask = mask.flip(1)
        last, sequence, (h, c) = _steps.run(
            self._step(rec_mask),
            projected,
            states,
            mask,
            self.zero_output_for_mask,
            self.return_sequences,
        )
        h, c = self._to_keras(h), self._to_keras(c)
        if self.stateful:
            self._state_h, self._state_c = h.detach(), c.detach()
        output = sequence if self.return_sequences else last
        if self.return_state:
            return output, h, c
        return output

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

    # ------------------------------------------------------------------ states, masks, dropout

    def _given_states(self, initial_state: Any, inputs: torch.Tensor) -> tuple:
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        name = type(self).__name__
        want = (inputs.shape[0], *self._state_step)
        if len(states) != 2:
            raise ValueError(
                f"{name} {self.name!r} expects `initial_state` to be a list of 2 tensors [h, c] "
                f"of shape {want}; received {len(states)}."
            )
        out = []
        for s in states:
            s = torch.as_tensor(s, dtype=inputs.dtype, device=inputs.device)
            if tuple(s.shape) != want:
                raise ValueError(
                    f"{name} {self.name!r}: each `initial_state` tensor must have shape "
                    f"{want} (the output shape of one timestep); received shape "
                    f"{tuple(s.shape)}."
                )
            out.append(self._to_op_layout(s))
        return tuple(out)

    def _stateful_states(self, inputs: torch.Tensor) -> tuple:
        return tuple(self._to_op_layout(s) for s in self._stored_states(inputs))

    def _dropout_masks(self, inputs: torch.Tensor) -> tuple:
        """Keras's masks for one call, one per gate, reused at every timestep: the input mask
        (4, batch, *step) and the recurrent mask (4, batch, *state step), each or None."""
        batch = inputs.shape[0]
        in_mask = rec_mask = None
        if self.dropout > 0:
            in_mask = self._draw_mask((_GATES, batch, *self._step_shape), self.dropout, inputs)
        if self.recurrent_dropout > 0:
            shape = (_GATES, batch, *self._state_step)
            rec_mask = self._draw_mask(shape, self.recurrent_dropout, inputs)
        return in_mask, rec_mask

    # ------------------------------------------------------------------ shapes

    def compute_output_shape(self, input_shape: Any, initial_state_shape: Any = None) -> Any:
        input_shape = tuple(input_shape)
        batch, steps = input_shape[0], input_shape[1]
        state = (batch, *self._state_step_shape(input_shape[2:]))
        output = (batch, steps, *state[1:]) if self.return_sequences else state
        if self.return_state:
            return (output, state, state)
        return output
