"""MultiHeadAttention's attention masks: Keras's combined boolean mask and its broadcasting."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.attention.base_attention import as_mask


class MHAMasksMixin:
    """The mask half of ``MultiHeadAttention`` (mixed into it; not used on its own)."""

    def _plan_mask(
        self,
        query: Any,
        value: Any,
        query_mask: Any,
        value_mask: Any,
        key_mask: Any,
        attention_mask: Any,
        use_causal_mask: bool,
        fused_ok: bool = True,
    ) -> tuple[Any, bool]:
        """``(mask, causal_only)``: causal masking alone (no other mask, no sliding window, a
        fused path allowed) goes to SDPA's ``is_causal`` kernel with no mask, as in Keras."""
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self._sliding_window is None
            and fused_ok
        )
        if causal_only:
            return None, True
        mask = self._attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        return mask, False

    def _attention_mask(
        self,
        query: torch.Tensor,
        value: torch.Tensor,
        query_mask: Any,
        value_mask: Any,
        key_mask: Any,
        attention_mask: Any,
        use_causal_mask: bool,
    ) -> torch.Tensor | None:
        """Keras's combined boolean mask (True: attend), broadcastable to ``(B, T, S)``."""
        mask = None
        if query_mask is not None:
            mask = as_mask(query_mask, query).unsqueeze(-1)  # (B, T, 1)
        for extra in (value_mask, key_mask):
            if extra is not None:
                extra = as_mask(extra, query).unsqueeze(-2)  # (B, 1, S)
                mask = extra if mask is None else mask & extra
        if use_causal_mask or self._sliding_window is not None:
            t, s = query.shape[1], value.shape[1]
            rows = torch.arange(t, device=query.device).unsqueeze(-1)
            cols = torch.arange(s, device=query.device)
            if use_causal_mask:
                extra = (rows >= cols).unsqueeze(0)  # (1, T, S)
                mask = extra if mask is None else mask & extra
            if self._sliding_window is not None:
                extra = ((rows - cols).abs() < self._sliding_window).unsqueeze(0)
                mask = extra if mask is None else mask & extra
        if attention_mask is not None:
            attention_mask = as_mask(attention_mask, query)
            mask = attention_mask if mask is None else attention_mask & mask
        return mask

    def _expand_mask(self, mask: torch.Tensor, scores_shape: tuple) -> torch.Tensor:
        """Insert the head (and other batch) axes before the attention axes, as Keras does."""
        n_attn = 2 * len(self._attention_axes)
        missing = len(scores_shape) - mask.dim()
        if missing > 0 and mask.dim() >= n_attn:
            lead = mask.shape[: mask.dim() - n_attn]
            mask = mask.reshape(*lead, *([1] * missing), *mask.shape[mask.dim() - n_attn :])
        if mask.dim() != len(scores_shape) or any(
            m != 1 and m != s for m, s in zip(mask.shape, scores_shape)
        ):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the combined attention mask of shape "
                f"{tuple(mask.shape)} cannot broadcast to the attention scores of shape "
                f"{tuple(scores_shape)} (batch and head axes, then "
                f"{len(self._attention_axes)} query and {len(self._attention_axes)} key "
                "attention axes). Pass masks whose trailing axes are the query and key attention "
                "axes."
            )
        return mask
