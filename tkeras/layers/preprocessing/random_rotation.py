"""RandomRotation: rotates each image by a random angle about its centre, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing import affine
from tkeras.layers.preprocessing.base_image_layer import _RandomAffineLayer, factor_range


class RandomRotation(_RandomAffineLayer):
    """Randomly rotates images in training; identity at inference.

    Each image turns by its own angle, drawn uniformly from ``factor * 360`` degrees (a
    number ``f`` means ``[-f, f]``), about the image centre; the corners brought in from outside
    the image are filled according to ``fill_mode``. Keras's numbers, on ``F.grid_sample``.
    Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()`` to augment. An unknown
    ``fill_mode`` or ``interpolation`` raises ValueError (Keras: NotImplementedError).

    Args:
        factor: a number or a pair ``(lower, upper)``, fractions of a full turn; e.g. 0.1 draws
            angles in [-36, 36] degrees, ``(0.25, 0.25)`` always turns by 90 degrees.
        fill_mode: ``'reflect'`` (default; ``d c b a | a b c d | d c b a``), ``'wrap'``
            (``a b c d | a b c d``), ``'constant'`` (``fill_value``) or ``'nearest'`` (the edge
            pixel).
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        seed: optional int; the layer then draws from its own seeded generator.
        fill_value: the value of ``'constant'`` fill (default 0).
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomRotation(factor=(0.25, 0.25))  # always 90 degrees
        >>> x = torch.arange(4.0).reshape(1, 2, 2, 1)
        >>> layer(x, training=True)[0, ..., 0].round()
        tensor([[1., 3.],
                [0., 2.]])
    """

    def __init__(
        self,
        factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            fill_mode=fill_mode,
            interpolation=interpolation,
            seed=seed,
            fill_value=fill_value,
            data_format=data_format,
            **kwargs,
        )
        self.factor = factor_range(self, "factor", factor, (-1, 1), "[-1, 1]")

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        """Keras's (N, 6) rotation matrices for angles drawn in ``factor * 360`` degrees."""
        lower, upper = self.factor
        angle = self._uniform((images.shape[0],), lower * 360.0, upper * 360.0, images.device)
        return affine.rotation_matrix(angle, *images.shape[-2:])
