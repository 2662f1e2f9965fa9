"""ReversibleEmbedding: an Embedding that can also project hidden states back to the vocabulary."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import torch

from tkeras.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An embedding layer that can project backwards, from ``output_dim`` to ``input_dim``.

    ``layer(ids)`` embeds as ``Embedding``; ``layer(hidden, reverse=True)`` returns logits
    ``hidden @ embeddings.T`` (``tie_weights=True``) or ``hidden @ reverse_embeddings``, soft-capped
    as ``tanh(logits / cap) * cap`` when ``logit_soft_cap`` is set, as in Keras.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each embedding vector.
        tie_weights: whether the reverse projection reuses the embeddings (else a separate
            ``reverse_embeddings`` weight of shape ``(output_dim, input_dim)``).
        embeddings_initializer, embeddings_regularizer, embeddings_constraint, mask_zero:
            as in ``Embedding``.
        reverse_dtype: dtype of the reverse projection (default: the compute dtype).
        logit_soft_cap: optional float capping the reverse logits.
        **kwargs: other ``Embedding`` arguments (``name``, ``dtype``, ``weights``, ...).

    Differences from Keras: the output mask (``mask_zero``) is computed for integer inputs
    only; float ids in a forward call carry no mask. Quantization is not supported.

    Example:
        >>> import torch, tkeras
        >>> emb = tkeras.layers.ReversibleEmbedding(100, 8)
        >>> hidden = emb(torch.tensor([[1, 2, 3]]))
        >>> emb(hidden, reverse=True).shape
        torch.Size([1, 3, 100])
    """

    # Keras's config lists these Embedding arguments though this signature hides them.
    _config_defaults = MappingProxyType({"activity_regularizer": None, "quantization_config": None})

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        reverse_dtype: Any = None,
        logit_soft_cap: float | None = None,
        **kwargs: Any,
    ) -> None:
        self.tie_weights = bool(tie_weights)
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.reverse_dtype = reverse_dtype
        self._reverse_torch_dtype = (
            None if reverse_dtype is None else getattr(torch, str(reverse_dtype))
        )
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                name="reverse_embeddings",
                trainable=True,
            )

    def call(self, inputs: torch.Tensor, reverse: bool = False) -> torch.Tensor:
        if not reverse:
            return super().call(inputs)
        kernel = self.embeddings.T if self.tie_weights else self.reverse_embeddings
        dtype = inputs.dtype
        if self._reverse_torch_dtype is not None:
            inputs = inputs.to(self._reverse_torch_dtype)
            kernel = kernel.to(self._reverse_torch_dtype)
        logits = torch.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = torch.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits.to(dtype)  # computed in reverse_dtype, returned in the input's, as Keras

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(inputs, torch.Tensor) and inputs.is_floating_point():
            return None  # a reverse call's hidden states
        return super().compute_mask(inputs, mask)

    def compute_output_shape(self, input_shape: tuple, reverse: bool = False) -> tuple:
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return super().compute_output_shape(input_shape)
