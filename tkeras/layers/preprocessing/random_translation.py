"""RandomTranslation: shifts each image by a random offset, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing import affine
from tkeras.layers.preprocessing.base_image_layer import _RandomAffineLayer, symmetric_range


def _shift_in_range(value: float) -> bool:
    return -1.0 <= value <= 1.0


class RandomTranslation(_RandomAffineLayer):
    """Randomly shifts images up/down and left/right in training; identity at inference.

    Each image moves by ``factor * size`` pixels on each axis, with ``factor`` drawn uniformly
    from ``height_factor`` and ``width_factor`` (a number ``f`` means ``[-f, f]``; positive
    moves down and right). The uncovered area is filled by ``fill_mode``. Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()`` to augment. An unknown
    ``fill_mode`` or ``interpolation`` raises ValueError (Keras: NotImplementedError).

    Args:
        height_factor: a number in [-1, 1] or a pair ``(lower, upper)``: the vertical shift as
            a fraction of the height.
        width_factor: a number in [-1, 1] or a pair: the horizontal shift as a fraction of the
            width.
        fill_mode: ``'reflect'`` (default), ``'wrap'``, ``'constant'`` or ``'nearest'``.
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        seed: optional int; the layer then draws from its own seeded generator.
        fill_value: the value of ``'constant'`` fill (default 0).
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomTranslation((0.0, 0.0), (0.5, 0.5), fill_mode="wrap")
        >>> layer(torch.tensor([[[[1.0], [2.0], [3.0], [4.0]]]]), training=True)[0, 0, :, 0]
        tensor([3., 4., 1., 2.])
    """

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
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
        self.height_factor = height_factor
        self.width_factor = width_factor
        self._height_range = symmetric_range(
            self, "height_factor", height_factor, _shift_in_range, "[-1.0, 1.0]"
        )
        self._width_range = symmetric_range(
            self, "width_factor", width_factor, _shift_in_range, "[-1.0, 1.0]"
        )

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        """Keras's (N, 6) translation matrices for shifts drawn in ``factor * size`` pixels."""
        n, device = images.shape[0], images.device
        height, width = images.shape[-2:]
        dy = self._uniform((n,), *self._height_range, device) * height
        dx = self._uniform((n,), *self._width_range, device) * width
        return affine.translation_matrix(dx, dy)
