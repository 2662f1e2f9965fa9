"""RandomZoom: zooms each image in or out by a random factor about its centre, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing import affine
from tkeras.layers.preprocessing.base_image_layer import _RandomAffineLayer, symmetric_range


def _zoom_in_range(value: float) -> bool:
    return -1.0 < value <= 1.0


class RandomZoom(_RandomAffineLayer):
    """Randomly zooms images in or out in training; identity at inference.

    Each image is scaled about its centre: the output samples the input at ``1 + factor``
    times the pixel spacing, with ``factor`` drawn uniformly from ``height_factor`` (and
    ``width_factor``; without one, both axes share the height draw and keep the aspect
    ratio). A negative factor zooms in (``-0.5`` shows the central half, twice as large); a
    positive one zooms out, filling the border by ``fill_mode``. Outputs are float32.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``); pass ``training=True`` or call ``layer.train()`` to augment. An unknown
    ``fill_mode`` or ``interpolation`` raises ValueError (Keras: NotImplementedError).

    Args:
        height_factor: a number in (-1, 1] or a pair ``(lower, upper)``; a number ``f`` means
            ``[-f, f]``.
        width_factor: None (keep the aspect ratio), a number or a pair, as ``height_factor``.
        fill_mode: ``'reflect'`` (default), ``'wrap'``, ``'constant'`` or ``'nearest'``.
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        seed: optional int; the layer then draws from its own seeded generator.
        fill_value: the value of ``'constant'`` fill (default 0).
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomZoom(height_factor=(0.5, 0.5), fill_mode="constant")
        >>> layer(torch.ones(1, 4, 4, 1), training=True)[0, ..., 0]  # zoomed out
        tensor([[0.0625, 0.2500, 0.2500, 0.0625],
                [0.2500, 1.0000, 1.0000, 0.2500],
                [0.2500, 1.0000, 1.0000, 0.2500],
                [0.0625, 0.2500, 0.2500, 0.0625]])
    """

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
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
            self, "height_factor", height_factor, _zoom_in_range, "(-1.0, 1.0]"
        )
        self._width_range = (
            None
            if width_factor is None
            else symmetric_range(self, "width_factor", width_factor, _zoom_in_range, "(-1.0, 1.0]")
        )

    def _draw(self, images: torch.Tensor) -> torch.Tensor:
        """Keras's (N, 6) zoom matrices for zooms drawn in ``1 + factor``."""
        n, device = images.shape[0], images.device
        lower, upper = self._height_range
        zoom_y = self._uniform((n,), 1.0 + lower, 1.0 + upper, device)
        zoom_x = zoom_y
        if self._width_range is not None:
            lower, upper = self._width_range
            zoom_x = self._uniform((n,), 1.0 + lower, 1.0 + upper, device)
        return affine.zoom_matrix(zoom_x, zoom_y, *images.shape[-2:])
