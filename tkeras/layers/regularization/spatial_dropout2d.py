"""SpatialDropout2D: dropout of whole channels of a 2D feature map, in training only."""

from __future__ import annotations

from typing import Any

from tkeras.layers.regularization.spatial_dropout import _SpatialDropout


class SpatialDropout2D(_SpatialDropout):
    """Spatial 2D dropout: drops entire 2D feature maps (every pixel of a channel) in training.

    Input ``(batch, height, width, channels)``. In training, each channel of each sample
    is kept (scaled by ``1/(1 - rate)``) or zeroed as a whole, from a mask of shape
    ``(batch, 1, 1, channels)``. Identity at inference.

    Differences from Keras: ``rate=1.0`` (which Keras accepts, dropping everything) raises
    ValueError.

    Args:
        rate: float in [0, 1), the fraction of channels to drop.
        data_format: ``'channels_last'`` (default, from ``config.image_data_format()``) or
            ``'channels_first'`` (channels on axis 1; the mask is then
            ``(batch, channels, 1, ...)``).
        seed: optional int; the layer then draws its masks from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.SpatialDropout2D(0.5, seed=1)
        >>> y = layer(torch.ones(2, 4, 4, 3), training=True)
        >>> bool(((y == 0) | (y == 2)).all())  # dropped, or kept and scaled by 1/(1 - rate)
        True
        >>> bool((y == y[:, :1, :1]).all())  # a channel is dropped at every position or none
        True
    """

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            rank=2, rate=rate, data_format=data_format, seed=seed, name=name, dtype=dtype
        )
