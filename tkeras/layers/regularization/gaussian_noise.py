"""GaussianNoise: additive zero-centred Gaussian noise, in training only."""

from __future__ import annotations

import numbers
from typing import Any

import torch

from tkeras.layers.layer import resolve_training
from tkeras.layers.regularization.base_noise import _Noise


class GaussianNoise(_Noise):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` in training.

    A regularizer (a form of data augmentation for real-valued inputs); identity at inference.

    Args:
        stddev: float in [0, 1] (Keras's range), the standard deviation of the noise.
        seed: optional int; the layer then draws its noise from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.GaussianNoise(0.1, seed=0)
        >>> bool((layer(torch.ones(3)) == 1).all())  # inference: identity
        True
        >>> y = layer(torch.zeros(100_000), training=True)
        >>> round(y.std().item(), 2)
        0.1
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or not 0 <= stddev <= 1:
            raise ValueError(
                f"GaussianNoise {self.name!r}: invalid value received for argument `stddev`. "
                f"Expected a float value in [0, 1]. Received: stddev={stddev!r}"
            )
        self.stddev = float(stddev)

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if self.stddev == 0.0 or not resolve_training(self, training):
            return inputs
        inputs = self._floating(inputs)
        noise = torch.empty_like(inputs).normal_(
            0.0, self.stddev, generator=self._generator(inputs.device)
        )
        return inputs + noise
