"""CategoryEncoding: integer ids to one-hot, multi-hot or count vectors."""

from __future__ import annotations

import torch

from tkeras import config
from tkeras.backend.convert import convert_to_tensor
from tkeras.layers.layer import Layer, _is_symbolic
from tkeras.layers.preprocessing.categorical import encode_categorical


class CategoryEncoding(Layer):
    """Encode integer ids in ``[0, num_tokens)`` as one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of ids (the output's last dimension).
        output_mode: ``"multi_hot"`` (default; ``"binary"`` is an alias), ``"one_hot"`` or
            ``"count"`` (``call(x, count_weights=w)`` sums weights instead of ones).
        sparse: must be False (torch sparse outputs are not offered, as in Keras's torch
            backend).

    Example:
        >>> layer = CategoryEncoding(num_tokens=4, output_mode="multi_hot")
        >>> layer([[0, 1], [0, 0], [1, 2], [3, 1]]).tolist()
        [[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError("Unsupported value `sparse=True` with torch backend")
        self.num_tokens, self.output_mode, self.sparse = num_tokens, output_mode, sparse
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, torch.Tensor) and not _is_symbolic(inputs):
            inputs = convert_to_tensor(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not `'count'`. "
                    f"Received `count_weights={count_weights}`."
                )
            count_weights = torch.as_tensor(count_weights, dtype=config.floatx_torch())
        return encode_categorical(
            inputs, self.output_mode, self.num_tokens, config.floatx_torch(), count_weights
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot":
            if input_shape[-1] != 1 or len(input_shape) == 1:
                return input_shape + (self.num_tokens,)
            return input_shape[:-1] + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
