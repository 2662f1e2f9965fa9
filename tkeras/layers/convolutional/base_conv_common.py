"""The private base the convolution bases share: layouts, padding plans, bias, shape checks.

``_Conv``, ``_ConvTranspose`` and ``_DepthwiseConv`` differ in their kernel and op; how they
reach the op's ``(N, C, *spatial)`` layout, plan Keras's paddings and validate shapes is one
piece of code, here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations, constraints, regularizers
from tkeras.backend import layout
from tkeras.layers import validation
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.padding import causal_pads, output_length, same_pads

_SPATIAL_NAMES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}

_Plan = tuple[tuple[int, ...], tuple[int, ...] | None]


class _ConvCommon(Layer):
    """What every convolution base shares; private and never instantiated.

    A subclass calls ``_init_weight_options``, ``_init_geometry`` (kernel, strides, dilation,
    padding, data_format) and ``_init_activation_and_bias`` from ``__init__``,
    then ``_init_layout`` with its table of ops keyed by rank, and ``_init_pad_plans`` when it
    pads its input as Keras's ``'valid'``/``'same'``/``'causal'`` do.
    """

    # ------------------------------------------------------------------ __init__ parts

    def _init_geometry(
        self,
        rank: int,
        kernel_size: Any,
        strides: Any,
        dilation_rate: Any,
        padding: str,
        data_format: str | None,
        allowed_padding: tuple[str, ...] = ("valid", "same"),
    ) -> None:
        self.rank = rank
        self.kernel_size = validation.int_tuple(self, "kernel_size", kernel_size, rank)
        self.strides = validation.int_tuple(self, "strides", strides, rank)
        self.dilation_rate = validation.int_tuple(self, "dilation_rate", dilation_rate, rank)
        self.padding = validation.padding(self, padding, allowed_padding)
        self.data_format = validation.data_format(self, data_format)

    def _init_weight_options(self, **weights: tuple[Any, Any]) -> None:
        """Keras's ``<weight>_regularizer`` and ``<weight>_constraint`` attributes, resolved
        once: ``kernel=(kernel_regularizer, kernel_constraint)``, ``bias=(...)``, ..."""
        for weight, (regularizer, constraint) in weights.items():
            setattr(self, f"{weight}_regularizer", regularizers.get(regularizer))
            setattr(self, f"{weight}_constraint", constraints.get(constraint))

    def _add_kernel(self, weight: str, shape: tuple, layout: Any, name: str | None = None) -> Any:
        """A kernel read through ``<weight>_initializer``/``_regularizer``/``_constraint``, named
        ``name`` or as Keras names it (``kernel``, ``recurrent_kernel``, ``pointwise_kernel``)."""
        return self.add_weight(
            shape=shape,
            initializer=getattr(self, f"{weight}_initializer"),
            regularizer=getattr(self, f"{weight}_regularizer"),
            constraint=getattr(self, f"{weight}_constraint"),
            name=name or ("kernel" if weight == "kernel" else f"{weight}_kernel"),
            layout=layout,
        )

    def _check_strides_with_dilation(self) -> None:
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: `strides > 1` is not supported in "
                f"conjunction with `dilation_rate > 1`. Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}"
            )

    def _init_activation_and_bias(
        self, activation: Any, use_bias: bool, bias_initializer: Any
    ) -> None:
        self.activation = activations.get(activation)
        self._activation = None if self.activation is activations.linear else self.activation
        self.use_bias = use_bias
        self.bias_initializer = bias_initializer
        self.bias = None

    def _init_layout(self, ops: dict[int, Callable[..., torch.Tensor]]) -> None:
        """The op and its spatial arguments; rank 1 adds the dummy height axis of the 2-D op."""
        rank = self.rank
        self._channels_last = self.data_format == "channels_last"
        self._channel_axis = -1 if self._channels_last else 1
        # channels_first rank 1 runs the 2-D op on an (N, C, 1, L) view too (one kernel layout).
        self._unsqueeze = rank == 1 and not self._channels_last
        self._op = ops[rank]
        # A channels_last layer's kernels live in torch's channels_last weight format: cuDNN
        # converts a contiguous kernel to the input's format on every call, and picks a
        # contiguous (NCHW) output for an ambiguous one-channel input unless the kernel is
        # channels_last; the Variables are Keras-shaped views of that memory.
        self._kernel_layout = layout.ConvKernel(rank, self._channels_last)
        self._depthwise_layout = layout.DepthwiseKernel(rank)
        lead = (1,) if rank == 1 else ()
        self._op_strides = lead + self.strides
        self._op_dilation = lead + self.dilation_rate
        self._op_pad_lead = (0,) * len(lead)
        self.input_spec = InputSpec(ndim=rank + 2)

    # ------------------------------------------------------------------ padding plans

    def _init_pad_plans(self) -> None:
        """Plans the paddings that do not depend on the input size once, here.

        'same' with a stride > 1 depends on the size and is planned per spatial size (_plans).
        """
        self._plan: _Plan | None = None
        self._plans: dict[tuple[int, ...], _Plan] = {}
        if self.padding == "valid":
            self._plan = self._pad_plan([(0, 0)] * self.rank)
        elif self.padding == "causal":
            self._plan = self._pad_plan([causal_pads(self.kernel_size[0], self.dilation_rate[0])])
        elif max(self.strides) == 1:
            # With stride 1, 'same' pads (k - 1) * d in total whatever the input size.
            self._plan = self._pad_plan(
                [same_pads(1, k, 1, d) for k, d in zip(self.kernel_size, self.dilation_rate)]
            )

    def _pad_plan(self, pads: list[tuple[int, int]]) -> _Plan:
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

    def _same_plan(self, spatial: tuple[int, ...]) -> _Plan:
        plan = self._pad_plan(
            [
                same_pads(n, k, s, d)
                for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
            ]
        )
        self._plans[tuple(spatial)] = plan
        return plan

    def _plan_spatial(self, input_shape: tuple) -> None:
        """Plans strided 'same' for a known spatial size at build, off the first call."""
        spatial = self._spatial(input_shape)
        if self._plan is None and None not in spatial:
            self._same_plan(spatial)

    def _padded(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
        """``x`` (op layout) with its explicit pad, and the op's ``padding=``."""
        plan = self._plan
        if plan is None:
            spatial = x.shape[-self.rank :]
            plan = self._plans.get(spatial) or self._same_plan(spatial)
        op_padding, extra = plan
        if extra is not None:
            x = F.pad(x, extra)
        return x, op_padding

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

    def _add_bias(self, size: int) -> None:
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(size,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )

    def _finish_input_spec(self, in_channels: int) -> None:
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: in_channels})

    def _to_op_layout(self, inputs: torch.Tensor) -> torch.Tensor:
        """The Keras-layout input as the op's (N, C, *spatial) (rank 1: (N, C, 1, L)) view."""
        if self._channels_last:
            return layout.channels_first_view(inputs, self.rank)
        if self._unsqueeze:
            return inputs.unsqueeze(2)
        return inputs

    def _finish(self, y: torch.Tensor) -> torch.Tensor:
        """Back from the op's layout to the Keras layout (a view), then the activation."""
        if self._channels_last:
            y = layout.channels_last_view(y, self.rank)
        elif self._unsqueeze:
            y = y.squeeze(2)
        if self._activation is not None:
            return self._activation(y)
        return y

    # ------------------------------------------------------------------ shapes

    def _padded_output_sizes(self, input_shape: tuple) -> list[int | None]:
        """Keras's output length of each spatial axis under ``self.padding`` (None stays None)."""
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
        return out

    def _with_channels(self, input_shape: tuple, spatial: list, channels: Any) -> tuple:
        if self._channels_last:
            return (input_shape[0], *spatial, channels)
        return (input_shape[0], channels, *spatial)

    def _input_hint(self) -> str:
        names = _SPATIAL_NAMES[self.rank]
        axes = (*names, "channels") if self._channels_last else ("channels", *names)
        return (
            f"{type(self).__name__} with data_format={self.data_format!r} expects inputs of "
            f"shape (batch, {', '.join(axes)})."
        )
