"""The private rank-parameterized base of DepthwiseConv1D/2D (and of SeparableConv1D/2D)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations, constraints, regularizers
from tkeras.backend import layout
from tkeras.layers import validation
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.padding import output_length, same_pads

# Rank 1 runs the 2-D op on an (N, C, 1, L) view, as Conv1D does.
_CONV_OPS = {1: F.conv2d, 2: F.conv2d, 3: F.conv3d}
_CHANNELS_LAST_FORMATS = {4: torch.channels_last, 5: torch.channels_last_3d}
_SPATIAL_NAMES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}

_Plan = tuple[tuple[int, ...], tuple[int, ...] | None]


class _DepthwiseConv(Layer):
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
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.rank = rank
        self.depth_multiplier = validation.positive_int(self, "depth_multiplier", depth_multiplier)
        self.kernel_size = validation.int_tuple(self, "kernel_size", kernel_size, rank)
        self.strides = validation.int_tuple(self, "strides", strides, rank)
        self.dilation_rate = validation.int_tuple(self, "dilation_rate", dilation_rate, rank)
        self.padding = validation.padding(self, padding)
        self.data_format = validation.data_format(self, data_format)
        self.activation = activations.get(activation)
        self._activation = None if self.activation is activations.linear else self.activation
        self.use_bias = use_bias
        self.depthwise_initializer = depthwise_initializer
        self.bias_initializer = bias_initializer
        self.bias = None

        self._channels_last = self.data_format == "channels_last"
        self._channel_axis = -1 if self._channels_last else 1
        self._unsqueeze = rank == 1 and not self._channels_last
        self._op = _CONV_OPS[rank]
        self._groups = 0  # the number of input channels, known at build
        lead = (1,) if rank == 1 else ()
        self._op_strides = lead + self.strides
        self._op_dilation = lead + self.dilation_rate
        self._op_pad_lead = (0,) * len(lead)
        # Paddings independent of the input size are planned here; strided 'same' is planned
        # per spatial size (_plans).
        self._plan: _Plan | None = None
        self._plans: dict[tuple[int, ...], _Plan] = {}
        if self.padding == "valid":
            self._plan = self._pad_plan([(0, 0)] * rank)
        elif max(self.strides) == 1:
            self._plan = self._pad_plan(
                [same_pads(1, k, 1, d) for k, d in zip(self.kernel_size, self.dilation_rate)]
            )
        self.input_spec = InputSpec(ndim=rank + 2)

    # ------------------------------------------------------------------ padding

    def _pad_plan(self, pads: list[tuple[int, int]]) -> _Plan:
        """(the op's ``padding=``, the extra ``F.pad`` or None) for per-axis (before, after).

        The symmetric part goes to the op; only TF's odd 'same' cell at the end costs an
        explicit ``F.pad``.
        """
        op_padding = self._op_pad_lead + tuple(min(b, a) for b, a in pads)
        extra: list[int] = []
        for b, a in reversed(pads):  # F.pad lists the last axis first
            m = min(b, a)
            extra += [b - m, a - m]
        return op_padding, (tuple(extra) if any(extra) else None)

    def _same_plan(self, spatial: tuple[int, ...]) -> _Plan:
        plan = self._pad_plan(
            [
                same_pads(n, k, s, d)
                for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
            ]
        )
        self._plans[tuple(spatial)] = plan
        return plan

    # ------------------------------------------------------------------ build, call

    def _spatial(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[1:-1] if self._channels_last else input_shape[2:])

    def _in_channels(self, input_shape: tuple) -> int:
        in_channels = input_shape[self._channel_axis]
        if in_channels is None:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the channel dimension of the inputs "
                f"(axis {self._channel_axis} for data_format={self.data_format!r}) must be "
                f"known to build the layer. Received: input_shape={input_shape}"
            )
        return in_channels

    def _add_depthwise_kernel(self, in_channels: int, name: str) -> Any:
        kernel = self.add_weight(
            shape=(*self.kernel_size, in_channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            name=name,
            layout=layout.DepthwiseKernel(self.depth_multiplier, squeeze_rank1=self.rank == 1),
        )
        self._to_channels_last_format(kernel)
        return kernel

    def _to_channels_last_format(self, kernel: Any) -> None:
        # As in Conv: cuDNN would convert a contiguous kernel for a channels_last input on
        # every call.
        if self._channels_last:
            kernel.data = kernel.data.contiguous(memory_format=_CHANNELS_LAST_FORMATS[kernel.dim()])

    def _finish_build(self, input_shape: tuple, in_channels: int) -> None:
        self._groups = in_channels
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: in_channels})
        spatial = self._spatial(input_shape)
        if self._plan is None and None not in spatial:
            self._same_plan(spatial)

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        in_channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self._add_depthwise_kernel(in_channels, "kernel")
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(in_channels * self.depth_multiplier,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self._finish_build(input_shape, in_channels)

    def _depthwise(self, inputs: torch.Tensor, kernel: torch.Tensor, bias: Any) -> torch.Tensor:
        """The depthwise op on the op's (N, C, *spatial) layout, from a Keras-layout input."""
        if self._channels_last:
            x = layout.channels_first_view(inputs, self.rank)
        elif self._unsqueeze:
            x = inputs.unsqueeze(2)
        else:
            x = inputs
        plan = self._plan
        if plan is None:
            spatial = x.shape[-self.rank :]
            plan = self._plans.get(spatial) or self._same_plan(spatial)
        op_padding, extra = plan
        if extra is not None:
            x = F.pad(x, extra)
        return self._op(
            x, kernel, bias, self._op_strides, op_padding, self._op_dilation, self._groups
        )

    def _finish(self, y: torch.Tensor) -> torch.Tensor:
        """Back from the op's layout to the Keras layout (a view), then the activation."""
        if self._channels_last:
            y = layout.channels_last_view(y, self.rank)
        elif self._unsqueeze:
            y = y.squeeze(2)
        if self._activation is not None:
            return self._activation(y)
        return y

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self._finish(self._depthwise(inputs, self.kernel, self.bias))

    # ------------------------------------------------------------------ shapes

    def _out_channels(self, in_channels: int | None) -> int | None:
        return None if in_channels is None else in_channels * self.depth_multiplier

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        self._input_spec.check(self.name, input_shape, hint=self._input_hint())
        out = []
        for n, k, s, d in zip(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate
        ):
            size = output_length(n, k, s, self.padding, d)
            if size == 0:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: the computed output size would be "
                    f"zero or negative: the input is smaller than the dilated kernel. Received: "
                    f"input_shape={input_shape}, kernel_size={self.kernel_size}, "
                    f"dilation_rate={self.dilation_rate}, strides={self.strides}, "
                    f"padding={self.padding!r}. Use padding='same' or a larger input."
                )
            out.append(size)
        channels = self._out_channels(input_shape[self._channel_axis])
        if self._channels_last:
            return (input_shape[0], *out, channels)
        return (input_shape[0], channels, *out)

    def _input_hint(self) -> str:
        names = _SPATIAL_NAMES[self.rank]
        axes = (*names, "channels") if self._channels_last else ("channels", *names)
        return (
            f"{type(self).__name__} with data_format={self.data_format!r} expects inputs of "
            f"shape (batch, {', '.join(axes)})."
        )
