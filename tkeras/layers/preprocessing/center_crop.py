"""CenterCrop: crops the central (height, width) window of images."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing import resize_ops
from tkeras.layers.preprocessing.base_image_layer import _ImageLayer, as_float
from tkeras.layers.validation import positive_int


class CenterCrop(_ImageLayer):
    """Crops the central ``(height, width)`` window of a batch of images (or one image).

    An image smaller than the target on either side is instead cropped to the target aspect
    ratio and resized (bilinear), as Keras's ``smart_resize``. Outputs are float32; in
    training and inference alike. A crop that needs no resize is a view of the input.

    Args:
        height: int, the output height.
        width: int, the output width.
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.

    Example:
        >>> import torch, tkeras
        >>> x = torch.arange(16.0).reshape(1, 4, 4, 1)
        >>> tkeras.layers.CenterCrop(2, 2)(x)[0, ..., 0]
        tensor([[ 5.,  6.],
                [ 9., 10.]])
    """

    def __init__(
        self, height: int, width: int, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height = positive_int(self, "height", height)
        self.width = positive_int(self, "width", width)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        self._check_images(inputs)
        x = as_float(self._to_nchw(inputs))
        height, width = x.shape[-2:]
        top, left = (height - self.height) // 2, (width - self.width) // 2
        if top >= 0 and left >= 0:
            y = x[:, :, top : top + self.height, left : left + self.width]
        else:
            y = resize_ops.smart_resize(x, (self.height, self.width))
        return self._from_nchw(y, inputs.dim() == 3)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._with_size(input_shape, self.height, self.width)
