"""Dropout: zeroes a fraction of inputs in training, scaling the rest by 1/(1 - rate)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.validation import rate as check_rate


class Dropout(Layer):
    """Randomly sets inputs to 0 with frequency ``rate`` in training; identity at inference.

    Differences from Keras: ``rate=1.0`` (which Keras accepts, dropping everything) raises
    ValueError.

    Args:
        rate: float in [0, 1), the fraction of inputs to drop.
        noise_shape: optional shape of the binary mask, broadcast over the input (``None``
            entries take the input's size), e.g. ``(batch, 1, features)`` to drop the same
            features at every timestep.
        seed: optional int; the layer then draws its masks from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.Dropout(0.5)
        >>> bool((layer(torch.ones(4)) == 1).all())  # inference: identity
        True
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.rate = check_rate(self, rate)
        self.noise_shape = self._validate_noise_shape(noise_shape)
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"Dropout {self.name!r}: `seed` must be an int or None, got {seed!r}")
        self.seed = seed
        self._generators: dict[torch.device, torch.Generator] = {}
        self.supports_masking = True
        self.built = True

    def _validate_noise_shape(self, noise_shape: Any) -> tuple | None:
        if noise_shape is None:
            return None
        prefix = f"Dropout {self.name!r}: invalid value received for argument `noise_shape`."
        try:
            if isinstance(noise_shape, str):
                raise TypeError
            noise_shape = tuple(noise_shape)
        except TypeError:
            raise ValueError(
                f"{prefix} Expected a tuple or list of integers or None. "
                f"Received: noise_shape={noise_shape!r}"
            ) from None
        for i, dim in enumerate(noise_shape):
            if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int) or dim <= 0):
                raise ValueError(
                    f"{prefix} Expected all elements to be positive integers or "
                    f"None. Received element at index {i}: {dim!r}"
                )
        return noise_shape

    def _generator(self, device: torch.device) -> torch.Generator:
        gen = self._generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device).manual_seed(self.seed)
            self._generators[device] = gen
        return gen

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if self.rate == 0.0 or not resolve_training(self, training):
            return inputs
        if self.noise_shape is None and self.seed is None:
            return F.dropout(inputs, self.rate, True)
        shape = inputs.shape
        if self.noise_shape is not None:
            if len(self.noise_shape) != inputs.dim():
                raise ValueError(
                    f"Dropout {self.name!r}: noise_shape={self.noise_shape} must have the "
                    f"input's rank {inputs.dim()} (input shape {tuple(inputs.shape)})."
                )
            shape = tuple(s if n is None else n for n, s in zip(self.noise_shape, inputs.shape))
        keep = 1.0 - self.rate
        mask = torch.empty(shape, device=inputs.device, dtype=inputs.dtype)
        gen = self._generator(inputs.device) if self.seed is not None else None
        mask.bernoulli_(keep, generator=gen)
        return inputs * mask / keep

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
