"""RandomPerspective: moves the image corners by random amounts (a perspective warp)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing import affine
from tkeras.layers.preprocessing.base_augment import _AugmentLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import (
    as_float,
    choice,
    factor_range,
    is_number,
    number,
)
from tkeras.ops.image_geometry import perspective_transform


class RandomPerspective(_AugmentLayer):
    """Randomly warps the perspective of images in training; identity at inference.

    Per image, a probability is drawn uniformly in ``factor`` (a number ``f`` means ``[0, f]``)
    and, with that probability, the image is warped so that each corner ``p`` moves to
    ``p + p * d``, ``d`` uniform in ``[-scale / 2, scale / 2]`` per coordinate (Keras's rule:
    the top-left corner stays); the area from outside the image reads ``fill_value``.
    Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). An unknown
    ``interpolation`` raises ValueError (Keras: NotImplementedError).

    Args:
        factor: the probability range, a number in [0, 1] or a pair (default 1.0).
        scale: the size of the corner moves, in [0, 1] (default 1.0).
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        fill_value: the value of the area from outside the image (default 0).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomPerspective(scale=0.0)
        >>> x = torch.rand(2, 4, 4, 3)
        >>> torch.allclose(layer(x, training=True), x)  # no corner moves
        True
    """

    def __init__(
        self,
        factor: Any = 1.0,
        scale: float = 1.0,
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range(self, "factor", factor, (0, 1), "[0, 1]")
        if not is_number(scale) or not 0 <= scale <= 1:
            raise ValueError(
                f"RandomPerspective {self.name!r}: the `scale` argument should be a number in "
                f"the range [0, 1]. Received: scale={scale!r}"
            )
        self.scale = scale
        self.interpolation = choice(self, "interpolation", interpolation, affine.INTERPOLATIONS)
        self.fill_value = number(self, "fill_value", fill_value)

    def _inference(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs)

    def _draw(self, images: torch.Tensor) -> dict:
        n, device = images.shape[0], images.device
        height, width = images.shape[-2:]
        apply = self._apply_mask(n, device)
        half = 0.5 * self.scale
        moves = self._uniform((n, 4, 2), -half, half, device)
        corners = [[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]
        start = torch.tensor([corners], device=device).expand(n, 4, 2)
        return {
            "apply_perspective": apply,
            "start_points": start,
            "end_points": start + start * moves,
        }

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        warped = perspective_transform(
            x,
            params["start_points"],
            params["end_points"],
            self.interpolation,
            self.fill_value,
            "channels_first",
        )
        return torch.where(per_image(params["apply_perspective"]), warped, x)
