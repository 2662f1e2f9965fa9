"""UpSampling2D: enlarges images by integer factors, nearest, bilinear or bicubic."""

from __future__ import annotations

from typing import Any

from tkeras.layers.reshaping.base_up_sampling import BaseUpSampling


class UpSampling2D(BaseUpSampling):
    """Upsampling for 2D images: scales rows and cols by ``size``, by repeats or interpolation.

    Input ``(batch, rows, cols, channels)`` (channels_last) or ``(batch, channels, rows, cols)``
    (channels_first); output rows ``rows * size[0]`` and cols ``cols * size[1]``, same layout.

    Args:
        size: int or tuple of 2 positive ints, the factors for (rows, cols). Default (2, 2).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        interpolation: ``'nearest'`` (repeat each pixel, the default), ``'bilinear'`` or
            ``'bicubic'``, case-insensitive. Bilinear and bicubic sample at pixel centers
            (``align_corners=False``) without antialiasing, as Keras's torch backend does.

    Differences from Keras:
        ``'lanczos3'``, ``'lanczos5'`` and ``'area'`` raise NotImplementedError here; Keras
        accepts them at construction but only its TensorFlow/JAX backends can run them (its
        torch backend raises at call time). ``'bicubic'`` gives the numbers of Keras's torch
        backend (torch's cubic kernel, a=-0.75); its TensorFlow and JAX backends use a=-0.5.
        An unknown ``interpolation`` raises ValueError at construction, not at the first call.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.UpSampling2D((2, 3))(torch.ones(2, 4, 4, 3)).shape
        torch.Size([2, 8, 12, 3])
    """

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            size, rank=2, data_format=data_format, interpolation=interpolation, **kwargs
        )
