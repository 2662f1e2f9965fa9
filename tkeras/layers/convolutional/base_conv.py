"""The private rank-parameterized base of Conv1D, Conv2D and Conv3D, over ``F.conv2d/3d``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers import validation
from tkeras.layers.convolutional.base_conv_common import _ConvCommon

# Rank 1 runs the 2-D op on an (N, C, 1, L) view: torch has no channels_last format for 3-D
# tensors, and the 2-D op on that view returns a contiguous NLC result.
_CONV_OPS = {1: F.conv2d, 2: F.conv2d, 3: F.conv3d}


class _Conv(_ConvCommon):
    """N-D convolution (cross-correlation) with Keras's arguments; private, use Conv1D/2D/3D.

    The kernel has Keras's layout ``(*kernel_size, in_channels // groups, filters)`` in
    ``get_weights``/``set_weights`` and is stored as torch's ``(filters, in // groups, *k)``
    (rank 1: ``(filters, in // groups, 1, k)``) through ``backend/layout.py``.

    Args:
        rank: the number of spatial dimensions, 1, 2 or 3.
        filters: positive int, the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints, the window size.
        strides: an int or a tuple of ``rank`` ints; ``strides > 1`` is incompatible with
            ``dilation_rate > 1`` (as in Keras).
        padding: ``'valid'``, ``'same'`` (TF-style: the odd cell at the end) or, for rank 1
            only, ``'causal'``; case-insensitive.
        data_format: ``'channels_last'`` (default, from ``config.image_data_format()``) or
            ``'channels_first'``.
        dilation_rate: an int or a tuple of ``rank`` ints.
        groups: positive int dividing both the input channels and ``filters``.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the kernel (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        kernel_regularizer: regularizer of the kernel (Keras layout), added to ``losses``.
        bias_regularizer: regularizer of the bias, added to ``losses``.
        activity_regularizer: regularizer of the output, added to ``losses`` after each call.
        kernel_constraint: constraint applied to the kernel (Keras layout, so ``axis=[0, 1, 2]``
            is each Conv2D filter) after each optimizer update.
        bias_constraint: constraint applied to the bias after each optimizer update.
    """

    def __init__(
        self,
        rank: int,
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_weight_options(
            kernel=(kernel_regularizer, kernel_constraint), bias=(bias_regularizer, bias_constraint)
        )
        self.filters = validation.positive_int(self, "filters", filters)
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self._init_geometry(
            rank, kernel_size, strides, dilation_rate, padding, data_format, allowed
        )
        self.groups = validation.positive_int(self, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the number of filters must be evenly "
                f"divisible by the number of groups. Received: groups={self.groups}, "
                f"filters={self.filters}."
            )
        self._check_strides_with_dilation()
        self._init_activation_and_bias(activation, use_bias, bias_initializer)
        self.kernel_initializer = kernel_initializer
        self._init_layout(_CONV_OPS)
        self._init_pad_plans()

    # ------------------------------------------------------------------ build, call

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        in_channels = self._in_channels(input_shape)
        if in_channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the number of input channels must be "
                f"evenly divisible by the number of groups. Received groups={self.groups}, but "
                f"the input has {in_channels} channels (full input shape is {input_shape})."
            )
        # Validates that every known output size is positive, as Keras does in build.
        self.compute_output_shape(input_shape)
        self.kernel = self._add_kernel(
            "kernel",
            (*self.kernel_size, in_channels // self.groups, self.filters),
            self._kernel_layout,
        )
        self._add_bias(self.filters)
        self._finish_input_spec(in_channels)
        self._plan_spatial(input_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x, op_padding = self._padded(self._to_op_layout(inputs))
        y = self._op(
            x,
            self._kernel_layout.op(self.kernel),
            self.bias,
            self._op_strides,
            op_padding,
            self._op_dilation,
            self.groups,
        )
        return self._finish(y)

    # ------------------------------------------------------------------ shapes

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        self._input_spec.check(self.name, input_shape, hint=self._input_hint())
        spatial = self._padded_output_sizes(input_shape)
        return self._with_channels(input_shape, spatial, self.filters)
