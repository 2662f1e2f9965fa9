"""MultiHeadAttention's shapes: building from shapes, output shapes, first and graph calls."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.attention.base_attention import (
    bind_call,
    shape_of,
    symbolic_outputs,
)
from tkeras.layers.layer import _is_symbolic
from tkeras.models.symbolic import is_shape


class MHAShapesMixin:
    """The shape half of ``MultiHeadAttention`` (mixed into it; not used on its own)."""

    def build_from_shape(self, input_shape: Any) -> None:
        """Build from ``[query_shape, value_shape(, key_shape)]`` (one shape: self-attention)."""
        if self.built:
            return
        if is_shape(input_shape) and input_shape:
            shapes = [tuple(input_shape)]
        else:
            shapes = list(input_shape) if isinstance(input_shape, (list, tuple)) else []
        if not 1 <= len(shapes) <= 3 or not all(is_shape(x) for x in shapes):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected the shapes [query, "
                f"value] or [query, value, key]. Received: {input_shape!r}"
            )
        query_shape = shapes[0]
        value_shape = shapes[1] if len(shapes) > 1 else query_shape
        with torch.inference_mode(False):
            self.build(query_shape, value_shape, shapes[2] if len(shapes) > 2 else None)

    def compute_output_shape(
        self, query_shape: tuple, value_shape: tuple, key_shape: tuple | None = None
    ) -> tuple:
        """The query's shape with its last axis replaced by ``output_shape`` (or kept)."""
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: all dimensions of `value` and "
                "`key`, except the last one, must be equal. Received: "
                f"value_shape={value_shape} and key_shape={key_shape}"
            )
        if self._out_dims:
            return (*query_shape[:-1], *self._out_dims)
        return query_shape

    def _scores_shape(self, query_shape: tuple, value_shape: tuple) -> tuple:
        # (batch axes and heads, query attention axes, key attention axes).
        axes = self._attention_axes
        q = (*query_shape[:-1], self._num_heads)
        batch = [q[i] for i in range(len(q)) if i not in axes]
        return (*batch, *(q[a] for a in axes), *(value_shape[a] for a in axes))

    # ------------------------------------------------------------------ first and graph calls

    def _first_or_symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        call = bind_call(self, args, kwargs)
        query, value, key = call["query"], call["value"], call["key"]
        shapes = [shape_of(query), shape_of(value)]
        if key is not None:
            shapes.append(shape_of(key))
        if not self.built:
            self.build_from_shape(shapes)
        else:
            self._check_call_shapes(shapes)
        if not any(_is_symbolic(x) for x in call.values()):
            device = next(
                (x.device for x in (query, value, key) if isinstance(x, torch.Tensor)), None
            )
            if device is not None and device.type not in ("cpu", "meta"):
                self.to(device)
            return self(*args, **kwargs)
        out = [self.compute_output_shape(*shapes)]
        if call["return_attention_scores"]:
            out.append(self._scores_shape(shapes[0], shapes[1]))
        return symbolic_outputs(self, args, kwargs, out)

    def _check_call_shapes(self, shapes: list[tuple]) -> None:
        """Raise a Keras-style error for inputs the built layer cannot take."""
        names = ("query", "value", "key")
        built = dict(zip(names, self._build_shape))
        dims = dict(zip(names, self._dims))
        if len(shapes) < 3:
            shapes = [*shapes, shapes[1]]  # the value is the key
        for name, shape in zip(names, shapes):
            if len(shape) != self._rank or (
                shape[-1] is not None and dims[name] is not None and shape[-1] != dims[name]
            ):
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: the layer was built for {name} shape "
                    f"{built[name]} (rank {self._rank}, last axis {dims[name]}), but received "
                    f"{name}.shape={shape}."
                )
        if shapes[1][1:-1] != shapes[2][1:-1]:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: all dimensions of `value` and "
                "`key`, except the last one, must be equal. Received: "
                f"value.shape={shapes[1]} and key.shape={shapes[2]}"
            )

    def _explain_error(self, error: Exception, args: tuple, kwargs: dict) -> None:
        """Turn a torch error into a Keras-style one naming the shapes received."""
        call = bind_call(self, args, kwargs)
        tensors = [call[n] for n in ("query", "value", "key")]
        self._check_call_shapes([shape_of(x) for x in tensors if x is not None])
