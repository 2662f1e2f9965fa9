"""AlphaDropout: dropout for SELU networks that keeps the inputs' mean and variance."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import resolve_training
from tkeras.layers.regularization.base_noise import _Noise
from tkeras.layers.validation import rate as check_rate

# SELU's constants: dropped units go to SELU's negative saturation value -scale * alpha.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_ALPHA_P = -_SELU_ALPHA * _SELU_SCALE


class AlphaDropout(_Noise):
    """Alpha dropout: sets inputs to SELU's saturation value with probability ``rate``.

    In training, each dropped unit becomes ``alpha' = -1.7581`` and the result is mapped by
    ``a * x + b`` with ``a = ((1 - rate) * (1 + rate * alpha'^2)) ** -0.5`` and
    ``b = -a * alpha' * rate``, so a zero-mean, unit-variance input keeps its mean and
    variance (the self-normalizing property of SELU networks). Identity at inference.

    Differences from Keras: ``rate=1.0`` (which Keras accepts, then divides by zero in
    training) raises ValueError.

    Args:
        rate: float in [0, 1), the fraction of inputs to drop.
        noise_shape: optional shape of the keep mask, broadcast over the input (``None``
            entries take the input's size), e.g. ``(None, 1, features)`` to drop the same
            features at every timestep.
        seed: optional int; the layer then draws its masks from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.AlphaDropout(0.2, seed=0)
        >>> x = torch.randn(200_000, generator=torch.Generator().manual_seed(1))
        >>> y = layer(x, training=True)
        >>> round(y.mean().item(), 1), round(y.std().item(), 1)
        (0.0, 1.0)
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(self, rate)
        self.noise_shape = self._validate_noise_shape(noise_shape)
        self._a = ((1.0 - self.rate) * (1.0 + self.rate * _ALPHA_P**2)) ** -0.5
        self._b = -self._a * _ALPHA_P * self.rate

    def _validate_noise_shape(self, noise_shape: Any) -> tuple | None:
        if noise_shape is None:
            return None
        try:
            if isinstance(noise_shape, str):
                raise TypeError
            dims = tuple(noise_shape)
        except TypeError:
            dims = None
        if dims is None or any(
            d is not None and (isinstance(d, bool) or not isinstance(d, int) or d <= 0)
            for d in dims
        ):
            raise ValueError(
                f"AlphaDropout {self.name!r}: invalid value received for argument "
                "`noise_shape`. Expected a tuple or list of positive integers or None. "
                f"Received: noise_shape={noise_shape!r}"
            )
        return list(dims) if isinstance(noise_shape, list) else dims  # as given, as Keras keeps it

    def _mask_shape(self, inputs: torch.Tensor) -> tuple:
        shape = inputs.shape
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape) or any(
            n is not None and n != 1 and n != s for n, s in zip(self.noise_shape, shape)
        ):
            raise ValueError(
                f"AlphaDropout {self.name!r}: noise_shape={self.noise_shape} must have the "
                "input's rank, each entry None, 1 or the input's size on that axis. "
                f"Received an input of shape {tuple(shape)}."
            )
        return tuple(s if n is None else n for n, s in zip(self.noise_shape, shape))

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if self.rate == 0.0 or not resolve_training(self, training):
            return inputs
        inputs = self._floating(inputs)
        uniform = torch.empty(self._mask_shape(inputs), dtype=inputs.dtype, device=inputs.device)
        kept = uniform.uniform_(generator=self._generator(inputs.device)) >= self.rate
        return torch.where(kept, inputs, _ALPHA_P) * self._a + self._b
