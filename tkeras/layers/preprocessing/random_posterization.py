"""RandomPosterization: keeps a random number of the high bits of each 8-bit value, in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import (
    _FactorLayer,
    per_image,
    to_range,
)


class RandomPosterization(_FactorLayer):
    """Randomly posterizes images in training; identity at inference.

    On the 0-255 scale, values become 8-bit integers and keep only their ``b`` high bits, ``b``
    drawn per image as an integer in ``[factor[0], factor[1])`` (``factor[0]`` when both are
    equal); a number ``f`` means ``(1, f)``, as in Keras. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``).

    Args:
        factor: a number in [1, 8] or a pair: the bits to keep.
        value_range, data_format, seed: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.RandomPosterization(factor=(2, 2))
        >>> layer(torch.tensor([[[[200.0], [100.0]]]]), training=True)[0, 0, :, 0]
        tensor([192.,  64.])
    """

    _factor_bounds = (1, 8)

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
        low, high = int(self.factor[0]), int(self.factor[1])
        if low != high:
            bits = torch.randint(
                low, high, (n,), generator=self._generator(device), device=device
            ).to(torch.uint8)
        else:
            bits = torch.full((n,), low, dtype=torch.uint8, device=device)
        return {"shift_factor": 8 - bits}

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        shift = per_image(params["shift_factor"]).to(torch.uint8)
        x = to_range(images, self.value_range, (0, 255)).to(torch.float32).to(torch.uint8)
        x = torch.bitwise_left_shift(torch.bitwise_right_shift(x, shift), shift)
        return to_range(x.to(torch.float32), (0, 255), self.value_range)
