"""MultiHeadAttention's projections: Keras's EinsumDense kernels stored as ``nn.Linear`` weights,
and the half of MultiHeadAttention that makes them and adds their activity penalties."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.backend.layout import FlatBias, Projection
from tkeras.layers.layer import Layer, add_activity_loss

_FLAT_BIAS = FlatBias()


class _Projection(Layer):
    """A multi-axis linear projection (Keras's EinsumDense in MultiHeadAttention).

    Maps the last ``len(in_shape)`` axes to ``out_shape``: kernel ``(*in_shape, *out_shape)``,
    bias ``out_shape`` (Keras's shapes), views of an ``nn.Linear`` weight and a flat bias.
    """

    def __init__(
        self,
        in_shape: tuple,
        out_shape: tuple,
        use_bias: bool,
        kernel_initializer: Any,
        bias_initializer: Any,
        activation: Any = None,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.in_shape, self.out_shape = tuple(in_shape), tuple(out_shape)
        self.activation = activation
        self._kernel_layout = Projection(self.in_shape, self.out_shape)
        self.kernel = self.add_weight(
            shape=(*self.in_shape, *self.out_shape),
            initializer=kernel_initializer,
            regularizer=kernel_regularizer,
            constraint=kernel_constraint,
            name="kernel",
            layout=self._kernel_layout,
        )
        self.bias = None
        if use_bias:
            self.bias = self.add_weight(
                shape=self.out_shape,
                initializer=bias_initializer,
                regularizer=bias_regularizer,
                constraint=bias_constraint,
                name="bias",
                layout=_FLAT_BIAS,
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if len(self.in_shape) > 1:
            inputs = inputs.flatten(-len(self.in_shape))
        y = F.linear(inputs, *self.op_weights())
        if self.activation is not None:
            y = self.activation(y)
        return y.unflatten(-1, self.out_shape) if len(self.out_shape) > 1 else y

    def op_weights(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``F.linear``'s (weight, bias): views of the Keras-shaped kernel and bias."""
        bias = self.bias
        return self._kernel_layout.op(self.kernel), None if bias is None else bias.reshape(-1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape)[: -len(self.in_shape)], *self.out_shape)


def projection_for(owner: Any, in_shape: tuple, out_shape: tuple, name: str) -> _Projection:
    """A projection of an attention layer (MultiHeadAttention, GroupQueryAttention), with the
    owner's initializers (a clone each, as Keras: one instance returns the same values each
    call), regularizers and constraints; the gate projection ends in a sigmoid."""
    kernel_init, bias_init = owner._kernel_initializer, owner._bias_initializer
    return _Projection(
        in_shape,
        out_shape,
        owner._use_bias,
        kernel_init.clone() if hasattr(kernel_init, "clone") else kernel_init,
        bias_init.clone() if hasattr(bias_init, "clone") else bias_init,
        activation=torch.sigmoid if name == "gate" else None,
        kernel_regularizer=owner._kernel_regularizer,
        bias_regularizer=owner._bias_regularizer,
        kernel_constraint=owner._kernel_constraint,
        bias_constraint=owner._bias_constraint,
        name=name,
    )


class MHAProjectionsMixin:
    """MultiHeadAttention's projections (mixed into it; not used on its own): how each is made,
    Keras's properties that return them, and their activity penalties."""

    @property
    def query_dense(self) -> _Projection:
        return self._query_dense

    @property
    def key_dense(self) -> _Projection:
        return self._key_dense

    @property
    def value_dense(self) -> _Projection:
        return self._value_dense

    @property
    def output_dense(self) -> _Projection:
        return self._output_dense

    def _projection(self, in_shape: tuple, out_shape: tuple, name: str) -> _Projection:
        return projection_for(self, in_shape, out_shape, name)

    def _add_projection_losses(self, q: Any, k: Any, v: Any, gate: Any, out: Any) -> None:
        # Keras's EinsumDense sublayers each add the activity penalty of their own output.
        regularizer = self._projection_activity_regularizer
        pairs = [(self._query_dense, q), (self._key_dense, k), (self._value_dense, v)]
        if gate is not None:
            pairs.append((self._gate_dense, gate))
        pairs.append((self._output_dense, out))
        for projection, output in pairs:
            add_activity_loss(projection, regularizer, output)
