"""Resizing: resizes images to (height, width), optionally cropping or padding to the aspect."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing import resize_ops
from tkeras.layers.preprocessing.base_image_layer import _ImageLayer, as_float, choice, number
from tkeras.layers.validation import positive_int


class Resizing(_ImageLayer):
    """Resizes a batch of images (or one image) to ``(height, width)``, in training and inference.

    Keras's torch-backend numbers: ``F.interpolate`` with ``align_corners=False`` (``'nearest'``
    is torch's ``'nearest-exact'``). Float inputs give float32; integer inputs are resized in
    float32, rounded and cast back to their dtype.

    Differences from Keras: ``'lanczos3'`` and ``'lanczos5'`` raise NotImplementedError at
    construction (Keras's torch backend raises ValueError when called); invalid arguments raise
    at construction rather than on the first call.

    Args:
        height: int, the output height.
        width: int, the output width.
        interpolation: ``'bilinear'`` (default), ``'nearest'`` or ``'bicubic'``.
        crop_to_aspect_ratio: if True, first crop the largest centred window with the target
            aspect ratio, so the image is not distorted.
        pad_to_aspect_ratio: if True, first pad the image with ``fill_value`` (evenly on both
            sides) to the target aspect ratio, so the image is not distorted.
        fill_mode: how ``pad_to_aspect_ratio`` pads; only ``'constant'`` exists (as in Keras).
        fill_value: the padding value for ``pad_to_aspect_ratio``.
        antialias: if True, a bilinear or bicubic downsampling is antialiased.
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Resizing(8, 6)(torch.rand(2, 32, 24, 3)).shape
        torch.Size([2, 8, 6, 3])
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height = positive_int(self, "height", height)
        self.width = positive_int(self, "width", width)
        if interpolation in resize_ops.NOT_ON_TORCH:
            raise NotImplementedError(
                f"Resizing: the argument `interpolation` does not support {interpolation!r} "
                f"(received interpolation={interpolation!r}), as Keras's torch backend does "
                f"not; use one of {tuple(resize_ops.INTERPOLATIONS)}."
            )
        self.interpolation = choice(
            self, "interpolation", interpolation, tuple(resize_ops.INTERPOLATIONS)
        )
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        if self.crop_to_aspect_ratio and self.pad_to_aspect_ratio:
            raise ValueError(
                f"Resizing {self.name!r}: only one of `pad_to_aspect_ratio` and "
                "`crop_to_aspect_ratio` can be True. Received: crop_to_aspect_ratio=True, "
                "pad_to_aspect_ratio=True"
            )
        self.fill_mode = choice(self, "fill_mode", fill_mode, ("constant",))
        self.fill_value = number(self, "fill_value", fill_value)
        self.antialias = bool(antialias)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        self._check_images(inputs)
        x = self._to_nchw(inputs)
        if x.is_floating_point():  # Keras autocasts floats to float32; ints stay ints
            x = as_float(x)
        y = resize_ops.resize(
            x,
            (self.height, self.width),
            self.interpolation,
            self.antialias,
            self.crop_to_aspect_ratio,
            self.pad_to_aspect_ratio,
            self.fill_value,
        )
        return self._from_nchw(y, inputs.dim() == 3)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._with_size(input_shape, self.height, self.width)
