"""The private base of SimpleRNN, LSTM and GRU: weights, sequence options and path choice.

Each layer runs one of two paths, chosen per call:

- **fused**: torch's own kernel (``torch.rnn_tanh``/``rnn_relu``, ``torch.lstm``, ``torch.gru``;
  cuDNN on CUDA) called with the layer's parameters. It serves the configurations where it gives
  Keras's numbers: the default activations (SimpleRNN tanh or relu; LSTM/GRU tanh and sigmoid),
  GRU ``reset_after=True``, ``unroll=False``, ``use_cudnn`` not False, no mask, and in training
  no recurrent dropout (input dropout is one mask per sequence, applied to the whole input first,
  exactly as Keras does before its own fused kernel).
- **loop** (``_steps.py``): Keras's cell math one step at a time, for everything else: custom
  activations, GRU ``reset_after=False``, masks, ``unroll=True``, ``use_cudnn=False``, and
  training with ``recurrent_dropout`` (or ``implementation=1`` with ``dropout``).

Weights are Keras's three variables in Keras's order (kernel, recurrent_kernel, bias), stored in
torch's layout and gate order and converted by ``backend.layout.Gates``. Where Keras has one bias
and torch two (SimpleRNN, LSTM), the Keras bias is torch's input bias and the recurrent bias is a
frozen zero buffer, so gradients and optimizer updates match Keras's single bias.
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras import activations, constraints, regularizers
from tkeras.backend import layout
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import resolve_training
from tkeras.layers.rnn import _steps
from tkeras.layers.rnn.base_recurrent import _RecurrentLayer
from tkeras.layers.validation import positive_int
from tkeras.layers.validation import rate as check_rate


class _BaseRNN(_RecurrentLayer):
    """Shared machinery of the recurrent layers; private, never instantiated directly.

    Subclasses set the class attributes below and implement ``_fused_activations_ok``,
    ``_run_fused`` and ``_loop_step``.
    """

    _num_gates = 1
    _gate_perm: tuple[int, ...] | None = None  # torch index of each Keras gate (GRU only)
    _num_states = 1
    _cell_name = "cell"
    # Keras has one bias where torch has two (SimpleRNN, LSTM): torch's recurrent bias is then a
    # frozen zero buffer.
    _single_bias = True

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
        activity_regularizer: Any,
        kernel_constraint: Any,
        recurrent_constraint: Any,
        bias_constraint: Any,
        dropout: float,
        recurrent_dropout: float,
        seed: Any,
        return_sequences: bool,
        return_state: bool,
        go_backwards: bool,
        stateful: bool,
        unroll: bool,
        _use_cudnn: Any = "auto",
        _cell_options: dict | None = None,
        **kwargs: Any,
    ) -> None:
        # `_use_cudnn`/`_cell_options` are private so that a SimpleRNN given `use_cudnn`
        # rejects it as Keras does (unrecognized keyword argument).
        use_cudnn = _use_cudnn
        # Keras's RNN base takes zero_output_for_mask through **kwargs (its configs carry it);
        # LSTMCell/GRUCell take `implementation`.
        zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        implementation = kwargs.pop("implementation", 2) if self._num_gates > 1 else 2
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        # Layer-specific options (GRU reset_after, LSTM unit_forget_bias) that the path choice
        # below depends on.
        for option, value in (_cell_options or {}).items():
            setattr(self, option, value)
        name = type(self).__name__
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
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        if not (use_cudnn == "auto" or use_cudnn is True or use_cudnn is False):
            raise ValueError(
                f"{name} {self.name!r}: invalid value received for argument "
                "`use_cudnn`. Expected one of 'auto', True, False. "
                f"Received: use_cudnn={use_cudnn!r}"
            )
        self.use_cudnn = use_cudnn
        self._init_implementation(implementation)
        self._fused = use_cudnn is not False and not self.unroll and self._fused_activations_ok()
        if use_cudnn is True:
            reason = self._cudnn_unsupported_reason()
            if reason:
                raise ValueError(
                    f"{name} {self.name!r}: use_cudnn=True was specified, but the fused "
                    f"(cuDNN) kernel does not support {reason}. Pass use_cudnn='auto' to fall "
                    "back to the step loop."
                )
        self._generators: dict[torch.device, torch.Generator] = {}
        self._state_names: tuple[str, ...] = ()
        self.input_spec = InputSpec(ndim=3)

    def _init_implementation(self, implementation: Any) -> None:
        """Validates ``implementation`` and plans the dropout masks it implies."""
        if implementation not in (1, 2):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: invalid value received for argument "
                "`implementation`. Expected 1 or 2. "
                f"Received: implementation={implementation!r}"
            )
        # Keras switches to implementation 1 (one dropout mask per gate) whenever
        # recurrent_dropout is set.
        self.implementation = 1 if self.recurrent_dropout > 0 else implementation
        self._per_gate_masks = self._num_gates > 1 and self.implementation == 1
        self._has_dropout = self.dropout > 0 or self.recurrent_dropout > 0
        # In training these need per-step masks the fused kernel can't apply.
        self._train_needs_loop = self.recurrent_dropout > 0 or (
            self.dropout > 0 and self._per_gate_masks
        )

    # ------------------------------------------------------------------ subclass hooks

    def _fused_activations_ok(self) -> bool:
        raise NotImplementedError

    def _cudnn_unsupported_reason(self) -> str:
        """Why Keras's torch backend refuses its fused path for this config ('' if it doesn't)."""
        if self.recurrent_dropout > 0:
            return f"recurrent_dropout={self.recurrent_dropout}"
        return ""

    def _bias_shape(self) -> tuple[int, ...]:
        return (self._num_gates * self.units,)

    def _bias_init(self) -> Any:
        return self.bias_initializer

    def _input_bias(self) -> torch.Tensor | None:
        """The bias added to the input projection (the whole Keras bias unless GRU reset_after)."""
        return self.bias

    def _run_fused(self, x: torch.Tensor, states: tuple, train: bool):
        """torch's fused kernel: returns (outputs (batch, time, units), final states)."""
        raise NotImplementedError

    def _fused_params(self) -> list[torch.Tensor]:
        """torch's ``[w_ih, w_hh, b_ih, b_hh]``, read per call so ``.to()`` and
        ``functional_call`` substitutions are seen."""
        if not self.use_bias:
            return [self.kernel, self.recurrent_kernel]
        if self._single_bias:
            return [self.kernel, self.recurrent_kernel, self.bias, self._zero_recurrent_bias]
        return [self.kernel, self.recurrent_kernel, *self.bias.unbind(0)]

    def _loop_step(self, recurrent_mask: torch.Tensor | None) -> _steps.Step:
        raise NotImplementedError

    # ------------------------------------------------------------------ build

    def _input_hint(self) -> str:
        return (
            "Recurrent layers take (batch, timesteps, features); for a single timestep add a "
            "time axis, e.g. x[:, None, :]."
        )

    def build(self, input_shape: tuple) -> None:
        batch, in_dim = input_shape[0], input_shape[-1]
        name = type(self).__name__
        if in_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of the input shape must be '
                f"known to build a {name} layer. Received: input_shape={input_shape}"
            )
        if self.stateful:
            self._check_static_batch(batch, input_shape)
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
        weights = [self.kernel, self.recurrent_kernel]
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_init(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                layout=layout.Gates(gates, self._gate_perm, transpose=False),
            )
            weights.append(self.bias)
            if self._single_bias:
                self.register_buffer(
                    "_zero_recurrent_bias", torch.zeros(gates * units), persistent=False
                )
        else:
            self.bias = None
        for var in weights:  # Keras's variable paths go through the cell
            var.path = f"{self.name}/{self._cell_name}/{var.name}"
        if self.stateful:
            self._state_names = tuple(f"_state_{i}" for i in range(self._num_states))
            for state_name in self._state_names:
                self.register_buffer(state_name, torch.zeros(batch, units), persistent=False)
        self._input_dim = in_dim
        self.input_spec = InputSpec(ndim=3, axes={-1: in_dim})

    # ------------------------------------------------------------------ call

    def call(
        self,
        inputs: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        if inputs.shape[2] != self._input_dim:
            # torch.lstm on CPU does not check the feature size (it reads past the input).
            self._check_input(inputs)
        training = self._has_dropout and resolve_training(self, training)
        if initial_state is not None:
            states = self._given_states(initial_state, inputs)
        elif self.stateful:
            states = self._stateful_states(inputs)
        else:
            zeros = inputs.new_zeros((inputs.shape[0], self.units))
            states = (zeros,) * self._num_states
        x = inputs.flip(1) if self.go_backwards else inputs
        if mask is None and self._fused and not (training and self._train_needs_loop):
            if training and self.dropout > 0:
                x = x * self._dropout_masks(x)[0].unsqueeze(1)
            sequence, states = self._run_fused(x, states, torch.is_grad_enabled())
            last = sequence[:, -1]
        else:
            if mask is not None:
                mask = self._check_mask(mask, inputs)
            in_mask, rec_mask = self._dropout_masks(x) if training else (None, None)
            projected = _steps.project_inputs(x, self.kernel, self._input_bias(), in_mask)
            last, sequence, states = _steps.run(
                self._loop_step(rec_mask),
                projected.unbind(1),
                states,
                mask,
                self.zero_output_for_mask,
                self.return_sequences,
            )
        if self.stateful:
            for state_name, state in zip(self._state_names, states):
                setattr(self, state_name, state.detach())
        output = sequence if self.return_sequences else last
        if self.return_state:
            return (output, *states)
        return output

    def _given_states(self, initial_state: Any, inputs: torch.Tensor) -> tuple:
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        name = type(self).__name__
        if len(states) != self._num_states:
            raise ValueError(
                f"{name} {self.name!r} expects `initial_state` to be a list of "
                f"{self._num_states} tensor(s) of shape (batch, {self.units}); "
                f"received {len(states)}."
            )
        want = (inputs.shape[0], self.units)
        out = []
        for s in states:
            s = torch.as_tensor(s, dtype=inputs.dtype, device=inputs.device)
            if tuple(s.shape) != want:
                raise ValueError(
                    f"{name} {self.name!r}: each `initial_state` tensor must have "
                    f"shape (batch, units) = {want}; received shape "
                    f"{tuple(s.shape)}."
                )
            out.append(s)
        return tuple(out)

    def _stateful_states(self, inputs: torch.Tensor) -> tuple:
        return tuple(self._stored_states(inputs))

    def _check_mask(self, mask: Any, inputs: torch.Tensor) -> torch.Tensor:
        if self.use_cudnn is True:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: use_cudnn=True was specified, but the "
                "fused (cuDNN) kernel does not support a `mask`. Pass use_cudnn='auto' to fall "
                "back to the step loop."
            )
        mask = self._bool_mask(mask, inputs)
        return mask.flip(1) if self.go_backwards else mask

    def _dropout_masks(self, x: torch.Tensor) -> tuple:
        """Keras's dropout masks for one call: (input mask, recurrent mask), each None or
        ``(batch, n)`` or, with per-gate masks, ``(G, batch, n)``; reused at every timestep."""
        batch = x.shape[0]
        count = (self._num_gates,) if self._per_gate_masks else ()
        in_mask = rec_mask = None
        if self.dropout > 0:
            in_mask = self._draw_mask((*count, batch, x.shape[2]), self.dropout, x)
        if self.recurrent_dropout > 0:
            rec_mask = self._draw_mask((*count, batch, self.units), self.recurrent_dropout, x)
        return in_mask, rec_mask

    # ------------------------------------------------------------------ states, shapes, masks

    def compute_output_shape(self, input_shape: Any, initial_state_shape: Any = None) -> Any:
        batch, steps = input_shape[0], input_shape[1]
        if self.return_sequences:
            output = (batch, steps, self.units)
        else:
            output = (batch, self.units)
        if self.return_state:
            return (output, *((batch, self.units),) * self._num_states)
        return output
