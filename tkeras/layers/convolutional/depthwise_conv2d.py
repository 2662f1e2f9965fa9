"""DepthwiseConv2D: per-channel 2-D convolution over images."""

from __future__ import annotations

from typing import Any

from tkeras.layers.convolutional.base_depthwise_conv import _DepthwiseConv


class DepthwiseConv2D(_DepthwiseConv):
    """2D depthwise convolution layer: each channel of ``(batch, h, w, channels)`` on its own.

    A channels_last input is permuted to an NCHW view (no copy), convolved by a grouped
    ``F.conv2d`` (``groups=channels``) and permuted back to a contiguous
    ``(batch, new_h, new_w, channels * depth_multiplier)`` tensor.

    Output channel ``c * depth_multiplier + m`` is input channel ``c`` convolved with kernel
    slice ``[..., c, m]``, as in Keras.

    Args:
        kernel_size: an int or a tuple of 2 ints, the window height and width.
        strides: an int or a tuple of 2 ints.
        padding: ``'valid'`` or ``'same'`` (TF-style: the odd cell at the end);
            case-insensitive.
        depth_multiplier: positive int, the number of output channels per input channel.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``
            (``(batch, channels, h, w)``).
        dilation_rate: an int or a tuple of 2 ints, for dilated convolution.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a ``(channels * depth_multiplier,)`` bias vector.
        depthwise_initializer: initializer for the ``(kh, kw, channels, depth_multiplier)`` kernel
            (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        depthwise_regularizer, bias_regularizer: regularizers of the depthwise kernel (Keras
            layout) and bias, added to ``losses``; activity_regularizer: of the output.
        depthwise_constraint, bias_constraint: constraints applied to the depthwise kernel
            (Keras layout) and bias after each optimizer update.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2)
        >>> layer(torch.rand(2, 8, 8, 4)).shape
        torch.Size([2, 8, 8, 8])
    """

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
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
            rank=2,
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
