"""RandomCrop: a random (height, width) window in training; the centre, resized, at inference."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import resolve_training
from tkeras.layers.preprocessing import resize_ops
from tkeras.layers.preprocessing.base_image_layer import _RandomImageLayer, as_float
from tkeras.layers.validation import positive_int

_CPU = torch.device("cpu")


class RandomCrop(_RandomImageLayer):
    """Randomly crops images to ``(height, width)`` in training; resizes the centre at inference.

    In training, when the input is larger than the target on both sides, one random window
    is cropped from the whole batch (the same place for every image, as in Keras); otherwise
    training does what Keras 3 does: a target-sized window at the offsets of the centred
    crop with the target aspect ratio, resized (bilinear) if the image was too small for it.
    At inference the largest centred window with the target aspect ratio is cropped and
    resized to the target size, as Keras documents (``utils.smart_resize``). Outputs are
    float32. The random offsets are drawn on the CPU (the layer's CPU generator, or torch's
    global one), so a random crop is a view of the input and never waits on the device.

    Differences from Keras: a direct call ``layer(x)`` is inference, as for every tkeras layer
    (Keras's image augmentation layers default to ``training=True`` outside ``fit`` and
    ``predict``). At inference Keras 3.15 returns the input unchanged, contradicting its own
    docs and output shape (keras-team/keras#21868); tkeras resizes the centred window as
    documented, so ``predict`` gives the declared shape.

    Args:
        height: int, the output height.
        width: int, the output width.
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.
        name: the layer name.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomCrop(2, 2, seed=0)
        >>> x = torch.arange(16.0).reshape(1, 4, 4, 1)
        >>> layer(x)[0, ..., 0]  # inference: the whole (square) image, resized
        tensor([[ 2.5000,  4.5000],
                [10.5000, 12.5000]])
        >>> layer(x, training=True).shape
        torch.Size([1, 2, 2, 1])
    """

    def __init__(
        self,
        height: int,
        width: int,
        seed: int | None = None,
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height = positive_int(self, "height", height)
        self.width = positive_int(self, "width", width)

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        self._check_images(inputs)
        x = as_float(self._to_nchw(inputs))
        height, width = x.shape[-2:]
        if not resolve_training(self, training):
            y = resize_ops.smart_resize(x, (self.height, self.width))
        elif height > self.height and width > self.width:
            top, left = self._draw(x)
            y = x[:, :, top : top + self.height, left : left + self.width]
        else:
            # Keras 3 cuts a target-sized window at the offsets of the centred aspect-ratio
            # crop, then resizes what the image edge cut short.
            top, left, _, _ = resize_ops.aspect_crop_box(height, width, self.height, self.width)
            y = x[:, :, top : top + self.height, left : left + self.width]
            if y.shape[-2:] != (self.height, self.width):
                y = resize_ops.interpolate(y, (self.height, self.width), "bilinear", False)
        return self._from_nchw(y, inputs.dim() == 3)

    def _draw(self, images: torch.Tensor) -> tuple[int, int]:
        """(top, left) of the window, uniform over every position, drawn on the CPU."""
        height, width = images.shape[-2:]
        gen = self._generator(_CPU)
        top = torch.randint(0, height - self.height + 1, (), generator=gen)
        left = torch.randint(0, width - self.width + 1, (), generator=gen)
        return int(top), int(left)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._with_size(input_shape, self.height, self.width)
