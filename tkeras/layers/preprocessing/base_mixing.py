"""The private base of MixUp and CutMix: images mixed with a shuffled copy of the batch, and
the labels of a ``{"images": ..., "labels": ...}`` input mixed with the same weights."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import resolve_training
from tkeras.layers.preprocessing.base_augment import _AugmentLayer


class _MixLayer(_AugmentLayer):
    """Mixes each image with another of the batch (private; never instantiated).

    ``_draw`` returns Keras's transformation dict, with ``permutation_order`` (the partner of
    each image) and ``mix_weight`` (N,), the share of the image itself, which also weighs the
    labels: ``w * labels + (1 - w) * labels[permutation]``.
    """

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not isinstance(inputs, dict):
            return super().call(inputs, training=training)
        unknown = sorted(set(inputs) - {"images", "labels"})
        if unknown or "images" not in inputs:
            raise NotImplementedError(
                f"{type(self).__name__} {self.name!r}: a dict input takes the keys 'images' and "
                f"'labels' (bounding boxes and segmentation masks are not supported yet). "
                f"Received keys: {sorted(inputs)}"
            )
        images = inputs["images"]
        self._check_images(images)
        labels = inputs.get("labels")
        if not resolve_training(self, training):
            out = {"images": self._inference(images)}
        else:
            x = self._to_nchw(images)
            params = self._draw(x)
            out = {"images": self._from_nchw(self._transform(x, params), images.dim() == 3)}
            if labels is not None and params is not None:
                labels = self._mix_labels(torch.as_tensor(labels, device=images.device), params)
        if labels is not None:
            out["labels"] = labels
        return out

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    @staticmethod
    def _mix_labels(labels: torch.Tensor, params: dict) -> torch.Tensor:
        weight = params["mix_weight"].reshape(-1, 1).to(torch.float32)
        partner = labels[params["permutation_order"]]
        return weight * labels + (1.0 - weight) * partner

    def _permutation(self, n: int, device: torch.device) -> torch.Tensor:
        return torch.randperm(n, generator=self._generator(device), device=device)

    def _beta(self, n: int, alpha: Any, device: torch.device) -> torch.Tensor:
        """(n,) draws from Beta(alpha, alpha)."""
        concentration = torch.as_tensor(alpha, dtype=torch.float32).expand(n)
        return self._sample(torch.distributions.Beta(concentration, concentration), device)
