"""The private rank-parameterized base of SeparableConv1D/2D: depthwise, then a 1x1 conv."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers import validation
from tkeras.layers.convolutional.base_depthwise_conv import _DepthwiseConv


class _SeparableConv(_DepthwiseConv):
    """N-D depthwise separable convolution with Keras's arguments; private, use SeparableConv1D/2D.

    A depthwise conv (no bias) followed by a pointwise 1x1 conv to ``filters`` channels that
    adds the bias; both run on the op's channels-first view, so a channels_last input is never
    copied. Weights, in Keras's order and layouts: ``depthwise_kernel``
    ``(*kernel_size, in, depth_multiplier)``, ``pointwise_kernel``
    ``(*(1,) * rank, in * depth_multiplier, filters)``, ``bias`` ``(filters,)``.

    Args:
        rank: the number of spatial dimensions, 1 or 2.
        depth_multiplier: positive int, the depthwise output channels per input channel.
        filters: positive int, the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias,
            depthwise_initializer, bias_initializer: as for the depthwise base; strides,
            padding and dilation apply to the depthwise step.
        pointwise_initializer: initializer for the pointwise kernel (default
            ``'glorot_uniform'``).
        depthwise_regularizer, bias_regularizer, activity_regularizer, depthwise_constraint,
            bias_constraint: as for the depthwise base.
        pointwise_regularizer: regularizer of the pointwise kernel, added to ``losses``.
        pointwise_constraint: constraint applied to the pointwise kernel (Keras layout
            ``(*(1,) * rank, in * depth_multiplier, filters)``) after each optimizer update.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
            rank=rank,
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
        self._init_weight_options(pointwise=(pointwise_regularizer, pointwise_constraint))
        self.filters = validation.positive_int(self, "filters", filters)
        self.pointwise_initializer = pointwise_initializer

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        in_channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self._add_depthwise_kernel(in_channels, "depthwise_kernel")
        self.pointwise_kernel = self._add_kernel(
            "pointwise",
            (*(1,) * self.rank, in_channels * self.depth_multiplier, self.filters),
            self._kernel_layout,
        )
        self._add_bias(self.filters)
        self._finish_build(input_shape, in_channels)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        y = self._depthwise(inputs, self.depthwise_kernel, None)
        return self._finish(self._op(y, self._kernel_layout.op(self.pointwise_kernel), self.bias))

    def _out_channels(self, in_channels: int | None) -> int:
        return self.filters
