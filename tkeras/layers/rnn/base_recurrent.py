"""The private base every sequence-running recurrent layer shares: stored states, masks, dropout.

``RNN``, the fused-capable ``_BaseRNN`` (SimpleRNN, LSTM, GRU) and ``_ConvLSTM`` keep a stateful
layer's states in non-persistent buffers named by ``_state_names``; reading, resetting and
checking them, and the checks on a ``mask``, are one piece of code, here. The seeded dropout
masks are shared with the cells (``_SeededDropout``).
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import Layer


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


class _RecurrentLayer(_SeededDropout, Layer):
    """Stateful-state and mask handling of the recurrent layers; private, never instantiated.

    A subclass sets ``self._state_names`` (empty unless stateful and built) and, for the
    default ``compute_mask``, ``_num_states``.
    """

    _num_states = 1
    _state_names: tuple[str, ...] = ()

    # ------------------------------------------------------------------ stored states

    @staticmethod
    def _check_static_batch(batch: Any, input_shape: Any) -> None:
        if batch is None:
            raise ValueError(
                "When using `stateful=True` in a RNN, the batch size must be static. "
                f"Found dynamic batch size: sequence.shape={tuple(input_shape)}"
            )

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
        """The stateful layer's current states ([h] or [h, c]), or None if not stateful."""
        if not self._state_names:
            return None
        return [getattr(self, n) for n in self._state_names]

    def reset_state(self) -> None:
        """Zero the states of a stateful layer (no-op otherwise)."""
        for state_name in self._state_names:
            setattr(self, state_name, torch.zeros_like(getattr(self, state_name)))

    def reset_states(self) -> None:
        """Alias of ``reset_state`` (Keras compatibility)."""
        self.reset_state()

    # ------------------------------------------------------------------ masks, dropout

    def _bool_mask(self, mask: Any, inputs: torch.Tensor) -> torch.Tensor:
        """``mask`` as a bool (batch, timesteps) tensor on the inputs' device, shape-checked."""
        mask = torch.as_tensor(mask, device=inputs.device)
        want = tuple(inputs.shape[:2])
        if tuple(mask.shape) != want:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: `mask` must have shape "
                f"(batch, timesteps) = {want}; received shape {tuple(mask.shape)}."
            )
        return mask if mask.dtype == torch.bool else mask.bool()

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._num_states
        return output_mask
