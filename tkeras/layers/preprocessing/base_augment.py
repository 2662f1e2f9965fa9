"""The private base of the Keras 3 augmentation layers (colour, mixing and warping layers).

``_AugmentLayer`` adds to ``_RandomImageLayer`` what those layers share in Keras: the
``data_format`` key in every config, integer images left as they are at inference, and the
helpers below (Keras's value-range mapping, per-image Bernoulli draws, the factor rules).
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_image_layer import (
    _RandomImageLayer,
    as_float,
    factor_range,
    is_number,
)
from tkeras.layers.preprocessing.base_image_layer import value_range as check_value_range


class _AugmentLayer(_RandomImageLayer):
    """A Keras 3 augmentation layer (private): random in training, identity at inference.

    Subclasses define ``_draw`` (returning Keras's transformation dict for the batch, tensors
    of Keras's shapes) and ``_transform`` on an (N, C, H, W) view, as ``_RandomImageLayer``.
    """

    def _inference(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs) if inputs.is_floating_point() else inputs

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config

    def _sample(self, distribution: Any, device: torch.device) -> torch.Tensor:
        """A draw from a ``torch.distributions`` object (which takes no generator): a seeded
        layer samples under a CPU generator state drawn from its own generator."""
        generator = self._generator(torch.device("cpu"))
        if generator is None:
            return distribution.sample().to(device)
        state = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(state)
            return distribution.sample().to(device)

    def _apply_mask(self, n: int, device: torch.device) -> torch.Tensor:
        """Per image, whether to apply: a probability drawn in ``factor``, then a uniform
        threshold below it (Keras's RandomInvert, RandomErasing, RandomPerspective, ...)."""
        probability = self._uniform((n,), *self.factor, device)
        return self._uniform((n,), 0.0, 1.0, device) < probability


def to_range(images: torch.Tensor, source: Any, target: Any) -> torch.Tensor:
    """Keras's ``_transform_value_range``: values mapped linearly from ``source`` to ``target``
    (float32; unchanged when the ranges are equal)."""
    if source[0] == target[0] and source[1] == target[1]:
        return images
    images = as_float(images)
    low, high = float(source[0]), float(source[1])
    scaled = (images - low) / (high - low)
    return scaled * (float(target[1]) - float(target[0])) + float(target[0])


def sorted_range(layer: Any, value: Any) -> list:
    """A checked ``value_range``, sorted into a list, as Keras's layers that sort it store it."""
    check_value_range(layer, value)
    return sorted(value)


def given_range(layer: Any, value: Any) -> Any:
    """A checked ``value_range``, kept as given (Keras's layers that do not sort it)."""
    check_value_range(layer, value)
    return value


def probability(layer: Any, value: Any) -> float:
    """A number in [0, 1] (RandomGrayscale's ``factor``)."""
    if not is_number(value) or not 0 <= value <= 1:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: `factor` should be between 0 and 1. "
            f"Received: factor={value!r}"
        )
    return value


def per_image(values: torch.Tensor) -> torch.Tensor:
    """(N,) values shaped to broadcast over (N, C, H, W) images."""
    return values.reshape(-1, 1, 1, 1)


def grayscale(images: torch.Tensor) -> torch.Tensor:
    """Keras's ``rgb_to_grayscale`` of (N, C, H, W) images, as (N, 1, H, W) (C = 3) or as is."""
    if images.shape[1] == 1:
        return images
    if images.shape[1] != 3:
        raise ValueError(
            "Images must have 3 (RGB) or 1 (grayscale) channels to be converted to grayscale. "
            f"Received {images.shape[1]} channels."
        )
    r, g, b = images.unbind(1)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(images.dtype).unsqueeze(1)


class _FactorLayer(_AugmentLayer):
    """A layer whose draws scale with ``factor``, on pixels in ``value_range`` (private).

    ``factor`` follows Keras's rule within ``_factor_bounds`` (``factor_range``); layers whose
    Keras twin sorts ``value_range`` into a list set ``_sorts_range``.
    """

    _factor_bounds: tuple[int, int] = (-1, 1)
    _sorts_range = True

    def __init__(
        self, factor: Any, value_range: Any, data_format: Any, seed: Any, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        low, high = self._factor_bounds
        self.factor = factor_range(self, "factor", factor, (low, high), f"[{low}, {high}]")
        check = sorted_range if self._sorts_range else given_range
        self.value_range = check(self, value_range)

    def _clip(self, images: torch.Tensor) -> torch.Tensor:
        return torch.clamp(images, float(self.value_range[0]), float(self.value_range[1]))
