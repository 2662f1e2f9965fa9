"""``keras.ops.nn.dot_product_attention`` on ``F.scaled_dot_product_attention``."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.ops._common import result_type, to_tensor, torch_dtype


def _large_negative(dtype: torch.dtype) -> float:
    return -0.7 * (65500.0 if dtype == torch.float16 else 3.38953e38)


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention over ``(batch, seq, heads, dim)`` tensors.

    ``mask`` (bool, True = attend) and ``bias`` (added to the logits) are exclusive. Fewer key
    heads than query heads are shared by groups (grouped-query attention).
    ``attn_logits_soft_cap`` caps the logits with ``cap * tanh(logits / cap)``.

    Differences from Keras: ``attn_logits_soft_cap`` works on every device (Keras supports it
    on JAX with TPUs only); ``flash_attention=True`` asks torch for its flash kernel, which
    raises where torch cannot use it.
    """
    q = to_tensor(query)
    k = to_tensor(key, device=q.device)
    v = to_tensor(value, device=q.device)
    if q.dim() != 4 or k.dim() != 4 or v.dim() != 4:
        raise ValueError(
            "dot_product_attention: query, key and value must be 4-D (batch, seq, heads, dim). "
            f"Received: query.shape={tuple(q.shape)}, key.shape={tuple(k.shape)}, "
            f"value.shape={tuple(v.shape)}."
        )
    if bias is not None and mask is not None:
        raise ValueError("dot_product_attention: only one of bias and mask can be given.")
    dt = torch_dtype(result_type(q.dtype, k.dtype, v.dtype))
    q, k, v = q.to(dt).transpose(1, 2), k.to(dt).transpose(1, 2), v.to(dt).transpose(1, 2)
    if q.shape[1] > k.shape[1] > 1:
        groups = q.shape[1] // k.shape[1]
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
    attn_mask = None
    if mask is not None:
        m = to_tensor(mask, dtype="bool", device=q.device)
        if is_causal:
            causal = torch.ones(q.shape[2], k.shape[2], dtype=torch.bool, device=q.device).tril()
            m = m & causal
            is_causal = False
        attn_mask = torch.where(m, 0.0, _large_negative(dt)).to(dt)
    if bias is not None:
        attn_mask = to_tensor(bias, dtype=dt, device=q.device)
    if flash_attention is None:
        flash_attention = config.is_flash_attention_enabled()
    if attn_logits_soft_cap is not None:
        out = _capped_attention(q, k, v, attn_mask, scale, is_causal, attn_logits_soft_cap)
    elif flash_attention:
        with torch.nn.attention.sdpa_kernel([torch.nn.attention.SDPBackend.FLASH_ATTENTION]):
            out = F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, is_causal=is_causal, scale=scale
            )
    else:
        out = F.scaled_dot_product_attention(
            q.contiguous(),
            k.contiguous(),
            v.contiguous(),
            attn_mask=attn_mask,
            is_causal=is_causal,
            scale=scale,
        )
    return out.transpose(1, 2)


def _capped_attention(q, k, v, attn_mask, scale, is_causal, cap):
    scale = q.shape[-1] ** -0.5 if scale is None else scale
    logits = torch.matmul(q, k.transpose(-1, -2)) * scale
    logits = cap * torch.tanh(logits / cap)
    if attn_mask is not None:
        logits = logits + attn_mask
    if is_causal:
        causal = torch.ones(q.shape[2], k.shape[2], dtype=torch.bool, device=q.device).tril()
        logits = logits.masked_fill(~causal, _large_negative(logits.dtype))
    return torch.matmul(torch.softmax(logits, dim=-1), v)
