"""The private base every sequence-running recurrent layer shares: the call, states, masks.

``RNN``, the fused-capable ``_BaseRNN`` (SimpleRNN, LSTM, GRU) and ``_ConvLSTM`` run one
``call`` (initial states given, stored or zeros; ``go_backwards``; the mask; stored states; the
returned structure), here; each says only how its cell runs the sequence. The seeded dropout
masks of the cells are here too (``_SeededDropout``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import torch

from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.rnn import _nest

# What every recurrent cell has (arguments and weights), read through its layer as Keras's
# properties do; each family adds its own (units, filters, ...).
CELL_ATTRIBUTES = (
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
    "unit_forget_bias",
    "kernel",
    "recurrent_kernel",
    "bias",
)


class _SeededDropout:
    """Seed checks and dropout masks of the recurrent layers and cells (mixed into them).

    The host sets ``self.seed`` (checked by ``_check_seed``) and ``self._generators = {}``.
    """

    def _check_seed(self, seed: Any) -> int | None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: `seed` must be an int or None. "
                f"Received: seed={seed!r}"
            )
        return seed

    def _draw_mask(self, shape: tuple, rate: float, like: torch.Tensor) -> torch.Tensor:
        """An inverted-dropout mask, seeded per device when the layer has a ``seed``."""
        keep = 1.0 - rate
        generator = None
        if self.seed is not None:
            generator = self._generators.get(like.device)
            if generator is None:
                generator = torch.Generator(device=like.device).manual_seed(self.seed)
                self._generators[like.device] = generator
        mask = torch.empty(shape, dtype=like.dtype, device=like.device)
        return mask.bernoulli_(keep, generator=generator).div_(keep)


class _RecurrentLayer(Layer):
    """The sequence half of every recurrent layer; private, never instantiated.

    One ``call`` for all of them: initial states (given, stored or zeros), ``go_backwards``, the
    mask, the cell's run over the sequence, stored states and the returned structure. A subclass
    holds ``self.cell`` and the sequence options, and may override the hooks
    ``_check_sequences`` (a cheap input check), ``_zero_states`` (the cell's initial states),
    ``_run`` (the whole sequence) and ``_check_mask``. States travel nested as the cell's
    (a list of tensors for the tkeras cells) and are stored, when stateful, in non-persistent
    buffers named by ``_state_names``.
    """

    _num_states = 1
    _state_names: tuple[str, ...] = ()
    _state_structure: Any = None
    _fused = False
    # Keras's RNN base writes these whether or not the layer's signature has them.
    _config_defaults = MappingProxyType({"unroll": False, "zero_output_for_mask": False})

    def _init_sequence_options(
        self,
        return_sequences: Any,
        return_state: Any,
        go_backwards: Any,
        stateful: Any,
        unroll: Any,
        zero_output_for_mask: Any,
    ) -> None:
        """Keras's sequence options of every recurrent layer, as booleans (from ``__init__``)."""
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)

    def _input_hint(self) -> str:
        return (
            "Recurrent layers take (batch, timesteps, features); for a single timestep add a "
            "time axis, e.g. x[:, None, :]."
        )

    # ------------------------------------------------------------------ call

    def call(
        self,
        sequences: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        self._check_sequences(sequences)
        if initial_state is not None:
            states = self._given_states(initial_state, sequences)
        elif self.stateful:
            states = _nest.pack(self._state_structure, self._stored_states(sequences))
        else:
            states = self._zero_states(sequences)
        x = sequences.flip(1) if self.go_backwards else sequences
        if mask is not None:
            mask = self._check_mask(mask, sequences)
        last, sequence, flat = self._run(x, states, tuple(_nest.flatten(states)), mask, training)
        if self.stateful:
            for state_name, state in zip(self._state_names, flat):
                setattr(self, state_name, state.detach())
        output = sequence if self.return_sequences else last
        if self.return_state:
            return (output, *_nest.pack(states, flat))
        return output

    def _check_sequences(self, sequences: torch.Tensor) -> None:
        """Hook: a cheap check of the inputs the cell cannot take (raise a Keras-style error)."""

    def _zero_states(self, inputs: torch.Tensor) -> list:
        """Hook: the cell's initial states for this batch, nested as the cell's."""
        return self.cell._zero_state(inputs.shape[0], inputs)

    def _run(self, x: torch.Tensor, states: list, flat: tuple, mask: Any, training: Any):
        """Hook: the whole sequence ``x`` in processing order from the ``flat`` states:
        (last output, outputs or None, flat final states). The tkeras cells run it themselves
        (the fused kernel or their step loop)."""
        cell = self.cell
        training = cell._has_dropout and resolve_training(self, training)
        return cell._run_sequence(
            x,
            flat,
            mask,
            training,
            self._fused,
            self.zero_output_for_mask,
            self.return_sequences,
        )

    def _given_states(self, given: Any, inputs: torch.Tensor) -> list:
        """``initial_state`` checked against the cell's states (count and shapes), cast to the
        inputs' dtype and device, nested as the cell's (given flat or nested)."""
        template = self._zero_states(inputs)
        want = _nest.flatten(template)
        leaves = _nest.flatten(given)
        name = type(self).__name__
        if len(leaves) != len(want):
            shapes = ", ".join(str(tuple(w.shape)) for w in want)
            raise ValueError(
                f"{name} {self.name!r} expects `initial_state` to be a list of {len(want)} "
                f"tensor(s) of shape {shapes} (batch, *state size); received {len(leaves)}."
            )
        out = []
        for s, w in zip(leaves, want):
            s = torch.as_tensor(s, dtype=inputs.dtype, device=inputs.device)
            if s.shape != w.shape:
                raise ValueError(
                    f"{name} {self.name!r}: each `initial_state` tensor must have shape "
                    f"{tuple(w.shape)} (batch, *state size); received shape {tuple(s.shape)}."
                )
            out.append(s)
        return _nest.pack(template, out)

    def _check_mask(self, mask: Any, inputs: torch.Tensor) -> torch.Tensor:
        """``mask`` as a bool (batch, timesteps) tensor in processing order, shape-checked."""
        mask = torch.as_tensor(mask, device=inputs.device)
        want = tuple(inputs.shape[:2])
        if tuple(mask.shape) != want:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: `mask` must have shape "
                f"(batch, timesteps) = {want}; received shape {tuple(mask.shape)}."
            )
        if mask.dtype != torch.bool:
            mask = mask.bool()
        return mask.flip(1) if self.go_backwards else mask

    # ------------------------------------------------------------------ stored states

    @staticmethod
    def _check_static_batch(batch: Any, input_shape: Any) -> None:
        if batch is None:
            raise ValueError(
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={tuple(input_shape)}"
            )

    def _make_stored_states(self, states: Any) -> None:
        """Register the stateful layer's buffers, holding ``states`` (nested as the cell's)."""
        leaves = _nest.flatten(states)
        self._state_structure = _nest.pack(states, range(len(leaves)))
        self._state_names = tuple(f"_state_{i}" for i in range(len(leaves)))
        for state_name, state in zip(self._state_names, leaves):
            self.register_buffer(state_name, state, persistent=False)

    def _stored_states(self, inputs: torch.Tensor) -> list[torch.Tensor]:
        """The stateful layer's states for this call, in ``_state_names`` order."""
        states = [getattr(self, n) for n in self._state_names]
        expected = states[0].shape[0]
        if inputs.shape[0] != expected:
            raise ValueError(
                f"If an RNN is stateful, the batch size of the input sequences must be the same "
                f"as the batch size of the initial state. Layer {self.name!r}:\n"
                f"- Expected batch size: {expected}\n"
                f"- Received batch size: {inputs.shape[0]}"
            )
        # States stored under inference mode can't be saved for a later backward pass.
        if not torch.is_inference_mode_enabled() and torch.is_inference(states[0]):
            states = [s.clone() for s in states]
        return states

    @property
    def states(self) -> Any:
        """The stateful layer's current states, nested as the cell's; None if not stateful."""
        if not self._state_names:
            return None
        return _nest.pack(self._state_structure, [getattr(self, n) for n in self._state_names])

    def reset_state(self) -> None:
        """Zero the states of a stateful layer (no-op otherwise)."""
        for state_name in self._state_names:
            setattr(self, state_name, torch.zeros_like(getattr(self, state_name)))

    def reset_states(self) -> None:
        """Alias of ``reset_state`` (Keras compatibility)."""
        self.reset_state()

    # ------------------------------------------------------------------ masks

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        mask = _nest.flatten(mask)[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._num_states
        return output_mask


def read_through(cls: type, names: tuple[str, ...]) -> None:
    """Give the layer class ``cls`` read-only properties for its cell's arguments and weights
    (``layer.units``, ``layer.kernel`` ...), as Keras's recurrent layers have."""
    for name in names:
        setattr(cls, name, _cell_attribute(name))


def _cell_attribute(name: str) -> property:
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")
