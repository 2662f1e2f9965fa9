"""The private rank-parameterized base of DepthwiseConv1D/2D (and of SeparableConv1D/2D)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers import validation
from tkeras.layers.convolutional.base_conv_common import _ConvCommon

# Rank 1 runs the 2-D op on an (N, C, 1, L) view, as Conv1D does.
_CONV_OPS = {1: F.conv2d, 2: F.conv2d, 3: F.conv3d}


class _DepthwiseConv(_ConvCommon):
    """N-D depthwise convolution with Keras's arguments; private, use DepthwiseConv1D/2D.

    Each input channel ``c`` is convolved with its own ``depth_multiplier`` kernels, giving
    output channels ``c * depth_multiplier + m``: torch's grouped conv with
    ``groups=in_channels``. The kernel has Keras's layout
    ``(*kernel_size, in_channels, depth_multiplier)`` in ``get_weights``/``set_weights`` and is
    stored as torch's ``(in * dm, 1, *k)`` (rank 1: ``(in * dm, 1, 1, k)``).

    Args:
        rank: the number of spatial dimensions, 1 or 2.
        depth_multiplier: positive int, the number of output channels per input channel.
        kernel_size: an int or a tuple of ``rank`` ints, the window size.
        strides: an int or a tuple of ``rank`` ints.
        padding: ``'valid'`` or ``'same'`` (TF-style: the odd cell at the end);
            case-insensitive.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        dilation_rate: an int or a tuple of ``rank`` ints.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer for the depthwise kernel (default
            ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        depthwise_regularizer: regularizer of the depthwise kernel (Keras layout), added to
            ``losses``.
        bias_regularizer: regularizer of the bias, added to ``losses``.
        activity_regularizer: regularizer of the output, added to ``losses`` after each call.
        depthwise_constraint: constraint applied to the depthwise kernel (Keras layout
            ``(*kernel_size, in_channels, depth_multiplier)``) after each optimizer update.
        bias_constraint: constraint applied to the bias after each optimizer update.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_weight_options(
            depthwise=(depthwise_regularizer, depthwise_constraint),
            bias=(bias_regularizer, bias_constraint),
        )
        self.depth_multiplier = validation.positive_int(self, "depth_multiplier", depth_multiplier)
        self._init_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format)
        self._init_activation_and_bias(activation, use_bias, bias_initializer)
        self.depthwise_initializer = depthwise_initializer
        self._groups = 0  # the number of input channels, known at build
        self._init_layout(_CONV_OPS)
        self._init_pad_plans()

    # ------------------------------------------------------------------ build, call

    def _add_depthwise_kernel(self, in_channels: int, name: str) -> Any:
        return self._add_kernel(
            "depthwise",
            (*self.kernel_size, in_channels, self.depth_multiplier),
            self._depthwise_layout,
            name=name,
        )

    def _finish_build(self, input_shape: tuple, in_channels: int) -> None:
        self._groups = in_channels
        self._finish_input_spec(in_channels)
        self._plan_spatial(input_shape)

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        in_channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self._add_depthwise_kernel(in_channels, "kernel")
        self._add_bias(in_channels * self.depth_multiplier)
        self._finish_build(input_shape, in_channels)

    def _depthwise(self, inputs: torch.Tensor, kernel: torch.Tensor, bias: Any) -> torch.Tensor:
        """The depthwise op on the op's (N, C, *spatial) layout, from a Keras-layout input."""
        x, op_padding = self._padded(self._to_op_layout(inputs))
        return self._op(
            x,
            self._depthwise_layout.op(kernel),
            bias,
            self._op_strides,
            op_padding,
            self._op_dilation,
            self._groups,
        )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._finish(self._depthwise(inputs, self.kernel, self.bias))

    # ------------------------------------------------------------------ shapes

    def _out_channels(self, in_channels: int | None) -> int | None:
        return None if in_channels is None else in_channels * self.depth_multiplier

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        self._input_spec.check(self.name, input_shape, hint=self._input_hint())
        channels = self._out_channels(input_shape[self._channel_axis])
        return self._with_channels(input_shape, self._padded_output_sizes(input_shape), channels)
