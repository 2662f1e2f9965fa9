"""MultiHeadAttention's attention kernels: SDPA (Keras's fused path) and Keras's einsum path."""

from __future__ import annotations

import string

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

# SDPA kernels for flash_attention=True / False (None: torch's own choice).
_FLASH_ONLY = [SDPBackend.FLASH_ATTENTION]
_NO_FLASH = [SDPBackend.CUDNN_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH]


def _large_negative(dtype: torch.dtype) -> float:
    # Keras's additive mask value on its fused path: 0.7 x the largest bfloat16 (float16's).
    return -0.7 * (65500.0 if dtype == torch.float16 else 3.38953e38)


class MHAKernelsMixin:
    """The attention kernels of ``MultiHeadAttention`` (mixed into it; not used on its own)."""

    def _fused_attention(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        is_causal: bool,
        drop: bool,
    ) -> torch.Tensor:
        """SDPA over the attention axes flattened to one: (B, *T, N*H) -> (B, *T, N*Hv)."""
        heads = self._num_heads
        lead = q.shape[:-1]
        batch = q.shape[0]
        q = q.reshape(batch, -1, heads, self._key_dim).transpose(1, 2)
        k = k.reshape(batch, -1, heads, self._key_dim).transpose(1, 2)
        v = v.reshape(batch, -1, heads, self._value_dim).transpose(1, 2)
        bias = None
        if mask is not None:
            # Keras's fused path adds 0 or a large negative number rather than passing booleans.
            mask = self._expand_mask(mask, (q.shape[0], heads, q.shape[2], k.shape[2]))
            bias = torch.zeros(mask.shape, dtype=q.dtype, device=q.device)
            bias.masked_fill_(~mask, _large_negative(q.dtype))
        dropout_p = self._dropout if drop else 0.0
        if self._sdpa_backends is not None and self._keras_fused:
            with sdpa_kernel(self._sdpa_backends):
                out = F.scaled_dot_product_attention(
                    q,
                    k,
                    v,
                    attn_mask=bias,
                    dropout_p=dropout_p,
                    is_causal=is_causal,
                    scale=self._inverse_sqrt_key_dim,
                )
        else:
            out = F.scaled_dot_product_attention(
                q,
                k,
                v,
                attn_mask=bias,
                dropout_p=dropout_p,
                is_causal=is_causal,
                scale=self._inverse_sqrt_key_dim,
            )
        return out.transpose(1, 2).reshape(*lead, heads * self._value_dim)

    def _explicit_attention(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        drop: bool,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Keras's einsum path; returns the output and the probabilities before dropout."""
        heads = self._num_heads
        q = q.unflatten(-1, (heads, self._key_dim)) * self._inverse_sqrt_key_dim
        k = k.unflatten(-1, (heads, self._key_dim))
        v = v.unflatten(-1, (heads, self._value_dim))
        scores = torch.einsum(self._dot_equation, q, k)
        n = len(self._attention_axes)
        if mask is not None:
            mask = self._expand_mask(mask, scores.shape)
            big = -3e4 if scores.dtype == torch.float16 else -1e9
            scores = torch.where(mask, scores, big)
        if n == 1:
            probs = torch.softmax(scores, dim=-1)
        else:
            probs = torch.softmax(scores.flatten(-n), dim=-1).unflatten(-1, scores.shape[-n:])
        if mask is not None:
            # Masked positions are 0, so a fully masked row gives zeros, not a uniform average.
            probs = torch.where(mask, probs, 0.0)
        dropped = self._dropper(probs) if drop else probs
        out = torch.einsum(self._combine_equation, dropped, v)
        return out.flatten(-2), probs


def _attention_equations(rank: int, axes: tuple[int, ...]) -> tuple[str, str]:
    """Einsum equations for projected tensors of ``rank`` (batch, ..., heads, channels).

    Scores are (every non-attention axis but channels, the query's attention axes, the key's
    attention axes), Keras's order; the key/value attention axes get fresh letters.
    """
    letters = string.ascii_lowercase
    q = letters[:rank]
    k = list(q)
    for n, axis in enumerate(axes):
        k[axis] = letters[rank + n]
    k = "".join(k)
    batch = [i for i in range(rank - 1) if i not in axes]
    s = "".join([q[i] for i in batch] + [q[a] for a in axes] + [k[a] for a in axes])
    return f"{q},{k}->{s}", f"{s},{k}->{q}"
