"""The private base of RandomColorJitter, RandAugment and AugMix: layers that run other
augmentation layers' transforms, drawing every parameter from their own generator."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import _AugmentLayer


class _CompoundLayer(_AugmentLayer):
    """Composes augmentation layers (private; never instantiated).

    ``_add_ops`` registers the inner layers under Keras's attribute names, on the outer
    layer's data format and generator (so one seed drives every draw, as in Keras);
    ``_draw_op``/``_run_op`` draw and apply one inner layer's transform on (N, C, H, W)
    images.
    """

    def _add_ops(self, ops: dict[str, Any]) -> None:
        self._op_names = tuple(ops)
        for name, layer in ops.items():
            layer._generators = self._generators
            layer.seed = self.seed
            setattr(self, name, layer)

    def _draw_op(self, name: str, images: torch.Tensor) -> Any:
        return getattr(self, name)._draw(images)

    def _run_op(self, name: str, images: torch.Tensor, params: Any) -> torch.Tensor:
        return getattr(self, name)._transform(images, params)
