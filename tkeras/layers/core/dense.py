"""Dense: ``activation(inputs @ kernel + bias)`` on the last axis, over ``F.linear``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations, constraints, regularizers
from tkeras.backend import layout
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, not_implemented
from tkeras.layers.validation import positive_int


class Dense(Layer):
    """Densely-connected layer: ``activation(dot(inputs, kernel) + bias)`` on the last axis.

    The kernel is Keras's ``(input_dim, units)``; it is stored as ``nn.Linear``'s
    ``(units, input_dim)`` and converted by ``backend/layout.py``.

    Args:
        units: positive int, the output size.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the kernel (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        kernel_regularizer: regularizer of the kernel (Keras layout), added to ``losses``.
        bias_regularizer: regularizer of the bias, added to ``losses``.
        activity_regularizer: regularizer of the output, added to ``losses`` after each call.
        kernel_constraint: constraint applied to the kernel after each optimizer update.
        bias_constraint: constraint applied to the bias after each optimizer update.
        lora_rank, lora_alpha, quantization_config: not supported; must be None.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Dense(3, activation="relu")(torch.ones(2, 4)).shape
        torch.Size([2, 3])
    """

    # Keras's Dense config has no activity_regularizer key (it keeps one set by hand here).
    _config_omit_if_none = ("activity_regularizer",)

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        not_implemented(
            type(self).__name__,
            lora_rank=lora_rank,
            lora_alpha=lora_alpha,
            quantization_config=quantization_config,
        )
        self.units = positive_int(self, "units", units)
        self.activation = activations.get(activation)
        self._activation = None if self.activation is activations.linear else self.activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.bias = None
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(
                f'Layer "{self.name}": the last axis of the input shape must be '
                f"known to build a Dense layer. Received: input_shape={input_shape}"
            )
        self.kernel = self.add_weight(
            shape=(in_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
            layout=layout.TRANSPOSE,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: in_dim})

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        y = F.linear(inputs, self.kernel, self.bias)
        if self._activation is not None:
            return self._activation(y)
        return y

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*tuple(input_shape)[:-1], self.units)
