"""The private rank-parameterized base of Conv1D, Conv2D and Conv3D, over ``F.conv2d/3d``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations, constraints, regularizers
from tkeras.backend import layout
from tkeras.layers import validation
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.padding import causal_pads, output_length, same_pads

# Rank 1 runs the 2-D op on an (N, C, 1, L) view: torch has no channels_last format for 3-D
# tensors, and the 2-D op on that view returns a contiguous NLC result.
_CONV_OPS = {1: F.conv2d, 2: F.conv2d, 3: F.conv3d}

# The memory format of a kernel stored for a channels_last layer, keyed by the torch kernel rank.
# cuDNN converts a contiguous kernel to the input's channels_last format on every call, and
# picks a contiguous (NCHW) output for an ambiguous one-channel input unless the kernel is
# channels_last; storing it channels_last avoids both.
_CHANNELS_LAST_FORMATS = {4: torch.channels_last, 5: torch.channels_last_3d}

_SPATIAL_NAMES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


class _Conv(Layer):
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
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.rank = rank
        self.filters = validation.positive_int(self, "filters", filters)
        self.kernel_size = validation.int_tuple(self, "kernel_size", kernel_size, rank)
        self.strides = validation.int_tuple(self, "strides", strides, rank)
        self.dilation_rate = validation.int_tuple(self, "dilation_rate", dilation_rate, rank)
        allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
        self.padding = validation.padding(self, padding, allowed)
        self.data_format = validation.data_format(self, data_format)
        self.groups = validation.positive_int(self, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the number of filters must be evenly "
                f"divisible by the number of groups. Received: groups={self.groups}, "
                f"filters={self.filters}."
            )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: `strides > 1` is not supported in "
                f"conjunction with `dilation_rate > 1`. Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self._activation = None if self.activation is activations.linear else self.activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.bias = None

        channels_last = self.data_format == "channels_last"
        self._channels_last = channels_last
        self._channel_axis = -1 if channels_last else 1
        # channels_first rank 1 runs the 2-D op on an (N, C, 1, L) view too (one kernel layout).
        self._unsqueeze = rank == 1 and not channels_last
        self._op = _CONV_OPS[rank]
        # The op's spatial arguments; rank 1 adds the dummy height axis of the 2-D op.
        lead = (1,) if rank == 1 else ()
        self._op_strides = lead + self.strides
        self._op_dilation = lead + self.dilation_rate
        self._op_pad_lead = (0,) * len(lead)
        # Paddings that do not depend on the input size are planned once, here; 'same' with a
        # stride > 1 depends on the size and is planned per spatial size (_plans).
        self._plan: tuple[tuple[int, ...], tuple[int, ...] | None] | None = None
        self._plans: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...] | None]] = {}
        if self.padding == "valid":
            self._plan = self._pad_plan([(0, 0)] * rank)
        elif self.padding == "causal":
            self._plan = self._pad_plan([causal_pads(self.kernel_size[0], self.dilation_rate[0])])
        elif max(self.strides) == 1:
            # With stride 1, 'same' pads (k - 1) * d in total whatever the input size.
            self._plan = self._pad_plan(
                [same_pads(1, k, 1, d) for k, d in zip(self.kernel_size, self.dilation_rate)]
            )
        self.input_spec = InputSpec(ndim=rank + 2)

    # ------------------------------------------------------------------ padding

    def _pad_plan(
        self, pads: list[tuple[int, int]]
    ) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
        """(the op's ``padding=``, the extra ``F.pad`` or None) for per-axis (before, after).

        The symmetric part goes to the op for free; only an asymmetric remainder (TF's odd
        'same' cell at the end, causal's left pad) costs an explicit ``F.pad`` copy.
        """
        op_padding = self._op_pad_lead + tuple(min(b, a) for b, a in pads)
        extra: list[int] = []
        # F.pad lists (before, after) from the last axis backwards.
        for b, a in reversed(pads):
            m = min(b, a)
            extra += [b - m, a - m]
        return op_padding, (tuple(extra) if any(extra) else None)

    def _same_plan(
        self, spatial: tuple[int, ...]
    ) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
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

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        in_channels = input_shape[self._channel_axis]
        name = type(self).__name__
        if in_channels is None:
            raise ValueError(
                f"{name} {self.name!r}: the channel dimension of the inputs (axis "
                f"{self._channel_axis} for data_format={self.data_format!r}) must be known to "
                f"build the layer. Received: input_shape={input_shape}"
            )
        if in_channels % self.groups:
            raise ValueError(
                f"{name} {self.name!r}: the number of input channels must be evenly divisible "
                f"by the number of groups. Received groups={self.groups}, but the input has "
                f"{in_channels} channels (full input shape is {input_shape})."
            )
        # Validates that every known output size is positive, as Keras does in build.
        self.compute_output_shape(input_shape)
        kernel_layout = layout.ConvKernel(squeeze_rank1=self.rank == 1)
        self.kernel = self.add_weight(
            shape=(*self.kernel_size, in_channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
            layout=kernel_layout,
        )
        if self._channels_last:
            fmt = _CHANNELS_LAST_FORMATS[self.kernel.dim()]
            self.kernel.data = self.kernel.data.contiguous(memory_format=fmt)
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: in_channels})
        spatial = self._spatial(input_shape)
        if self._plan is None and None not in spatial:
            self._same_plan(spatial)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
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
        y = self._op(
            x, self.kernel, self.bias, self._op_strides, op_padding, self._op_dilation, self.groups
        )
        if self._channels_last:
            y = layout.channels_last_view(y, self.rank)
        elif self._unsqueeze:
            y = y.squeeze(2)
        if self._activation is not None:
            return self._activation(y)
        return y

    # ------------------------------------------------------------------ shapes

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
        if self._channels_last:
            return (input_shape[0], *out, self.filters)
        return (input_shape[0], self.filters, *out)

    def _input_hint(self) -> str:
        names = _SPATIAL_NAMES[self.rank]
        axes = (*names, "channels") if self._channels_last else ("channels", *names)
        return (
            f"{type(self).__name__} with data_format={self.data_format!r} expects inputs of "
            f"shape (batch, {', '.join(axes)})."
        )
