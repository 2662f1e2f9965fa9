"""MultiHeadAttention: Keras's multi-head attention, on ``F.scaled_dot_product_attention``.

The query/key/value/output projections keep Keras's kernel layouts at the surface
(``(dim, heads, key_dim)`` and ``(heads, value_dim, *output_shape)``, via
``backend/layout.py``) and are stored as ``nn.Linear`` weights, so each is one ``F.linear``.
Attention runs where Keras runs it: ``F.scaled_dot_product_attention`` on Keras's fused path
(rank-3 inputs, no dropout, no returned scores: masks become the same additive mask Keras
builds, so a fully masked query row attends uniformly, as in Keras), and also wherever the
result is identical with no mask (default attention axes of any rank, dropout included);
otherwise the explicit path of Keras's ``_compute_attention``: einsum scores, a masked
softmax that zeroes masked positions (a fully masked row gives zeros), dropout on the
probabilities, einsum with the values.
"""

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
from tkeras.layers.attention.mha_projection import MHAProjectionsMixin
from tkeras.layers.attention.mha_shapes import MHAShapesMixin
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.validation import positive_int
from tkeras.layers.validation import rate as check_rate


class MultiHeadAttention(
    MHAShapesMixin, MHAMasksMixin, MHAKernelsMixin, MHAProjectionsMixin, Layer
):
    """Multi-head attention (Vaswani et al., 2017): ``layer(query, value, key=None, ...)``.

    Projects ``query`` ``(B, T, dim)`` to ``num_heads`` heads of ``key_dim``, ``key``
    ``(B, S, dim_k)`` likewise, ``value`` ``(B, S, dim_v)`` to heads of ``value_dim``, attends
    with ``softmax(q k^T / sqrt(key_dim))``, and projects the concatenated heads back to the
    query's last dimension (or ``output_shape``). ``call(query, value, key=None,
    query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)``: the masks
    (True: attend) combine as Keras combines them, ``query_mask[..., None] &
    value_mask[..., None, :] & key_mask[..., None, :] & causal & sliding window &
    attention_mask``; with ``return_attention_scores`` the call returns ``(output, scores)``,
    the probabilities of shape ``(B, heads, T, S)`` before dropout. Inputs of rank > 3 attend
    over ``attention_axes``.

    Differences from Keras: ``query_mask=`` is honoured (Keras 3 reads the query mask only from
    the query tensor's Keras mask and ignores the argument; tkeras tensors carry no mask).
    ``flash_attention=True`` restricts torch's SDPA to its flash kernel, which torch also has on
    CPU (Keras raises there); ``False`` keeps SDPA off the flash kernel (Keras treats ``False``
    like ``None``). ``dropout`` must be in [0, 1); ``attention_axes`` must name axes between the
    batch axis and the feature axis. A graph call's scores shape is ``(B, heads, T, S)`` (Keras
    reports ``(B, heads, T, T)``).

    Args:
        num_heads: positive int, the number of attention heads.
        key_dim: positive int, the size of each head for query and key.
        value_dim: positive int, the size of each head for value (default ``key_dim``).
        dropout: float in [0, 1), dropout on the attention probabilities in training.
        use_bias: whether the projections have biases.
        output_shape: int or tuple, the output's trailing shape (default: the query's dim).
        attention_axes: int or tuple, the axes attended over (default: every axis between
            batch and features); negative values count from the end of the input.
        sliding_window: positive int; each query attends only to keys within
            ``sliding_window - 1`` positions (combines with ``use_causal_mask``).
        flash_attention: None (torch chooses), True (flash kernel only) or False (no flash).
        kernel_initializer: initializer for the projection kernels (cloned per projection).
        bias_initializer: initializer for the projection biases.
        kernel_regularizer, bias_regularizer: regularizers of every projection's kernel
            (Keras layout) and bias, added to ``losses``.
        activity_regularizer: as in Keras, applied to each projection's output (query, key,
            value, gate, output), not to the layer's output alone.
        kernel_constraint, bias_constraint: constraints applied to every projection's kernel
            (Keras layout) and bias after each optimizer update.
        use_gate: if True, a sigmoid gate projected from the query multiplies the attention
            output before the output projection (extra ``gate`` kernel and bias).
        seed: optional int seeding the dropout masks.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.MultiHeadAttention(num_heads=2, key_dim=8)
        >>> query, value = torch.randn(4, 6, 16), torch.randn(4, 9, 16)
        >>> out, scores = layer(query, value, return_attention_scores=True)
        >>> tuple(out.shape), tuple(scores.shape)
        ((4, 6, 16), (4, 2, 6, 9))
    """

    # Keras's config has no flash_attention key (tkeras keeps one set by hand).
    _config_omit_if_none = ("flash_attention",)

    # In a functional model, the masks of the tensors given as query/value/key fill these.
    _input_mask_kwargs = {"query": "query_mask", "value": "value_mask", "key": "key_mask"}

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
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
        # As in Keras, the regularizers and constraints go to the projections (EinsumDense
        # sublayers there): the activity penalty is taken on each projection's output, not on
        # this layer's.
        super().__init__(**kwargs)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._projection_activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        who = f"MultiHeadAttention {self.name!r}"
        self._num_heads = positive_int(self, "num_heads", num_heads)
        self._key_dim = positive_int(self, "key_dim", key_dim)
        self._value_dim = (
            positive_int(self, "value_dim", value_dim) if value_dim is not None else self._key_dim
        )
        self._dropout = check_rate(self, dropout, "dropout")
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        self._out_dims = self._check_output_shape(output_shape)
        if isinstance(attention_axes, int) and not isinstance(attention_axes, bool):
            attention_axes = (attention_axes,)
        elif attention_axes is not None:
            if not isinstance(attention_axes, (list, tuple)) or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in attention_axes
            ):
                raise ValueError(
                    f"{who}: `attention_axes` must be an int, list, or tuple of "
                    f"ints. Received: attention_axes={attention_axes!r}"
                )
            # Kept as given (a list stays a list), as Keras's config writes it.
            attention_axes = (
                attention_axes if isinstance(attention_axes, list) else tuple(attention_axes)
            )
        self._attention_axes = attention_axes
        if sliding_window is not None and (
            isinstance(sliding_window, bool)
            or not isinstance(sliding_window, int)
            or sliding_window <= 0
        ):
            raise ValueError(
                f"{who}: `sliding_window` must be None or a positive integer. "
                f"Received: sliding_window={sliding_window!r}"
            )
        self._sliding_window = sliding_window
        if flash_attention not in (None, True, False):
            raise ValueError(
                f"{who}: `flash_attention` must be None, True or False. "
                f"Received: flash_attention={flash_attention!r}"
            )
        if flash_attention and self._dropout > 0.0:
            raise ValueError(
                f"{who}: dropout is not supported when flash attention is enabled. "
                f"Set dropout to 0.0 to use flash attention (received "
                f"dropout={dropout!r}, flash_attention=True)."
            )
        self._flash_attention = flash_attention
        self._sdpa_backends = {None: None, True: _FLASH_ONLY, False: _NO_FLASH}[flash_attention]
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self.seed = check_seed(self, seed)
        self._dropper = SeededDropout(self._dropout, seed) if self._dropout > 0 else None
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        self.supports_masking = True

    def _check_output_shape(self, output_shape: Any) -> tuple[int, ...] | None:
        if not output_shape:
            return None
        dims = (output_shape,) if isinstance(output_shape, int) else output_shape
        try:
            dims = tuple(dims)
        except TypeError:
            dims = None
        if dims is None or not all(
            isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in dims
        ):
            raise ValueError(
                f"MultiHeadAttention {self.name!r}: invalid `output_shape`: "
                f"{output_shape!r}. Expected a positive int or a tuple or list of "
                "positive ints."
            )
        return dims

    # ------------------------------------------------------------------ Keras's properties

    @property
    def num_heads(self) -> int:
        return self._num_heads

    @property
    def key_dim(self) -> int:
        return self._key_dim

    @property
    def value_dim(self) -> int:
        return self._value_dim

    @property
    def dropout(self) -> float:
        return self._dropout

    @property
    def use_bias(self) -> bool:
        return self._use_bias

    @property
    def attention_axes(self) -> tuple[int, ...] | None:
        return self._attention_axes

    # ------------------------------------------------------------------ build

    def build(self, query_shape: tuple, value_shape: tuple, key_shape: tuple | None = None) -> None:
        """Create the projections for inputs of these shapes (``key_shape`` defaults to value's)."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        who = f"MultiHeadAttention {self.name!r}"
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{who}: all dimensions of `value` and `key`, except the last one, "
                f"must be equal. Received: value_shape={value_shape} and "
                f"key_shape={key_shape}"
            )
        rank = len(query_shape)
        if rank < 3 or len(value_shape) != rank:
            raise ValueError(
                f"{who}: `query` and `value` must have the same rank, at least 3 "
                f"(batch, ..., features). Received: query_shape={query_shape}, "
                f"value_shape={value_shape}"
            )
        dims = {"query": query_shape[-1], "value": value_shape[-1], "key": key_shape[-1]}
        unknown = [name for name, d in dims.items() if d is None]
        if unknown:
            raise ValueError(
                f"{who}: the last axis of {unknown[0]} must be known to build the "
                f"layer. Received: query_shape={query_shape}, value_shape="
                f"{value_shape}, key_shape={key_shape}"
            )
        if self._attention_axes is None:
            axes = tuple(range(1, rank - 1))
        else:
            axes = tuple(a if a >= 0 else rank + a for a in self._attention_axes)
            if len(set(axes)) != len(axes) or not all(1 <= a <= rank - 2 for a in axes):
                raise ValueError(
                    f"{who}: `attention_axes` must name distinct axes between the "
                    f"batch axis and the feature axis of a rank-{rank} input "
                    f"(1 to {rank - 2}, or {-(rank - 1)} to -2). Received: "
                    f"attention_axes={self._attention_axes!r}"
                )
        self._attention_axes = axes
        heads, kd, vd = self._num_heads, self._key_dim, self._value_dim
        q_dim, v_dim, k_dim = (int(dims[n]) for n in ("query", "value", "key"))
        self._query_dense = self._projection((q_dim,), (heads, kd), "query")
        self._key_dense = self._projection((k_dim,), (heads, kd), "key")
        if self._use_gate:
            self._gate_dense = self._projection((q_dim,), (heads, vd), "gate")
        self._value_dense = self._projection((v_dim,), (heads, vd), "value")
        self._output_dense = self._projection(
            (heads, vd), self._out_dims or (q_dim,), "attention_output"
        )
        self._dims = (q_dim, v_dim, k_dim)
        self._rank = rank
        # Keras's fused path: rank-3 inputs (one attention axis). Default axes of any rank are
        # contiguous, so SDPA over the flattened axes gives the same numbers when unmasked.
        self._keras_fused = rank == 3
        self._flat_axes = axes == tuple(range(1, rank - 1))
        self._dot_equation, self._combine_equation = _attention_equations(rank + 1, axes)
        self.input_spec = InputSpec(ndim=rank, axes={-1: q_dim})
        self.built = True
        self._build_shape = [query_shape, value_shape, key_shape]
        self._output_shape = self.compute_output_shape(query_shape, value_shape, key_shape)

    # ------------------------------------------------------------------ call

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
        elif key.shape[1:-1] != value.shape[1:-1]:
            self._check_call_shapes([tuple(query.shape), tuple(value.shape), tuple(key.shape)])
        if return_attention_scores and self._flash_attention:
            raise ValueError(
                f"MultiHeadAttention {self.name!r}: returning attention scores is "
                "not supported when flash attention is enabled. Create the layer "
                "with flash_attention=None to get the scores."
            )
        mask, causal_only = self._plan_mask(
            query,
            value,
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
            self._keras_fused,
        )
        drop = self._dropper is not None and resolve_training(self, training)
        qd, kd, vd = self._query_dense, self._key_dense, self._value_dense
        q = F.linear(query, *qd.op_weights())  # (B, *T, heads * key_dim)
        k = F.linear(key, *kd.op_weights())
        v = F.linear(value, *vd.op_weights())
        scores = None
        if (
            not return_attention_scores
            and self._flat_axes
            and (
                (mask is None and (not drop or self.seed is None))
                or (self._keras_fused and self._dropper is None)
            )
        ):
            out = self._fused_attention(q, k, v, mask, causal_only, drop)
        else:
            if causal_only:
                mask = self._attention_mask(query, value, None, None, None, None, True)
            out, scores = self._explicit_attention(q, k, v, mask, drop)
        gate = None
        if self._use_gate:
            gd = self._gate_dense
            gate = torch.sigmoid(F.linear(query, *gd.op_weights()))
            out = out * gate
        od = self._output_dense
        out = F.linear(out, *od.op_weights())
        if self._projection_activity_regularizer is not None:
            self._add_projection_losses(q, k, v, gate, out)
        if self._out_dims is not None and len(self._out_dims) > 1:
            out = out.unflatten(-1, self._out_dims)
        if return_attention_scores:
            return out, scores
        return out

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg["output_shape"] = self._out_dims  # Keras writes an int as a 1-tuple
        if self._projection_activity_regularizer is not None:
            cfg["activity_regularizer"] = self._projection_activity_regularizer
        return cfg

    def compute_mask(self, query: Any, mask: Any = None) -> Any:
        """The output's mask: the query's mask (the first of a list of input masks)."""
        if isinstance(mask, (list, tuple)):
            return mask[0] if mask else None
        return mask
