"""SeparableConv2D: depthwise separable 2-D convolution over images."""

from __future__ import annotations

from typing import Any

from tkeras.layers.convolutional.base_separable_conv import _SeparableConv


class SeparableConv2D(_SeparableConv):
    """2D depthwise separable convolution layer on ``(batch, h, w, channels)`` images.

    A per-channel (depthwise) convolution followed by a pointwise 1x1 convolution to
    ``filters`` channels, both ``F.conv2d`` on an NCHW view of a channels_last input: no
    copy, and a contiguous ``(batch, new_h, new_w, filters)`` result.

    The weights, in Keras's order: ``depthwise_kernel`` ``(kh, kw, channels, depth_multiplier)``,
    ``pointwise_kernel`` ``(1, 1, channels * depth_multiplier, filters)`` and ``bias``
    ``(filters,)``.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: an int or a tuple of 2 ints, the depthwise window height and width.
        strides: an int or a tuple of 2 ints, the depthwise stride.
        padding: ``'valid'`` or ``'same'`` (TF-style: the odd cell at the end);
            case-insensitive.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``
            (``(batch, channels, h, w)``).
        dilation_rate: an int or a tuple of 2 ints, the depthwise dilation.
        depth_multiplier: positive int, the depthwise output channels per input channel.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a ``(filters,)`` bias vector after the pointwise step.
        depthwise_initializer: initializer for the depthwise kernel (default
            ``'glorot_uniform'``).
        pointwise_initializer: initializer for the pointwise kernel (default
            ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        depthwise_regularizer, pointwise_regularizer, bias_regularizer: regularizers of the
            kernels (Keras layout) and bias, added to ``losses``; activity_regularizer: of the
            output, after each call.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints applied to
            the kernels (Keras layout) and bias after each optimizer update.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.SeparableConv2D(6, 3, strides=2)(torch.rand(2, 9, 9, 4)).shape
        torch.Size([2, 4, 4, 6])
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=2,
            depth_multiplier=depth_multiplier,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
