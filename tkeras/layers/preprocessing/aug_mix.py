"""AugMix: mixes each batch with chains of random augmentations of itself."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.preprocessing.base_augment import given_range
from tkeras.layers.preprocessing.base_compound import _CompoundLayer
from tkeras.layers.preprocessing.base_image_layer import as_float, factor_range
from tkeras.layers.preprocessing.compound_ops import augment_ops


class AugMix(_CompoundLayer):
    """AugMix in training; identity at inference.

    ``num_chains`` chains of up to ``chain_depth`` transforms each (each step picks one of
    the inner layers, or none, uniformly) run on copies of the batch; the chains are mixed with
    Dirichlet(alpha) weights, then mixed with the batch by a Beta(alpha, alpha) weight ``w``:
    ``w * x + (1 - w) * chains``, clipped to ``value_range``. The inner layers are Keras's:
    RandomShear, RandomTranslation, RandomRotation, RandomPosterization, Solarization,
    AutoContrast, Equalization and, with ``all_ops``, RandomBrightness,
    RandomColorDegeneration, RandomContrast and RandomSharpness. Outputs are float32.

    Differences from Keras: a direct call is inference (see ``RandomInvert``). Keras picks the
    chain steps with Python's global ``random``; tkeras draws them from the layer's generator,
    so a seed fixes them too.

    Args:
        value_range: ``(min, max)`` of the pixel values (default ``(0, 255)``).
        num_chains: the number of chains (default 3).
        chain_depth: the most transforms per chain (default 3).
        factor: the strength, a number in [0, 1] or a pair (default 0.3).
        alpha: the Dirichlet and Beta concentration (default 1.0).
        all_ops: use the four colour layers too (default True).
        interpolation: ``'bilinear'`` (default) or ``'nearest'``, for the geometric transforms.
        seed, data_format: as for ``RandomInvert``.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.AugMix(seed=0)
        >>> layer(torch.rand(2, 8, 8, 3) * 255, training=True).shape
        torch.Size([2, 8, 8, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        num_chains: int = 3,
        chain_depth: int = 3,
        factor: Any = 0.3,
        alpha: float = 1.0,
        all_ops: bool = True,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = given_range(self, value_range)
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = factor_range(self, "factor", factor, (0, 1), "[0, 1]")
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self._add_ops(augment_ops(self, all_ops=all_ops, order="aug_mix"))

    def _draw(self, images: torch.Tensor) -> dict:
        device = images.device
        concentration = torch.full((self.num_chains,), float(self.alpha))
        gamma = self._sample(torch.distributions.Gamma(concentration, 1.0), device)
        beta = torch.distributions.Beta(torch.tensor(float(self.alpha)), float(self.alpha))
        chains = []
        for _ in range(self.num_chains):
            picks = torch.randint(
                0,
                len(self._op_names) + 1,
                (self.chain_depth,),
                generator=self._generator(device),
                device=device,
            )
            chains.append(
                [
                    {"layer_name": name, "transformation": self._draw_op(name, images)}
                    for name in (
                        self._op_names[i] for i in picks.tolist() if i < len(self._op_names)
                    )
                ]
            )
        return {
            "chain_mixing_weights": gamma / gamma.sum(),
            "weight_sample": self._sample(beta, device),
            "chain_transforms": chains,
        }

    def _transform(self, images: torch.Tensor, params: dict) -> torch.Tensor:
        x = as_float(images)
        weights = params["chain_mixing_weights"].to(x.dtype)
        mixed = torch.zeros_like(x)
        for index, chain in enumerate(params["chain_transforms"]):
            chained = x
            for step in chain:
                chained = as_float(
                    self._run_op(step["layer_name"], chained, step["transformation"])
                )
            mixed = mixed + chained * weights[index]
        weight = params["weight_sample"].to(x.dtype)
        out = weight * x + (1 - weight) * mixed
        return torch.clamp(out, float(self.value_range[0]), float(self.value_range[1]))
