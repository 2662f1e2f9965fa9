"""RandomErasing: fills a random box of each image with noise or a value."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _FactorLayer, per_image
from tkeras.layers.preprocessing.base_image_layer import as_float, factor_range, is_number
from tkeras.layers.preprocessing.cut_mix import box_bounds, box_masks


class RandomErasing(_FactorLayer):
    """Randomly erases a box of each image in training; identity at inference.

    Per image, a probability is drawn uniformly in ``factor`` (a number ``f`` means
    ``[0, f]``); with it, a box of ``sqrt(s_w)`` of the width and ``sqrt(s_h)`` of the height
    (``s_w``, ``s_h`` uniform in ``scale``), at a uniform position, is filled with
    ``fill_value``: None draws normal noise times ``value_range[1]``, clipped to the value
    range. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). A 3-value
    ``fill_value`` fills the channels for ``channels_first`` too (Keras spreads it over the
    last axis).

    Args:
        factor: the probability range, a number in [0, 1] or a pair (default 1.0).
        scale: the range of the box's area fraction, a number in [0, 1] or a pair
            (default ``(0.02, 0.33)``).
        fill_value: None (noise), a number, or one number per RGB channel.
        value_range, seed, data_format: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomErasing(factor=(1, 1), scale=(0.25, 0.25), fill_value=0)
        >>> out = layer(torch.full((1, 8, 8, 1), 9.0), training=True)
        >>> int((out == 0).sum())  # a 4x4 box
        16
    """

    _factor_bounds = (0, 1)
    _sorts_range = False

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = (0.02, 0.33),
        fill_value: Any = None,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor, value_range, data_format, seed, **kwargs)
        self.scale = factor_range(self, "scale", scale, (0, 1), "[0, 1]")
        values = fill_value if isinstance(fill_value, (tuple, list)) else [fill_value]
        if fill_value is not None and (
            len(values) not in (1, 3)
            or (isinstance(fill_value, (tuple, list)) and len(values) != 3)
            or not all(is_number(v) for v in values)
        ):
            raise ValueError(
                f"RandomErasing {self.name!r}: the `fill_value` argument should be a number (or "
                f"a list of three numbers). Received: fill_value={fill_value!r}"
            )
        self.fill_value = fill_value

    def _draw(self, images: torch.Tensor) -> dict:
        n, _, height, width = images.shape
        device = images.device
        share = torch.sqrt(self._uniform((n, 2), *self.scale, device))
        x0, x1 = box_bounds(self, n, width, share[:, 0], device)
        y0, y1 = box_bounds(self, n, height, share[:, 1], device)
        apply = self._apply_mask(n, device)
        if self.fill_value is None:
            noise = torch.randn(
                tuple(images.shape), generator=self._generator(device), device=device
            )
            fill = noise * float(self.value_range[1])
        else:
            values = torch.as_tensor(self.fill_value, dtype=torch.float32, device=device)
            fill = values.reshape(1, -1, 1, 1).expand(tuple(images.shape))
        fill = self._clip(fill)
        masks = box_masks(x0, x1, y0, y1, height, width)
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": fill}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        erased = torch.where(params["batch_masks"], params["fill_value"], x)
        return torch.where(per_image(params["apply_erasing"]), erased, x)
