"""DepthwiseConv1D: per-channel 1-D convolution over steps."""

from __future__ import annotations

from typing import Any

from tkeras.layers.convolutional.base_depthwise_conv import _DepthwiseConv


class DepthwiseConv1D(_DepthwiseConv):
    """1D depthwise convolution layer: each channel of ``(batch, steps, channels)`` on its own.

    Runs a grouped ``F.conv2d`` (``groups=channels``) on an ``(N, C, 1, L)`` view of the
    input, so a channels_last input needs no copy and the result is a contiguous
    ``(batch, new_steps, channels * depth_multiplier)`` tensor.

    Output channel ``c * depth_multiplier + m`` is input channel ``c`` convolved with kernel
    slice ``[..., c, m]``, as in Keras.

    Args:
        kernel_size: an int or a tuple of 1 int, the window length.
        strides: an int or a tuple of 1 int.
        padding: ``'valid'`` or ``'same'`` (TF-style: the odd cell at the end);
            case-insensitive.
        depth_multiplier: positive int, the number of output channels per input channel.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``
            (``(batch, channels, steps)``).
        dilation_rate: an int or a tuple of 1 int, for dilated convolution.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a ``(channels * depth_multiplier,)`` bias vector.
        depthwise_initializer: initializer for the
            ``(kernel_size, channels, depth_multiplier)`` kernel (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        depthwise_regularizer, bias_regularizer: regularizers of the depthwise kernel (Keras
            layout) and bias, added to ``losses``; activity_regularizer: of the output.
        depthwise_constraint, bias_constraint: constraints applied to the depthwise kernel
            (Keras layout) and bias after each optimizer update.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.DepthwiseConv1D(3, depth_multiplier=2)(torch.rand(2, 10, 4)).shape
        torch.Size([2, 8, 8])
    """

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            depth_multiplier=depth_multiplier,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
