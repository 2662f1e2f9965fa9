"""Attention layers: Attention (Luong), AdditiveAttention (Bahdanau), MultiHeadAttention."""

from tkeras.layers.attention.additive_attention import AdditiveAttention
from tkeras.layers.attention.attention import Attention
from tkeras.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = [
    "AdditiveAttention",
    "Attention",
    "MultiHeadAttention",
]
