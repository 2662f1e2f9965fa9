"""RandomGaussianBlur: blurs images with a random Gaussian, with a random probability."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _FactorLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import as_float, factor_range, is_number
from tkeras.ops.image_filters import gaussian_blur


class RandomGaussianBlur(_FactorLayer):
    """Randomly blurs images in training; identity at inference.

    Per image, a probability is drawn uniformly in ``factor`` (a number ``f`` means
    ``[0, f]``) and the image is blurred with that probability. One pair of standard deviations
    per batch is drawn uniformly in ``sigma`` (a number ``s`` means ``[0, s]``), plus 1e-6, for
    a ``kernel_size`` Gaussian with zero padding; the result is clipped to ``value_range``.
    Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        factor: the probability range, a number in [0, 1] or a pair (default 1.0).
        kernel_size: an odd int, or a pair of odd ints (default 3).
        sigma: a number in [0, 1] or a pair (default 1.0).
        value_range, data_format, seed: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomGaussianBlur(factor=(1, 1), sigma=(0.5, 0.5), seed=0)
        >>> layer(torch.ones(1, 5, 5, 1) * 100, training=True)[0, 2, 2, 0].round()
        tensor(100.)
    """

    _factor_bounds = (0, 1)
    _sorts_range = False

    def __init__(
        self,
        factor: Any = 1.0,
        kernel_size: Any = 3,
        sigma: Any = 1.0,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor, value_range, data_format, seed, **kwargs)
        self.kernel_size = self._kernel_size(kernel_size)
        self.sigma = factor_range(self, "sigma", sigma, (0, 1), "[0, 1]")

    def _kernel_size(self, value: Any) -> tuple:
        sizes = list(value) if isinstance(value, (tuple, list)) else [value, value]
        if len(sizes) != 2 or not all(is_number(k) and k % 2 == 1 for k in sizes):
            raise ValueError(
                f"RandomGaussianBlur {self.name!r}: kernel_size must be an odd number (or a "
                f"pair of odd numbers). Received: kernel_size={value!r}"
            )
        return tuple(sizes)

    def _draw(self, images: torch.Tensor) -> dict:
        device = images.device
        apply = self._apply_mask(images.shape[0], device)
        sigma = self._uniform((2,), *self.sigma, device) + 1e-6
        return {"should_apply_blur": apply, "blur_factor": sigma}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        size = tuple(int(k) for k in self.kernel_size)
        blurred = gaussian_blur(x, size, params["blur_factor"], data_format="channels_first")
        out = torch.where(per_image(params["should_apply_blur"]), blurred, x)
        return self._clip(out)
