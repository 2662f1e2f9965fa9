"""SpectralNormalization: divide a wrapped layer's kernel by its spectral norm in training."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import initializers
from tkeras.layers.core.wrapper import Wrapper
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import resolve_training


def _l2_normalize(x: torch.Tensor, epsilon: float = 1e-7) -> torch.Tensor:
    # Keras's ops.normalize(axis=None): x * min(rsqrt(sum(x^2)), 1/epsilon).
    return x * torch.clamp(torch.rsqrt(torch.sum(x * x)), max=1.0 / epsilon)


class SpectralNormalization(Wrapper):
    """Spectral normalization of a layer's ``kernel`` (or ``embeddings``), for stable GANs.

    In training, each call runs ``power_iterations`` steps of the power method from the
    non-trainable ``vector_u`` to estimate the largest singular value ``sigma`` of the kernel
    (reshaped to ``(-1, kernel.shape[-1])``), stores the new ``vector_u``, and assigns
    ``kernel / sigma`` to the kernel before the wrapped layer runs, as Keras does (an all-zero
    kernel is left alone). Gradients reach the kernel through the wrapped layer only. In
    inference the wrapped layer runs on its kernel as it is.

    Args:
        layer: a layer with a ``kernel`` (Dense, Conv2D, ...) or ``embeddings`` (Embedding).
        power_iterations: positive int, power-method steps per training call.

    Example:
        >>> import torch, tkeras
        >>> sn = tkeras.layers.SpectralNormalization(tkeras.layers.Dense(4))
        >>> sn(torch.ones(2, 3), training=True).shape
        torch.Size([2, 4])
    """

    def __init__(self, layer: Any, power_iterations: int = 1, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(
                f"SpectralNormalization {self.name!r}: `power_iterations` should be greater "
                f"than zero. Received: power_iterations={power_iterations}"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"SpectralNormalization {self.name!r}: {type(self.layer).__name__} object has "
                "no attribute 'kernel' nor 'embeddings'"
            )
        # Keras tracks the wrapped kernel as the wrapper's own variable too (weights order:
        # kernel, vector_u, then the wrapped layer's others; the weight files list it twice).
        own = self._own_trainable if kernel.trainable else self._own_non_trainable
        own.append(kernel)
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
        )

    @property
    def kernel(self) -> Any:
        layer = self.layer
        return layer.kernel if getattr(layer, "kernel", None) is not None else layer.embeddings

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        if resolve_training(self, training):
            with torch.no_grad():
                if not bool((self.kernel == 0).all()):
                    vector_u, kernel = self.normalized_weights()
                    self.vector_u.copy_(vector_u)
                    self.kernel.copy_(kernel)
        return self.layer(inputs).to(inputs.dtype)

    def normalized_weights(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The new ``vector_u`` and the kernel divided by its estimated spectral norm."""
        weights = self.kernel.detach().reshape(-1, self.kernel_shape[-1])
        vector_u = self.vector_u.detach()
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(vector_u @ weights.T)
            vector_u = _l2_normalize(vector_v @ weights)
        sigma = (vector_v @ weights) @ vector_u.T
        return vector_u, (self.kernel.detach() / sigma).reshape(self.kernel_shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)
