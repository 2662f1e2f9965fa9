"""RandomFlip: flips each image horizontally and/or vertically with probability 1/2, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_image_layer import _RandomImageLayer, as_float, choice

# The (N, C, H, W) axes each mode flips.
_FLIP_DIMS = {"horizontal": (3,), "vertical": (2,), "horizontal_and_vertical": (2, 3)}


class RandomFlip(_RandomImageLayer):
    """Randomly flips images left-right and/or up-down in training; identity at inference.

    Each image is flipped with probability 1/2 (one draw per image). With
    ``'horizontal_and_vertical'`` that one draw flips both axes, as in Keras: an image is
    either unchanged or turned by 180 degrees. Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()`` to augment. An unknown
    ``mode`` raises ValueError (Keras then flips nothing).

    Args:
        mode: ``'horizontal'``, ``'vertical'`` or ``'horizontal_and_vertical'`` (default).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomFlip("horizontal", seed=0)
        >>> x = torch.arange(6.0).reshape(2, 1, 3, 1)
        >>> y = layer(x, training=True)
        >>> all(torch.equal(y[i], x[i]) or torch.equal(y[i], x[i].flip(1)) for i in range(2))
        True
    """

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = choice(self, "mode", mode, tuple(_FLIP_DIMS))
        self._dims = _FLIP_DIMS[mode]

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        """Which images flip: (N,) booleans, each True with probability 1/2."""
        return self._uniform((images.shape[0],), 0.0, 1.0, images.device) <= 0.5

    def _transform(self, images: torch.Tensor, flips: torch.Tensor) -> torch.Tensor:
        images = as_float(images)
        return torch.where(flips[:, None, None, None], images.flip(self._dims), images)
