"""MixUp: blends each image (and its label) with another image of the batch."""

from __future__ import annotations

import torch

from tkeras.layers.preprocessing.base_augment import per_image
from tkeras.layers.preprocessing.base_image_layer import as_float, is_number
from tkeras.layers.preprocessing.base_mixing import _MixLayer


class MixUp(_MixLayer):
    """MixUp augmentation in training: ``w * x + (1 - w) * x[p]``; identity at inference.

    Per image, ``w`` is drawn from Beta(alpha, alpha) and ``p`` is a random permutation of the
    batch. Called on ``{"images": x, "labels": y}`` (one-hot or soft labels), the labels are
    mixed with the same weights. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). Bounding boxes
    are not supported yet.

    Args:
        alpha: the Beta distribution's concentration (default 0.2).
        data_format: ``'channels_last'`` or ``'channels_first'``.
        seed: optional int; the layer then draws from its own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> x, y = torch.rand(4, 8, 8, 3), torch.eye(4)
        >>> out = tkeras.layers.MixUp(seed=0)({"images": x, "labels": y}, training=True)
        >>> torch.allclose(out["labels"].sum(-1), torch.ones(4))
        True
    """

    def __init__(
        self, alpha: float = 0.2, data_format: str | None = None, seed: int | None = None, **kwargs
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not is_number(alpha) or alpha <= 0:
            raise ValueError(
                f"MixUp {self.name!r}: `alpha` must be a positive number. Received: alpha={alpha!r}"
            )
        self.alpha = alpha

    def _draw(self, images: torch.Tensor) -> dict:
        n, device = images.shape[0], images.device
        return {
            "permutation_order": self._permutation(n, device),
            "mix_weight": self._beta(n, self.alpha, device),
        }

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        weight = per_image(params["mix_weight"].to(x.dtype))
        return weight * x + (1.0 - weight) * x[params["permutation_order"]]
