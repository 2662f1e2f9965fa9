"""AdditiveAttention: Bahdanau-style attention, ``sum(scale * tanh(query + key))`` scores."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.attention.base_attention import _BaseAttention


class AdditiveAttention(_BaseAttention):
    """Additive attention layer (Bahdanau-style): ``softmax(sum(scale * tanh(q + k))) @ value``.

    Called on ``[query, value]`` or ``[query, value, key]`` with shapes ``(batch, Tq, dim)``,
    ``(batch, Tv, dim)`` and ``(batch, Tv, dim)`` (``key`` defaults to ``value``); returns
    ``(batch, Tq, value_dim)``. ``call(inputs, mask=None, training=False,
    return_attention_scores=False, use_causal_mask=False)`` works as in ``Attention``.

    Differences from Keras: ``training`` follows tkeras's rule (an explicit value, else the
    enclosing call's, else the module's mode), so the default ``False`` still drops in ``fit``
    and after ``layer.train()``. ``dropout`` must be in [0, 1); ``score_mode`` (which Keras
    passes through ``**kwargs`` and then ignores) is not accepted.

    Args:
        use_scale: if True, a trainable ``scale`` vector of shape ``(dim,)`` (glorot_uniform)
            weights the ``tanh`` terms before they are summed.
        dropout: float in [0, 1), the fraction of attention probabilities dropped in training.
        seed: (keyword, as in Keras's ``**kwargs``) optional int seeding the dropout masks.

    Example:
        >>> import torch, tkeras
        >>> query, value = torch.randn(2, 3, 4), torch.randn(2, 5, 4)
        >>> tkeras.layers.AdditiveAttention()([query, value]).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        seed = kwargs.pop("seed", None)
        super().__init__(use_scale=use_scale, mode="additive", dropout=dropout, seed=seed, **kwargs)
        self._dim = None

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        if dim is None:
            raise ValueError(
                f"AdditiveAttention {self.name!r}: the last axis (dim) of the "
                "query must be known to build the layer. Received: "
                f"input_shape={input_shape}"
            )
        self._dim = int(dim)
        if self.use_scale:
            self.scale = self.add_weight(
                shape=(self._dim,), initializer="glorot_uniform", name="scale"
            )
        self.built = True

    def _scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        terms = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))  # (B, Tq, Tv, dim)
        if self.scale is not None:
            terms = self.scale * terms
        return terms.sum(-1)
