"""RandomGrayscale: turns images to grayscale with probability ``factor``, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _AugmentLayer, grayscale, probability


class RandomGrayscale(_AugmentLayer):
    """Randomly converts RGB images to grayscale in training; identity at inference.

    Each image is replaced, with probability ``factor``, by its luma
    (``0.2989 R + 0.587 G + 0.114 B``) repeated on the three channels, so the shape is kept.
    The dtype is kept too, as in Keras (float64 inputs become float32 first).

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer;
    pass ``training=True`` or call ``layer.train()``. As in Keras, ``seed`` is not in the config.

    Args:
        factor: the probability, in [0, 1] (default 0.5).
        data_format: ``'channels_last'`` or ``'channels_first'``.
        seed: optional int; the layer then draws from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomGrayscale(factor=1.0)
        >>> layer(torch.tensor([[[[100.0, 0.0, 0.0]]]]), training=True)[0, 0, 0]
        tensor([29.8900, 29.8900, 29.8900])
    """

    def __init__(
        self, factor: float = 0.5, data_format: str | None = None, seed: int | None = None, **kwargs
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = probability(self, factor)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("seed", None)
        return config

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        draws = self._uniform((images.shape[0],), 0.0, 1.0, images.device)
        return (draws < self.factor).reshape(-1, 1, 1, 1)

    def _transform(self, images: torch.Tensor, apply: torch.Tensor) -> torch.Tensor:
        if images.is_floating_point():
            images = images.to(torch.float32)
        return torch.where(apply, grayscale(images), images)
