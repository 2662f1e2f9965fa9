"""The private base of SimpleRNNCell, LSTMCell and GRUCell: Keras's cell weights, one step and
the whole-sequence paths their layers and ``keras.layers.RNN`` run.

A cell owns the three variables (``kernel``, ``recurrent_kernel``, ``bias``) with Keras's shapes
and gate order; the memory under them is laid out for torch's recurrent kernels
(``backend/layout.py``): SimpleRNN and LSTM kernels are transposed views of torch's
``w_ih``/``w_hh``; GRU's Keras gates ``[z, r, h]`` have no view onto torch's ``[r, z, n]``, so
its op weights are reordered copies made once per sequence. Where Keras has one bias and torch
two (SimpleRNN, LSTM), the Keras bias is torch's input bias and the recurrent bias a frozen
zero buffer, so gradients and optimizer updates match Keras's single bias.

A sequence runs one of two paths (``_run_sequence``):

- **fused**: torch's own kernel (``torch.rnn_tanh``/``rnn_relu``, ``torch.lstm``, ``torch.gru``;
  cuDNN on CUDA), where it gives Keras's numbers: the default activations (SimpleRNN tanh or
  relu; LSTM/GRU tanh and sigmoid), GRU ``reset_after=True``, no mask, and in training no
  recurrent dropout (input dropout is one mask per sequence, applied to the whole input first,
  exactly as Keras does before its own fused kernel). The layer adds its own conditions
  (``unroll=False``, ``use_cudnn`` not False).
- **loop** (``_steps.py``): Keras's cell math one step at a time, for everything else.
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
from tkeras.layers.rnn.base_recurrent import _SeededDropout
from tkeras.layers.validation import positive_int
from tkeras.layers.validation import rate as check_rate


def plain(fn: Any) -> Any:
    """The function under tkeras.activations' symbolic-op wrapper (a module imported while
    tkeras.activations is still loading sees the unwrapped functions, later ones the wrapped)."""
    return getattr(fn, "__wrapped__", fn)


def is_one_of(fn: Any, *candidates: Any) -> bool:
    """Whether activation ``fn`` is one of ``candidates``, wrapped or not."""
    return any(plain(fn) is plain(c) for c in candidates)


# torch's fused-kernel weights: (w_ih, w_hh, b_ih, b_hh), torch's layout and gate order.
TorchWeights = tuple[torch.Tensor, torch.Tensor, Any, Any]


class _BaseRNNCell(_SeededDropout, Layer):
    """Shared machinery of the recurrent cells; private, never instantiated directly.

    Subclasses set the class attributes below and implement ``_fused_activations_ok``,
    ``_run_fused`` and ``_loop_step``.
    """

    _num_gates = 1
    _num_states = 1
    # The Keras gate index of each torch gate block, where the orders differ (GRU).
    _gate_order: tuple[int, ...] | None = None

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
        # Family options (GRU reset_after, LSTM unit_forget_bias) the paths depend on.
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
        # Whether a sequence may run on torch's fused kernel (no mask, no unroll).
        self._fused_ok = self._fused_activations_ok()
        self.state_size = [self.units] * 2 if self._num_states == 2 else self.units
        self.output_size = self.units
        self._generators: dict[torch.device, torch.Generator] = {}
        self._dropout_mask: torch.Tensor | None = None
        self._recurrent_dropout_mask: torch.Tensor | None = None
        self.input_spec = InputSpec(ndim=2)

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

    # ------------------------------------------------------------------ family hooks

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

    def _run_fused(self, x: torch.Tensor, states: tuple, weights: list, train: bool):
        """torch's fused kernel: returns (outputs (batch, time, units), final states)."""
        raise NotImplementedError

    def _loop_step(self, weights: TorchWeights, recurrent_mask: Any) -> _steps.Step:
        raise NotImplementedError

    # ------------------------------------------------------------------ build

    def _input_hint(self) -> str:
        return (
            "A recurrent cell takes one timestep (batch, features); to run a sequence, wrap it "
            "in keras.layers.RNN."
        )

    def build(self, input_shape: tuple) -> None:
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of the input shape must be known to build '
                f"a {type(self).__name__} layer. Received: input_shape={input_shape}"
            )
        gates, units = self._num_gates, self.units
        if self._gate_order is None:
            kernel_layout, bias_layout = layout.TRANSPOSE, layout.IDENTITY
        else:
            kernel_layout = layout.GateOrder(self._gate_order, kernel=True)
            bias_layout = layout.GateOrder(self._gate_order, kernel=False)
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
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_init(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                layout=bias_layout,
            )
            if self._gate_order is None:  # one Keras bias: torch's recurrent one stays zero
                self.register_buffer(
                    "_zero_recurrent_bias", torch.zeros(gates * units), persistent=False
                )
        self.input_spec = InputSpec(ndim=2, axes={-1: in_dim})

    def _torch_weights(self) -> TorchWeights:
        """``(w_ih, w_hh, b_ih, b_hh)`` as torch's kernels take them (None: no bias), read per
        call so ``.to()`` and ``functional_call`` substitutions are seen."""
        kernel, recurrent, bias = self.kernel, self.recurrent_kernel, self.bias
        if self._gate_order is None:
            k_layout = layout.TRANSPOSE
            bias_pair = (None, None) if bias is None else (bias, self._zero_recurrent_bias)
            return (k_layout.op(kernel), k_layout.op(recurrent), *bias_pair)
        k_layout = layout.GateOrder(self._gate_order, kernel=True)
        w_ih, w_hh = k_layout.op(kernel), k_layout.op(recurrent)
        if bias is None:
            return w_ih, w_hh, None, None
        bias = layout.GateOrder(self._gate_order, kernel=False).op(bias)
        if bias.dim() == 2:  # (2, G*u): input and recurrent rows
            return w_ih, w_hh, bias[0], bias[1]
        return w_ih, w_hh, bias, None

    @staticmethod
    def _fused_params(weights: TorchWeights) -> list[torch.Tensor]:
        return [w for w in weights if w is not None]

    # ------------------------------------------------------------------ sequences

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
        """The whole sequence ``x`` (batch, time, features) in processing order: returns
        (last output, outputs (batch, time, units) or None, final states)."""
        train = training and self._has_dropout
        weights = self._torch_weights()
        if mask is None and fused and self._fused_ok and not (train and self._train_needs_loop):
            if train and self.dropout > 0:
                x = x * self._dropout_masks(x)[0].unsqueeze(1)
            sequence, states = self._run_fused(x, states, weights, torch.is_grad_enabled())
            return sequence[:, -1], sequence, states
        in_mask, rec_mask = self._dropout_masks(x) if train else (None, None)
        projected = _steps.project_inputs(x, weights[0], weights[2], in_mask)
        return _steps.run(
            self._loop_step(weights, rec_mask),
            projected.unbind(1),
            states,
            mask,
            zero_output_for_mask,
            return_sequences,
        )

    def _dropout_masks(self, x: torch.Tensor) -> tuple:
        """Keras's dropout masks for one sequence: (input mask, recurrent mask), each None or
        ``(batch, n)`` or, with per-gate masks, ``(G, batch, n)``; reused at every timestep."""
        batch = x.shape[0]
        count = (self._num_gates,) if self._per_gate_masks else ()
        in_mask = rec_mask = None
        if self.dropout > 0:
            in_mask = self._draw_mask((*count, batch, x.shape[2]), self.dropout, x)
        if self.recurrent_dropout > 0:
            rec_mask = self._draw_mask((*count, batch, self.units), self.recurrent_dropout, x)
        return in_mask, rec_mask

    # ------------------------------------------------------------------ one step

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
        weights = self._torch_weights()
        # project_inputs works on (batch, time, features): a one-step time axis.
        x = _steps.project_inputs(inputs.unsqueeze(1), weights[0], weights[2], in_mask)
        output, new_states = self._loop_step(weights, rec_mask)(x[:, 0], flat)
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

    # ------------------------------------------------------------------ states, shapes

    def compute_output_shape(self, inputs_shape: Any, states_shape: Any = None) -> tuple:
        """One step's output shape: ``(batch, units)``."""
        return (tuple(inputs_shape)[0], self.units)

    def get_initial_state(self, batch_size: int | None = None) -> list[torch.Tensor]:
        """Zero states: a list of ``(batch_size, units)`` tensors (one; two for LSTMCell)."""
        return [
            torch.zeros((batch_size, self.units), dtype=_config.floatx_torch())
            for _ in range(self._num_states)
        ]

    def _zero_state(self, batch_size: int, like: torch.Tensor) -> list[torch.Tensor]:
        """``get_initial_state`` on ``like``'s device and dtype (what ``RNN`` calls)."""
        return [like.new_zeros((batch_size, self.units)) for _ in range(self._num_states)]
