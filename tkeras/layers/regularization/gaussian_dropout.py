"""GaussianDropout: multiplicative 1-centred Gaussian noise, in training only."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras.layers.layer import resolve_training
from tkeras.layers.regularization.base_noise import _Noise
from tkeras.layers.validation import rate as check_rate


class GaussianDropout(_Noise):
    """Multiplies inputs by Gaussian noise of mean 1 and std ``sqrt(rate / (1 - rate))``.

    The continuous counterpart of Dropout with the same ``rate`` (same mean and variance of
    the multiplier); active in training only, identity at inference.

    Differences from Keras: ``rate=1.0`` (which Keras accepts, then divides by zero in
    training) raises ValueError.

    Args:
        rate: float in [0, 1), the drop probability the noise stands for.
        seed: optional int; the layer then draws its noise from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.GaussianDropout(0.2, seed=0)
        >>> bool((layer(torch.ones(3)) == 1).all())  # inference: identity
        True
        >>> y = layer(torch.ones(100_000), training=True)
        >>> round(y.mean().item(), 1), round(y.std().item(), 1)  # 1 and sqrt(0.2 / 0.8)
        (1.0, 0.5)
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(self, rate)
        self._stddev = math.sqrt(self.rate / (1.0 - self.rate))

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if self.rate == 0.0 or not resolve_training(self, training):
            return inputs
        inputs = self._floating(inputs)
        noise = torch.empty_like(inputs).normal_(
            1.0, self._stddev, generator=self._generator(inputs.device)
        )
        return inputs * noise
