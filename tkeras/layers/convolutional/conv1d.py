"""Conv1D: 1-D convolution over steps (temporal convolution), with Keras's 'causal' padding."""

from __future__ import annotations

from typing import Any

from tkeras.layers.convolutional.base_conv import _Conv


class Conv1D(_Conv):
    """1D convolution layer (temporal convolution) over ``(batch, steps, channels)`` inputs.

    Runs ``F.conv2d`` on an ``(N, C, 1, L)`` view of the input, so a channels_last input needs
    no copy and the result is a contiguous ``(batch, new_steps, filters)`` tensor.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: an int or a tuple of 1 int, the window length.
        strides: an int or a tuple of 1 int; ``strides > 1`` is incompatible with
            ``dilation_rate > 1``.
        padding: ``'valid'``, ``'same'`` (TF-style: the odd cell at the end) or ``'causal'``
            (``(kernel_size - 1) * dilation_rate`` zeros at the start, so ``output[t]`` does not
            depend on ``input[t + 1:]``); case-insensitive.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``
            (``(batch, channels, steps)``).
        dilation_rate: an int or a tuple of 1 int, for dilated convolution.
        groups: positive int dividing both the input channels and ``filters``.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the ``(kernel_size, in // groups, filters)`` kernel
            (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        kernel_regularizer, bias_regularizer: regularizers of the kernel (Keras layout) and
            bias, added to ``losses``; activity_regularizer: of the output, after each call.
        kernel_constraint, bias_constraint: constraints applied to the kernel (Keras layout)
            and bias after each optimizer update.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.Conv1D(32, 3, activation="relu")(torch.rand(4, 10, 128)).shape
        torch.Size([4, 8, 32])
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
