"""RandomElasticTransform: distorts images by a random smooth displacement field."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _FactorLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import as_float, choice, factor_range, number
from tkeras.ops.image_geometry import displacement
from tkeras.ops.image_sampling import INTERPOLATIONS, OP_FILL_MODES, sample


class RandomElasticTransform(_FactorLayer):
    """Randomly applies elastic deformations to images in training; identity at inference.

    Per image, a probability is drawn uniformly in ``factor`` (a number ``f`` means
    ``[0, f]``); one distortion ``d`` per batch is drawn in ``scale``. The images chosen are
    read at coordinates displaced by ``ops.image.elastic_transform``'s field with
    ``alpha = 0.1 * d * max(height, width)`` and ``sigma = 0.05 * d * min(height, width)``;
    the result is clipped to ``value_range``. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). Keras's torch
    backend draws the displacement from torch's global generator whatever the seed; tkeras
    does so with ``seed=None`` (the same numbers as Keras after ``torch.manual_seed``) and from
    the layer's generator with an int seed. Unknown ``interpolation`` or ``fill_mode`` raise
    ValueError (Keras: NotImplementedError).

    Args:
        factor: the probability range, a number in [0, 1] or a pair (default 1.0).
        scale: the distortion range, a number in [0, 1] or a pair (default 1.0).
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        fill_mode: ``'reflect'`` (default), ``'wrap'``, ``'constant'``, ``'nearest'`` or
            ``'mirror'``.
        fill_value: the value of ``'constant'`` fill (default 0).
        value_range, seed, data_format: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomElasticTransform(scale=0.5, seed=0)
        >>> layer(torch.rand(2, 16, 16, 3) * 255, training=True).shape
        torch.Size([2, 16, 16, 3])
    """

    _factor_bounds = (0, 1)
    _sorts_range = False

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = 1.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor, value_range, data_format, seed, **kwargs)
        self.scale = factor_range(self, "scale", scale, (0, 1), "[0, 1]")
        self.interpolation = choice(self, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_mode = choice(self, "fill_mode", fill_mode, OP_FILL_MODES)
        self.fill_value = number(self, "fill_value", fill_value)

    def _inference(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs)

    def _draw(self, images: torch.Tensor) -> dict | None:
        if self.scale[1] == 0 or self.factor[1] == 0:
            return None
        device = images.device
        apply = self._apply_mask(images.shape[0], device)
        return {
            "apply_transform": apply,
            "distortion_factor": self._uniform((), *self.scale, device),
        }

    def _transform(self, images: torch.Tensor, params: dict | None) -> torch.Tensor:
        x = as_float(images)
        if params is None:
            return x
        n, _, height, width = x.shape
        distortion = float(params["distortion_factor"])
        alpha = max(height, width) * 0.1 * distortion
        sigma = min(height, width) * 0.05 * distortion
        dx, dy = displacement(
            (n, height, width), alpha, sigma, self._generator(x.device), x.dtype, x.device
        )
        xs = torch.arange(width, dtype=x.dtype, device=x.device)
        ys = torch.arange(height, dtype=x.dtype, device=x.device)[:, None]
        warped = sample(x, xs + dx, ys + dy, self.interpolation, self.fill_mode, self.fill_value)
        return self._clip(torch.where(per_image(params["apply_transform"]), warped, x))
