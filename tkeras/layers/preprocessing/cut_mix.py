"""CutMix: pastes a random box of another image of the batch into each image."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_image_layer import as_float, factor_range
from tkeras.layers.preprocessing.base_mixing import _MixLayer


def box_masks(x0, x1, y0, y1, height: int, width: int) -> torch.Tensor:
    """(N, 1, H, W) masks of the pixels with ``x0 <= x < x1`` and ``y0 <= y < y1`` (each (N,))."""
    xs = torch.arange(width, dtype=x0.dtype, device=x0.device)
    ys = torch.arange(height, dtype=x0.dtype, device=x0.device)[:, None]
    column = (xs >= x0[:, None, None]) & (xs < x1[:, None, None])
    row = (ys >= y0[:, None, None]) & (ys < y1[:, None, None])
    return (column & row).unsqueeze(1)


def box_bounds(layer, n: int, length: int, ratio: torch.Tensor, device) -> tuple:
    """Keras's box edges along one axis: a ``ratio * length`` span at a uniform position."""
    span = ratio * length
    start = layer._uniform((n,), 0.0, 1.0, device) * (length - span)
    return start, start + span


class CutMix(_MixLayer):
    """CutMix augmentation in training; identity at inference.

    For a batch, ``alpha`` is drawn uniformly in ``factor`` (plus 1e-6); per image, ``w`` is
    drawn from Beta(alpha, alpha) and a box of ``sqrt(1 - w)`` of the height and width, at a
    uniform position, is replaced by the same box of a randomly paired image. Labels of a
    ``{"images": x, "labels": y}`` input are mixed by the box's area. A single image is left as
    it is. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). Bounding boxes
    are not supported yet.

    Args:
        factor: the range of ``alpha``, a number in [0, 1] or a pair (default 1.0).
        seed: optional int; the layer then draws from its own seeded generator.
        data_format: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> import torch, tkeras
        >>> x = torch.stack([torch.zeros(6, 6, 1), torch.ones(6, 6, 1)])
        >>> out = tkeras.layers.CutMix(seed=1)(x, training=True)
        >>> bool(((out == 0) | (out == 1)).all())  # boxes pasted, not blended
        True
    """

    def __init__(
        self, factor: Any = 1.0, seed: int | None = None, data_format: str | None = None, **kwargs
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range(self, "factor", factor, (0, 1), "[0, 1]")

    def _draw(self, images: torch.Tensor) -> dict:
        n, device = images.shape[0], images.device
        height, width = images.shape[-2:]
        alpha = float(self._uniform((), *self.factor, device)) + 1e-6
        ratio = torch.sqrt(1.0 - self._beta(n, alpha, device))
        x0, x1 = box_bounds(self, n, width, ratio, device)
        y0, y1 = box_bounds(self, n, height, ratio, device)
        return {
            "permutation_order": self._permutation(n, device),
            "batch_masks": box_masks(x0, x1, y0, y1, height, width),
            "mix_weight": 1.0 - (x1 - x0) * (y1 - y0) / (width * height),
        }

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        images = inputs.get("images") if isinstance(inputs, dict) else inputs
        if isinstance(images, torch.Tensor) and images.dim() == 3:  # Keras: no partner
            return self._inference(images) if not isinstance(inputs, dict) else inputs
        return super().call(inputs, training=training)

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        return torch.where(params["batch_masks"], x[params["permutation_order"]], x)
