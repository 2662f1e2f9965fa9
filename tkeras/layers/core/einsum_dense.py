"""EinsumDense: a dense layer whose contraction is an einsum equation."""

from __future__ import annotations

import re
from typing import Any

import torch

from tkeras import activations, constraints, initializers, regularizers
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, not_implemented

_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), False),
)


def analyze(name: str, equation: str, bias_axes, input_shape, partial_output):
    """(kernel shape, bias shape or None, full output shape, the kernel's input axes, its
    output axes) for ``equation``, as Keras."""
    replaced = equation.replace("...", "0")
    found = [(p.match(replaced), elided_left) for p, elided_left in _FORMS]
    match, left_elided = next(((m, e) for m, e in found if m), (None, False))
    if match is None:
        raise ValueError(
            f"{name}: invalid einsum equation '{equation}'. Equations must be in the form "
            "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
        )
    in_spec, w_spec, out_spec = match.groups()
    rank = len(input_shape)
    elided = rank - len(in_spec)
    out = [partial_output] if isinstance(partial_output, int) else list(partial_output)
    out.insert(0, input_shape[0])
    if elided > 0 and left_elided:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out.extend(input_shape[rank - elided :])
    shift_in = elided - rank if left_elided else 0
    shift_out = elided if left_elided else 0
    in_pos = {d: i + shift_in for i, d in enumerate(in_spec)}
    out_pos = {d: i + shift_out for i, d in enumerate(out_spec)}
    for d in in_spec:
        if (
            d in out_pos
            and out[out_pos[d]] is not None
            and out[out_pos[d]] != input_shape[in_pos[d]]
        ):
            raise ValueError(
                f"{name}: input shape and output shape do not match at shared dimension "
                f"'{d}'. Input shape is {input_shape[in_pos[d]]}, and output shape is "
                f"{out[out_pos[d]]}."
            )
    for d in out_spec:
        if d not in in_spec and d not in w_spec:
            raise ValueError(
                f"{name}: dimension '{d}' was specified in the output '{out_spec}' but has no "
                f"corresponding dim in the input spec '{in_spec}' or weight spec '{w_spec}'"
            )
    kernel, input_axes, output_axes = [], [], []
    for i, d in enumerate(w_spec):
        if d in out_pos:
            kernel.append(out[out_pos[d]])
            output_axes.append(i)
        elif d in in_pos:
            kernel.append(input_shape[in_pos[d]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"{name}: weight dimension '{d}' did not have a match in either the input "
                f"spec '{in_spec}' or the output spec '{out_spec}'. For this layer, the weight "
                "must be fully specified."
            )
    bias = None
    if bias_axes is not None:
        for d in bias_axes:
            if d not in out_spec:
                raise ValueError(
                    f"{name}: bias dimension '{d}' was requested, but is not part of the "
                    f"output spec '{out_spec}'"
                )
        sizes = {d: out[i + (elided if left_elided else 0)] for i, d in enumerate(out_spec)}
        first = min(out_spec.find(d) for d in bias_axes)
        bias = [sizes[d] if d in bias_axes else 1 for d in out_spec[first:]]
        if not left_elided:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, out, input_axes, output_axes


class EinsumDense(Layer):
    """A dense layer over an arbitrary einsum contraction: ``einsum(equation, x, kernel) + bias``.

    Args:
        equation: ``'ab,bc->ac'``-style equation (``...`` allowed on the left or right of the
            input and output specs), the first operand the input, the second the kernel.
        output_shape: the output shape without the batch axis (None for unknown axes).
        activation: activation function (default: none).
        bias_axes: output letters that get a bias (default: no bias).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: as in Dense.

    Differences from Keras: ``lora_rank``, ``lora_alpha``, ``gptq_unpacked_column_size`` and
    ``quantization_config`` raise NotImplementedError. A variance-scaling kernel initializer
    takes its fans from the equation's input and output axes, as Keras's.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64))
        >>> layer(torch.ones(2, 5, 16)).shape
        torch.Size([2, 5, 64])
    """

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        not_implemented(
            type(self).__name__,
            lora_rank=lora_rank,
            lora_alpha=lora_alpha,
            gptq_unpacked_column_size=gptq_unpacked_column_size,
            quantization_config=quantization_config,
        )
        self.equation = equation
        self.partial_output_shape = (
            (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        )
        self.activation = activations.get(activation)
        self._activation = None if self.activation is activations.linear else self.activation
        self.bias_axes = bias_axes
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.bias = None

    def build(self, input_shape: tuple) -> None:
        kernel, bias, _, input_axes, output_axes = analyze(
            self.name, self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.kernel = self.add_weight(
            shape=tuple(kernel),
            initializer=_with_fans(self.kernel_initializer, input_axes, output_axes),
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        if bias is not None:
            self.bias = self.add_weight(
                shape=tuple(bias),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        y = torch.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        return y if self._activation is None else self._activation(y)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_shape": self.partial_output_shape}

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(
            analyze(
                self.name,
                self.equation,
                self.bias_axes,
                tuple(input_shape),
                self.partial_output_shape,
            )[2]
        )


def _with_fans(initializer: Any, input_axes: list[int], output_axes: list[int]) -> Any:
    """A variance-scaling initializer with no axes of its own takes its fans from the
    equation's input and output axes, as Keras's EinsumDense does (same seed: same draw)."""
    init = initializers.get(initializer)
    if not isinstance(init, initializers.VarianceScaling) or (
        init.input_axes is not None and init.output_axes is not None
    ):
        return initializer
    config = {**init.get_config(), "seed": init.seed}
    config.update(input_axes=input_axes, output_axes=output_axes)
    return type(init).from_config(config)
