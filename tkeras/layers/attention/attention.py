"""Attention: dot-product (Luong-style) attention over ``[query, value(, key)]``."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.attention.base_attention import _BaseAttention

_SCORE_MODES = ("dot", "concat")


class Attention(_BaseAttention):
    """Dot-product attention layer (Luong-style): ``softmax(query @ key^T) @ value``.

    Called on ``[query, value]`` or ``[query, value, key]`` with shapes ``(batch, Tq, dim)``,
    ``(batch, Tv, dim)`` and ``(batch, Tv, dim)`` (``key`` defaults to ``value``); returns
    ``(batch, Tq, value_dim)``. ``call(inputs, mask=None, training=False,
    return_attention_scores=False, use_causal_mask=False)``: ``mask`` is ``[query_mask,
    value_mask]`` of shapes ``(batch, Tq)`` and ``(batch, Tv)`` (False: padding; a third entry
    is accepted and ignored, as in Keras); a masked query step outputs zeros; the returned
    scores are the attention probabilities after masking, softmax and dropout.

    Differences from Keras: ``training`` follows tkeras's rule (an explicit value, else the
    enclosing call's, else the module's mode), so the default ``False`` still drops in ``fit``
    and after ``layer.train()``. ``dropout`` must be in [0, 1) and ``seed`` an int or None.

    Args:
        use_scale: if True, a trainable scalar ``scale`` (initialized to 1) multiplies the
            scores (``'dot'``) or the summed query and key (``'concat'``).
        score_mode: ``'dot'`` (``query @ key^T``) or ``'concat'``
            (``concat_score_weight * sum(tanh(query + key))``, with a trainable scalar
            ``concat_score_weight`` initialized to 1).
        dropout: float in [0, 1), the fraction of attention probabilities dropped in training.
        seed: optional int; dropout masks then come from the layer's own seeded generator.

    Example:
        >>> import torch, tkeras
        >>> query, value = torch.randn(2, 3, 4), torch.randn(2, 5, 4)
        >>> tkeras.layers.Attention()([query, value]).shape
        torch.Size([2, 3, 4])
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(use_scale=use_scale, mode=score_mode, dropout=dropout, seed=seed, **kwargs)
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                f"Attention {self.name!r}: invalid value for argument `score_mode`. "
                f"Expected one of {{'dot', 'concat'}}. "
                f"Received: score_mode={score_mode!r}"
            )

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                shape=(), initializer="ones", name="concat_score_weight"
            )
        self.built = True

    def _scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        if self.score_mode == "dot":
            scores = torch.matmul(query, key.transpose(-2, -1))
            return scores if self.scale is None else scores * self.scale
        summed = query.unsqueeze(-2) + key.unsqueeze(-3)  # (B, Tq, Tv, dim)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * torch.tanh(summed).sum(-1)
