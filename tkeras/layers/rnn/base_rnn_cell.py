"""The private base of SimpleRNNCell, LSTMCell and GRUCell: Keras's cell weights and one step.

A cell holds the same three variables as its layer (``kernel``, ``recurrent_kernel``, ``bias``,
Keras's layout at the surface, torch's layout and gate order inside, converted by
``backend.layout.Gates``) and runs the layer's own math: each public cell borrows its layer's
``_loop_step`` (``_steps.py``), bias shape and initializer and fused kernel, so a cell and its
layer cannot drift apart. ``call`` runs one timestep; ``keras.layers.RNN`` runs a whole sequence,
on torch's fused kernel where the cell's config allows it.
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras import activations, constraints, regularizers
from tkeras import config as _config
from tkeras.backend import layout
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_rnn import _BaseRNN
from tkeras.layers.validation import positive_int
from tkeras.layers.validation import rate as check_rate


class _BaseRNNCell(Layer):
    """Shared machinery of the recurrent cells; private, never instantiated directly.

    Subclasses set the class attributes below and provide ``_fused_activations_ok``,
    ``_loop_step`` and ``_run_fused`` (their layer's).
    """

    _num_gates = 1
    _gate_perm: tuple[int, ...] | None = None
    _num_states = 1
    _single_bias = True

    # The layer base's helpers, which read only the weights and the cell options.
    _fused_params = _BaseRNN._fused_params
    _bias_shape = _BaseRNN._bias_shape
    _bias_init = _BaseRNN._bias_init
    _input_bias = _BaseRNN._input_bias
    _dropout_masks = _BaseRNN._dropout_masks
    _draw_mask = _BaseRNN._draw_mask
    _check_seed = _BaseRNN._check_seed
    _init_implementation = _BaseRNN._init_implementation

    def __init__(
        self,
        units: int,
        *,
        activation: Any,
        recurrent_activation: Any,
        use_bias: bool,
        kernel_initializer: Any,
        recurrent_initializer: Any,
        bias_initializer: Any,
        kernel_regularizer: Any,
        recurrent_regularizer: Any,
        bias_regularizer: Any,
        kernel_constraint: Any,
        recurrent_constraint: Any,
        bias_constraint: Any,
        dropout: float,
        recurrent_dropout: float,
        seed: Any,
        _cell_options: dict | None = None,
        **kwargs: Any,
    ) -> None:
        # Keras's LSTMCell/GRUCell take `implementation` through **kwargs; SimpleRNNCell doesn't.
        implementation = kwargs.pop("implementation", 2) if self._num_gates > 1 else 2
        super().__init__(**kwargs)
        for option, value in (_cell_options or {}).items():
            setattr(self, option, value)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.units = positive_int(self, "units", units)
        self.activation = activations.get(activation)
        self.recurrent_activation = (
            activations.get(recurrent_activation) if self._num_gates > 1 else None
        )
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.dropout = check_rate(self, dropout, "dropout")
        self.recurrent_dropout = check_rate(self, recurrent_dropout, "recurrent_dropout")
        self.seed = self._check_seed(seed)
        self._init_implementation(implementation)
        # Whether `RNN` may run this cell on torch's fused kernel (no mask, no unroll).
        self._fused_ok = self._fused_activations_ok()
        self.state_size = [self.units] * 2 if self._num_states == 2 else self.units
        self.output_size = self.units
        self._generators: dict[torch.device, torch.Generator] = {}
        self._dropout_mask: torch.Tensor | None = None
        self._recurrent_dropout_mask: torch.Tensor | None = None
        self.input_spec = InputSpec(ndim=2)

    # ------------------------------------------------------------------ build

    def _input_hint(self) -> str:
        return (
            "A recurrent cell takes one timestep (batch, features); to run a sequence, wrap it "
            "in keras.layers.RNN."
        )

    def build(self, input_shape: tuple) -> None:
        in_dim = input_shape[-1]
        name = type(self).__name__
        if in_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of the input shape must be '
                f"known to build a {name} layer. Received: input_shape={input_shape}"
            )
        gates, units = self._num_gates, self.units
        kernel_layout = layout.Gates(gates, self._gate_perm)
        self.kernel = self.add_weight(
            shape=(in_dim, gates * units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            layout=kernel_layout,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, gates * units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
            layout=kernel_layout,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_init(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                layout=layout.Gates(gates, self._gate_perm, transpose=False),
            )
            if self._single_bias:
                self.register_buffer(
                    "_zero_recurrent_bias", torch.zeros(gates * units), persistent=False
                )
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=2, axes={-1: in_dim})

    # ------------------------------------------------------------------ call

    def call(self, inputs: torch.Tensor, states: Any, training: bool | None = None) -> tuple:
        nested = isinstance(states, (list, tuple))
        flat = tuple(states) if nested else (states,)
        if len(flat) != self._num_states:
            raise ValueError(
                f"{type(self).__name__} {self.name!r} expects `states` to be a list of "
                f"{self._num_states} tensor(s) of shape (batch, {self.units}); received "
                f"{len(flat)}."
            )
        in_mask = rec_mask = None
        if self._has_dropout and resolve_training(self, training):
            in_mask = self.get_dropout_mask(inputs)
            rec_mask = self.get_recurrent_dropout_mask(flat[0])
        # project_inputs works on (batch, time, features): a one-step time axis.
        x = _steps.project_inputs(inputs.unsqueeze(1), self.kernel, self._input_bias(), in_mask)
        output, new_states = self._loop_step(rec_mask)(x[:, 0], flat)
        if self._num_states == 1 and not nested:
            return output, new_states[0]
        return output, list(new_states)

    # ------------------------------------------------------------------ dropout masks

    def _draw_step_mask(self, step_input: torch.Tensor, rate: float) -> torch.Tensor:
        count = (self._num_gates,) if self._per_gate_masks else ()
        return self._draw_mask((*count, *step_input.shape), rate, step_input)

    def get_dropout_mask(self, step_input: torch.Tensor) -> torch.Tensor | None:
        """The input dropout mask, drawn on first use and reused until ``reset_dropout_mask``
        (``RNN`` resets it after each sequence); None when ``dropout`` is 0."""
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._draw_step_mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_input: torch.Tensor) -> torch.Tensor | None:
        """The recurrent dropout mask, cached like ``get_dropout_mask``."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._draw_step_mask(step_input, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    # ------------------------------------------------------------------ states

    def get_initial_state(self, batch_size: int | None = None) -> list[torch.Tensor]:
        """Zero states: a list of ``(batch_size, units)`` tensors (one; two for LSTMCell)."""
        return [
            torch.zeros((batch_size, self.units), dtype=_config.floatx_torch())
            for _ in range(self._num_states)
        ]

    def _zero_state(self, batch_size: int, like: torch.Tensor) -> list[torch.Tensor]:
        """``get_initial_state`` on ``like``'s device and dtype (what ``RNN`` calls)."""
        return [like.new_zeros((batch_size, self.units)) for _ in range(self._num_states)]
