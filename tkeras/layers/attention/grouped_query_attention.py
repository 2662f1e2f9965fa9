"""GroupQueryAttention: attention with fewer key/value heads than query heads (Ainslie 2023)."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import constraints, initializers, regularizers
from tkeras.layers.attention.base_attention import SeededDropout, check_seed
from tkeras.layers.attention.mha_kernels import (
    _FLASH_ONLY,
    _NO_FLASH,
    MHAKernelsMixin,
    _attention_equations,
)
from tkeras.layers.attention.mha_masks import MHAMasksMixin
from tkeras.layers.attention.mha_projection import _Projection, projection_for
from tkeras.layers.attention.mha_shapes import MHAShapesMixin
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, add_activity_loss, resolve_training
from tkeras.layers.validation import positive_int
from tkeras.layers.validation import rate as check_rate
from tkeras.utils.naming import auto_name


class GroupQueryAttention(MHAShapesMixin, MHAMasksMixin, MHAKernelsMixin, Layer):
    """Grouped-query attention: ``layer(query, value, key=None, ...)`` with shared K/V heads.

    The query is projected to ``num_query_heads`` heads of ``head_dim``, the key and value to
    ``num_key_value_heads`` heads, each repeated ``num_query_heads // num_key_value_heads``
    times (``repeat_interleave``, Keras's ``ops.repeat``); attention and the output projection
    back to the query's last dimension then run as in ``MultiHeadAttention``, with the same call
    arguments (masks, ``return_attention_scores``, ``use_causal_mask``, ``training``).

    Args:
        head_dim: size of each attention head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key and value heads; must divide ``num_query_heads``.
        dropout: dropout rate on the attention probabilities, in training.
        use_bias: whether the projections have biases.
        sliding_window: positive int; each query attends to keys within ``sliding_window - 1``
            positions.
        flash_attention: None (torch chooses), True (flash kernel only) or False (no flash).
        kernel_initializer, bias_initializer: initializers of every projection (cloned each).
        kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint: applied to
            every projection's kernel and bias.
        activity_regularizer: applied to each projection's output and to the layer's output,
            as in Keras.
        use_gate: a sigmoid gate projected from the query multiplies the attention output.
        seed: optional int seeding the dropout masks.

    Differences from Keras: the class is named ``GroupQueryAttention``, the name Keras exports
    and writes in configs (Keras's class is ``GroupedQueryAttention``); inputs must be rank 3
    ``(batch, seq, dim)``, as Keras's projections are; ``flash_attention`` behaves as in
    tkeras's MultiHeadAttention.

    Example:
        >>> import torch, tkeras
        >>> gqa = tkeras.layers.GroupQueryAttention(8, num_query_heads=4, num_key_value_heads=2)
        >>> gqa(torch.randn(2, 5, 16), torch.randn(2, 7, 16)).shape
        torch.Size([2, 5, 16])
    """

    _config_omit_if_none = ("flash_attention",)
    _keras_class_name = "GroupedQueryAttention"  # its default name and weight-file group
    _input_mask_kwargs = {"query": "query_mask", "value": "value_mask", "key": "key_mask"}
    _out_dims = None

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("name") is None:  # Keras's class name: grouped_query_attention, _1, ...
            kwargs["name"] = auto_name(self._keras_class_name)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = f"GroupQueryAttention {self.name!r}"
        self.head_dim = positive_int(self, "head_dim", head_dim)
        self.num_query_heads = positive_int(self, "num_query_heads", num_query_heads)
        self.num_key_value_heads = positive_int(self, "num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                f"{who}: `num_query_heads` must be divisible by `num_key_value_heads`. "
                f"Received: num_query_heads={num_query_heads}, "
                f"num_key_value_heads={num_key_value_heads}"
            )
        self.num_repeats = num_query_heads // num_key_value_heads
        self._dropout = check_rate(self, dropout, "dropout")
        self._use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        if sliding_window is not None and (
            isinstance(sliding_window, bool)
            or not isinstance(sliding_window, int)
            or sliding_window <= 0
        ):
            raise ValueError(
                f"{who}: `sliding_window` must be `None` or a positive integer. "
                f"Received: sliding_window={sliding_window!r}"
            )
        self._sliding_window = sliding_window
        if flash_attention and self._dropout > 0.0:
            raise ValueError(
                f"{who}: dropout is not supported when flash attention is enabled. Set dropout "
                f"to 0.0 to use flash attention (received dropout={dropout!r})."
            )
        self._flash_attention = flash_attention
        self._sdpa_backends = {None: None, True: _FLASH_ONLY, False: _NO_FLASH}[flash_attention]
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._projection_activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = check_seed(self, seed)
        self._dropper = SeededDropout(self._dropout, seed) if self._dropout > 0 else None
        # The kernels mixin's names: every head is head_dim wide, one attention axis.
        self._num_heads = self.num_query_heads
        self._key_dim = self._value_dim = self.head_dim
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._attention_axes = (1,)
        self._keras_fused = self._flat_axes = True
        self._dot_equation, self._combine_equation = _attention_equations(4, (1,))
        self.supports_masking = True

    @property
    def use_bias(self) -> bool:
        return self._use_bias

    @property
    def dropout(self) -> float:
        return self._dropout

    @property
    def sliding_window(self) -> int | None:
        return self._sliding_window

    def build(self, query_shape: tuple, value_shape: tuple, key_shape: tuple | None = None) -> None:
        """Create the projections for inputs of these shapes (``key_shape`` defaults to value's)."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        shapes = {"query": query_shape, "value": value_shape, "key": key_shape}
        for name, shape in shapes.items():
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(
                    f"GroupQueryAttention {self.name!r}: `{name}` must be a rank-3 tensor "
                    f"(batch, seq, features) with a known last axis. Received: "
                    f"{name}_shape={shape}"
                )
        q_dim, v_dim, k_dim = (int(shapes[n][-1]) for n in ("query", "value", "key"))
        heads, kv_heads, hd = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self._query_dense = self._projection((q_dim,), (heads, hd), "query")
        self._key_dense = self._projection((k_dim,), (kv_heads, hd), "key")
        if self.use_gate:
            self._gate_dense = self._projection((q_dim,), (heads, hd), "gate")
        self._value_dense = self._projection((v_dim,), (kv_heads, hd), "value")
        self._output_dense = self._projection((heads, hd), (q_dim,), "attention_output")
        self._dims, self._rank = (q_dim, v_dim, k_dim), 3
        self.input_spec = InputSpec(ndim=3, axes={-1: q_dim})
        self.built = True
        self._build_shape = [query_shape, value_shape, key_shape]

    def _projection(self, in_shape: tuple, out_shape: tuple, name: str) -> _Projection:
        return projection_for(self, in_shape, out_shape, name)

    def _repeat_heads(self, x: torch.Tensor) -> torch.Tensor:
        # (B, S, kv * hd) -> (B, S, heads * hd), each kv head repeated in place (ops.repeat).
        if self.num_repeats == 1:
            return x
        x = x.unflatten(-1, (self.num_key_value_heads, self.head_dim))
        return x.repeat_interleave(self.num_repeats, dim=2).flatten(-2)

    def call(
        self,
        query: torch.Tensor,
        value: torch.Tensor,
        key: torch.Tensor | None = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        if key is None:
            key = value
        if return_attention_scores and self._flash_attention:
            raise ValueError(
                f"GroupQueryAttention {self.name!r}: returning attention scores is not "
                "supported when flash attention is enabled. Create the layer with "
                "flash_attention=None to get the scores."
            )
        mask, causal_only = self._plan_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        drop = self._dropper is not None and resolve_training(self, training)
        q = F.linear(query, *self._query_dense.op_weights())
        k_proj = F.linear(key, *self._key_dense.op_weights())
        v_proj = F.linear(value, *self._value_dense.op_weights())
        k, v = self._repeat_heads(k_proj), self._repeat_heads(v_proj)
        scores = None
        if not return_attention_scores and self._dropper is None:
            out = self._fused_attention(q, k, v, mask, causal_only, drop)
        else:
            if causal_only:
                mask = self._attention_mask(query, value, None, None, None, None, True)
            out, scores = self._explicit_attention(q, k, v, mask, drop)
        gate = None
        if self.use_gate:
            gate = torch.sigmoid(F.linear(query, *self._gate_dense.op_weights()))
            out = out * gate
        out = F.linear(out, *self._output_dense.op_weights())
        if self._projection_activity_regularizer is not None:
            pairs = [(self._query_dense, q), (self._key_dense, k_proj)]
            if gate is not None:
                pairs.append((self._gate_dense, gate))
            pairs += [(self._value_dense, v_proj), (self._output_dense, out)]
            for projection, output in pairs:
                add_activity_loss(projection, self._projection_activity_regularizer, output)
        if return_attention_scores:
            return out, scores
        return out

    def compute_mask(self, query: Any, mask: Any = None) -> Any:
        """The output's mask: the query's mask (the first of a list of input masks)."""
        if isinstance(mask, (list, tuple)):
            return mask[0] if mask else None
        return mask
