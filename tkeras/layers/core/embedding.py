"""Embedding: maps integer ids to dense vectors, over ``F.embedding``."""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import constraints, regularizers
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, not_implemented
from tkeras.layers.validation import positive_int

# The id dtypes F.embedding takes as they are; other dtypes are cast (floats only if integral).
_INDEX_DTYPES = (torch.int64, torch.int32)


class Embedding(Layer):
    """Turns non-negative integer ids into dense vectors of size ``output_dim``.

    Ids of other integer dtypes, and float ids with integral values, are cast to int64, as Keras
    casts them; out-of-range ids raise ValueError (on CUDA/MPS the range check is asynchronous).
    Differences from Keras: non-integral float ids raise ValueError (Keras truncates them), and
    ``input_length`` (deprecated and ignored in Keras 3) is honoured as in Keras 2.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer (default ``'uniform'``, i.e. U(-0.05, 0.05)).
        embeddings_regularizer: regularizer of the embeddings matrix, added to ``losses``.
        embeddings_constraint: constraint applied to the embeddings after each update.
        mask_zero: whether id 0 is padding; ``compute_mask`` then returns ``ids != 0`` and
            Sequential passes the mask to the layers that take one (RNNs).
        weights: optional embeddings array (or ``[embeddings]``) to start from.
        input_length: Keras 2's fixed sequence length; sets the input shape to
            ``(batch, input_length)`` and is checked on every input.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Embedding(10, 4)(torch.tensor([[1, 2, 3]])).shape
        torch.Size([1, 3, 4])
    """

    # Keras's Embedding config always lists activity_regularizer.
    _config_defaults = MappingProxyType({"activity_regularizer": None})

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        input_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        not_implemented(
            type(self).__name__,
            lora_rank=lora_rank,
            lora_alpha=lora_alpha,
            quantization_config=quantization_config,
        )
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.input_dim = positive_int(self, "input_dim", input_dim)
        self.output_dim = positive_int(self, "output_dim", output_dim)
        self.embeddings_initializer = embeddings_initializer
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._creates_mask = self.mask_zero
        self.input_length = input_length
        if input_length is not None:
            positive_int(self, "input_length", input_length)
            self.input_spec = InputSpec(ndim=2, axes={1: input_length})
        if weights is not None:
            self.build(None)
            self.built = True
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any) -> None:
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            name="embeddings",
        )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dtype not in _INDEX_DTYPES:
            inputs = self._cast_ids(inputs)
        if self.input_length is not None and inputs.shape[-1] != self.input_length:
            self._check_input(inputs)
        if inputs.device.type != "cpu":
            torch._assert_async(
                ((inputs >= 0) & (inputs < self.input_dim)).all(),
                f"Embedding {self.name!r}: ids must be in [0, {self.input_dim})",
            )
        return F.embedding(inputs, self.embeddings)

    def _cast_ids(self, inputs: torch.Tensor) -> torch.Tensor:
        if not inputs.is_floating_point():
            return inputs.long()
        if not bool((inputs == torch.round(inputs)).all()):
            bad = inputs[inputs != torch.round(inputs)].flatten()[:5].tolist()
            raise ValueError(
                f"Embedding {self.name!r} expects integer token ids; received non-integral "
                f"float ids such as {bad}. Cast your ids to an integer dtype."
            )
        return inputs.long()

    def _check_input(self, inputs: torch.Tensor) -> None:
        super()._check_input(inputs)
        if inputs.numel() and not inputs.dtype == torch.bool:
            lo, hi = inputs.min().item(), inputs.max().item()
            if inputs.is_floating_point():
                lo, hi = (int(v) if math.isfinite(v) and v == int(v) else v for v in (lo, hi))
            if lo < 0 or hi >= self.input_dim:
                raise ValueError(
                    f"Embedding {self.name!r}: ids must be in [0, {self.input_dim}) "
                    f"(input_dim={self.input_dim}); received ids from {lo} to {hi}."
                )

    def compute_mask(self, inputs: torch.Tensor, mask: Any = None) -> torch.Tensor | None:
        if not self.mask_zero:
            return None
        return inputs != 0

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape), self.output_dim)
