"""The private base of the random regularization layers: seed validation and seeded generators."""

from __future__ import annotations

import numbers
from typing import Any

import torch

from tkeras.layers.layer import Layer


class _Noise(Layer):
    """A weightless layer that draws random numbers in training (private; never instantiated).

    With ``seed=None`` the draws come from torch's global generator (``torch.manual_seed``
    makes them reproducible); with an int seed, from the layer's own generator, one per
    device, seeded with it on first use.

    Args:
        seed: None or an int.
    """

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: invalid value received for argument "
                f"`seed`. Expected an int or None. Received: seed={seed!r}"
            )
        self.seed = None if seed is None else int(seed)
        self._generators: dict[torch.device, torch.Generator] = {}
        self.supports_masking = True
        self.built = True

    def _generator(self, device: torch.device) -> torch.Generator | None:
        if self.seed is None:
            return None
        gen = self._generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device).manual_seed(self.seed)
            self._generators[device] = gen
        return gen

    def _floating(self, inputs: torch.Tensor) -> torch.Tensor:
        """Integer inputs in training become floatx, as Keras's float noise promotes them."""
        if inputs.is_floating_point():
            return inputs
        return inputs.to(self.compute_dtype_torch)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
