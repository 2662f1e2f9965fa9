"""RandAugment: applies ``num_ops`` augmentations chosen at random from eleven."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import given_range
from tkeras.layers.preprocessing.base_compound import _CompoundLayer
from tkeras.layers.preprocessing.base_image_layer import as_float, factor_range
from tkeras.layers.preprocessing.compound_ops import augment_ops


class RandAugment(_CompoundLayer):
    """RandAugment in training: ``num_ops`` transforms drawn from a fixed list; identity at
    inference.

    The list (Keras's order): RandomShear, RandomTranslation, RandomRotation,
    RandomBrightness, RandomColorDegeneration, RandomContrast, RandomSharpness,
    RandomPosterization, Solarization, AutoContrast, Equalization, each built with ``factor``
    (posterization keeps ``max(1, int(8 * factor[1]))`` bits). ``num_ops`` indices are drawn
    for the batch and the chosen transforms applied in turn, each with one set of parameters
    drawn for the call. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). Keras computes
    every transform and selects one; tkeras computes only the chosen ones (same result).

    Args:
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        num_ops: how many transforms to apply (default 2).
        factor: the strength, a number in [0, 1] or a pair (default 0.5).
        interpolation: ``'bilinear'`` (default) or ``'nearest'``, for the geometric transforms.
        seed, data_format: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandAugment(seed=0)
        >>> layer(torch.rand(2, 8, 8, 3) * 255, training=True).shape
        torch.Size([2, 8, 8, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        num_ops: int = 2,
        factor: Any = 0.5,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = given_range(self, value_range)
        self.num_ops = num_ops
        self.factor = factor_range(self, "factor", factor, (0, 1), "[0, 1]")
        self.interpolation = interpolation
        self._add_ops(augment_ops(self, all_ops=True, order="rand_augment"))

    def _draw(self, images: torch.Tensor) -> dict:
        device = images.device
        count = len(self._op_names)
        indices = torch.randint(
            0, count, (self.num_ops,), generator=self._generator(device), device=device
        )
        transforms = {name: self._draw_op(name, images) for name in self._op_names}
        return {"layer_idxes": indices, "transforms": transforms}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        for index in params["layer_idxes"].tolist():
            name = self._op_names[index]
            x = as_float(self._run_op(name, x, params["transforms"][name]))
        return x
