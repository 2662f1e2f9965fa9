"""RandomShear: shears each image along x and y by random amounts, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_image_layer import _RandomAffineLayer, as_float, is_number


class RandomShear(_RandomAffineLayer):
    """Randomly shears images in training; identity at inference.

    Per image, shears ``sx`` and ``sy`` are drawn uniformly in ``x_factor`` and ``y_factor``
    (a number ``f`` means ``[-f, f]``) and one random sign flips both; output pixel (x, y)
    reads the input at ``(x + sx * y, sy * x + y)``, filling from outside the image by
    ``fill_mode``. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). An unknown
    ``fill_mode`` or ``interpolation`` raises ValueError (Keras: NotImplementedError). A pair
    may hold numbers in [-1, 1], so the ``(-f, f)`` of a config loads again (Keras refuses its
    own config).

    Args:
        x_factor: a number in [0, 1] or a pair of numbers (default 0).
        y_factor: the same for the vertical shear (default 0).
        interpolation: ``'bilinear'`` (default) or ``'nearest'``.
        fill_mode: ``'reflect'`` (default), ``'wrap'``, ``'constant'`` or ``'nearest'``.
        fill_value: the value of ``'constant'`` fill (default 0).
        data_format: ``'channels_last'`` or ``'channels_first'``.
        seed: optional int; the layer then draws from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomShear(x_factor=(0.5, 0.5), fill_mode="constant")
        >>> layer(torch.ones(1, 4, 4, 1), training=True).shape
        torch.Size([1, 4, 4, 1])
    """

    def __init__(
        self,
        x_factor: Any = 0.0,
        y_factor: Any = 0.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            fill_mode=fill_mode,
            interpolation=interpolation,
            seed=seed,
            fill_value=fill_value,
            data_format=data_format,
            **kwargs,
        )
        self.x_factor = self._shear_range("x_factor", x_factor)
        self.y_factor = self._shear_range("y_factor", y_factor)

    def _shear_range(self, name: str, value: Any) -> tuple:
        pair = isinstance(value, (tuple, list))
        values = list(value) if pair else [value]
        low = -1 if pair else 0  # a pair may be negative: the (-f, f) a config holds
        if not (
            (len(values) == 2 or not pair) and all(is_number(v) and low <= v <= 1 for v in values)
        ):
            raise ValueError(
                f"RandomShear {self.name!r}: the `x_factor` and `y_factor` arguments should be "
                f"a number (or a list of two numbers) in the range [0, 1]. Received: "
                f"{name}={value!r}"
            )
        if isinstance(value, (tuple, list)):
            return tuple(sorted(values))
        return (-abs(value), abs(value))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config

    def _draw(self, images: torch.Tensor) -> dict:
        n, device = images.shape[0], images.device
        sign = torch.where(self._uniform((n, 1), 0.0, 1.0, device) > 0.5, -1.0, 1.0)
        shear_y = self._uniform((n, 1), *self.y_factor, device)
        shear_x = self._uniform((n, 1), *self.x_factor, device)
        return {"shear_factor": torch.cat((shear_x, shear_y), dim=1) * sign}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        shear = params["shear_factor"].to(torch.float32)
        ones, zeros = torch.ones_like(shear[:, 0]), torch.zeros_like(shear[:, 0])
        matrix = torch.stack((ones, shear[:, 0], zeros, shear[:, 1], ones, zeros), dim=1)
        return super()._transform(as_float(images), matrix)
