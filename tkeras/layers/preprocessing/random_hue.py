"""RandomHue: shifts the hue of each image by a random amount, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _FactorLayer, to_range
from tkeras.layers.preprocessing.base_image_layer import as_float
from tkeras.ops.image_filters import hsv_to_rgb, rgb_to_hsv


class RandomHue(_FactorLayer):
    """Randomly shifts the hue of RGB images in training; identity at inference.

    Per image, a shift of ``+-f / 2`` of the colour wheel is applied, ``f`` drawn uniformly in
    ``factor`` (a number ``f0`` means ``[0, f0]``) and the sign at random; hues wrap around and
    the result is clipped to the value range. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        factor: a number in [0, 1] or a pair.
        value_range, data_format, seed: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomHue(factor=(1, 1), value_range=(0, 1))
        >>> layer(torch.tensor([[[[1.0, 0.0, 0.0]]]]), training=True)[0, 0, 0]  # half a turn
        tensor([0., 1., 1.])
    """

    _factor_bounds = (0, 1)
    _sorts_range = False

    def __init__(
        self,
        factor: Any,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor, value_range, data_format, seed, **kwargs)

    def _draw(self, images: torch.Tensor) -> dict:
        n, device = images.shape[0], images.device
        sign = torch.where(self._uniform((n,), 0.0, 1.0, device) > 0.5, -1.0, 1.0)
        return {"factor": sign * self._uniform((n,), *self.factor, device) * 0.5}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = to_range(as_float(images), self.value_range, (0, 1))
        hsv = rgb_to_hsv(x, data_format="channels_first")
        hue = hsv[:, 0] + params["factor"].to(hsv.dtype).reshape(-1, 1, 1)
        hue = torch.where(hue > 1.0, hue - 1.0, hue)
        hue = torch.where(hue < 0.0, hue + 1.0, hue)
        rgb = hsv_to_rgb(torch.stack((hue, hsv[:, 1], hsv[:, 2]), dim=1), "channels_first")
        return to_range(torch.clamp(rgb, 0, 1), (0, 1), self.value_range)
