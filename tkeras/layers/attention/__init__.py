"""Attention layers: Attention (Luong), AdditiveAttention (Bahdanau), MultiHeadAttention,
GroupQueryAttention."""

from tkeras.layers.attention.additive_attention import AdditiveAttention
from tkeras.layers.attention.attention import Attention
from tkeras.layers.attention.grouped_query_attention import GroupQueryAttention
from tkeras.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = [
    "AdditiveAttention",
    "Attention",
    "GroupQueryAttention",
    "MultiHeadAttention",
]
