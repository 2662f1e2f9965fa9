"""The private rank-parameterized base of Conv1DTranspose/2D/3D, over ``F.conv_transpose2d/3d``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers import validation
from tkeras.layers.convolutional.base_conv_common import _ConvCommon

# Rank 1 runs the 2-D op on an (N, C, 1, L) view, as Conv1D does.
_CONV_TRANSPOSE_OPS = {1: F.conv_transpose2d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def keras_crops(
    kernel: int, stride: int, dilation: int, padding: str, output_padding: int | None
) -> tuple[int, int]:
    """(left, right) cells Keras removes from one axis of the full transposed-conv output.

    The full output of an axis of length n is ``(n - 1) * s + K`` long (``K = (k - 1) * d + 1``);
    Keras keeps the window JAX's ``conv_transpose`` computes, so its torch backend crops that
    many cells from each end (a negative crop appends zeros). With ``output_padding=None``,
    'valid' gives ``(n - 1) * s + max(K, s)`` and 'same' gives ``n * s``; an explicit
    ``output_padding`` gives ``(n - 1) * s + K + op`` ('valid') or ``(n - 1) * s + K % 2 + op``
    ('same').
    """
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        op = max(span, stride) - span if output_padding is None else output_padding
        return 0, -op
    if output_padding is None:
        pad_len = stride + span - 2
    else:
        pad_len = span + span % 2 - 2 + output_padding
    left = min(pad_len - pad_len // 2, span - 1)
    right = pad_len - left
    return span - 1 - left, span - 1 - right


def torch_plan(crop_left: int, crop_right: int, stride: int) -> tuple[int, int, int]:
    """(zeros prepended to the input axis, torch ``padding``, torch ``output_padding``).

    torch's op crops ``padding`` cells from both ends and then appends ``output_padding``
    (< the stride), so it cannot crop more on the right than on the left, which k=3, s=2
    'same' needs (crops (0, 1)). A zero prepended to the input shifts the full output right
    by one stride and so adds ``stride`` to the left crop: that copy of the input is far
    cheaper than slicing the (stride**rank times larger) output and copying it back to a
    contiguous tensor. Keras's crops always satisfy ``crop_left - crop_right < stride``, so
    the resulting ``output_padding`` is always in ``[0, stride)``.
    """
    before = -((crop_left - crop_right) // stride) if crop_left < crop_right else 0
    pad = crop_left + before * stride
    return before, pad, pad - crop_right


class _ConvTranspose(_ConvCommon):
    """N-D transposed convolution with Keras's arguments; private, use Conv1DTranspose/2D/3D.

    The kernel has Keras's layout ``(*kernel_size, filters, in_channels)`` in
    ``get_weights``/``set_weights`` and is stored as torch's ``(in, filters, *k)`` (rank 1:
    ``(in, filters, 1, k)``) through ``backend/layout.py``. The output window is Keras's for
    every padding, output_padding, kernel and stride (see ``keras_crops``), reached with
    torch's ``padding``/``output_padding`` and, where those cannot express it, zeros added to
    the input once per call.

    Args:
        rank: the number of spatial dimensions, 1, 2 or 3.
        filters: positive int, the number of output channels.
        kernel_size: an int or a tuple of ``rank`` ints, the window size.
        strides: an int or a tuple of ``rank`` ints, the upsampling factor; ``strides > 1`` is
            incompatible with ``dilation_rate > 1`` (as in Keras).
        padding: ``'valid'`` or ``'same'``, case-insensitive.
        output_padding: None, or an int or a tuple of ``rank`` ints, each in ``[0, stride)``:
            the extra length of each output axis (None: Keras's default for the padding).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        dilation_rate: an int or a tuple of ``rank`` ints.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the kernel (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        kernel_regularizer: regularizer of the kernel (Keras layout), added to ``losses``.
        bias_regularizer: regularizer of the bias, added to ``losses``.
        activity_regularizer: regularizer of the output, added to ``losses`` after each call.
        kernel_constraint: constraint applied to the kernel (Keras layout
            ``(*kernel_size, filters, in_channels)``) after each optimizer update.
        bias_constraint: constraint applied to the bias after each optimizer update.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        self._init_geometry(rank, kernel_size, strides, dilation_rate, padding, data_format)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = validation.int_tuple(
                self, "output_padding", output_padding, rank, allow_zero=True
            )
            if any(op >= s for op, s in zip(self.output_padding, self.strides)):
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: each value of `output_padding` must "
                    f"be strictly less than the matching `strides` value. Received: "
                    f"output_padding={self.output_padding}, strides={self.strides}."
                )
        self._check_strides_with_dilation()
        self._init_activation_and_bias(activation, use_bias, bias_initializer)
        self.kernel_initializer = kernel_initializer
        self._init_layout(_CONV_TRANSPOSE_OPS)

        ops = [None] * rank if self.output_padding is None else self.output_padding
        self._crops = [
            keras_crops(k, s, d, self.padding, op)
            for k, s, d, op in zip(self.kernel_size, self.strides, self.dilation_rate, ops)
        ]
        plans = [torch_plan(cl, cr, s) for (cl, cr), s in zip(self._crops, self.strides)]
        # Everything below is independent of the input size, so it is planned once, here.
        self._op_padding = self._op_pad_lead + tuple(p[1] for p in plans)
        self._op_output_padding = self._op_pad_lead + tuple(p[2] for p in plans)
        extra: list[int] = []
        for before, _, _ in reversed(plans):  # F.pad lists the last axis first
            extra += [before, 0]
        self._input_pad = tuple(extra) if any(extra) else None

    # ------------------------------------------------------------------ build, call

    def build(self, input_shape: tuple) -> None:
        input_shape = tuple(input_shape)
        in_channels = self._in_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self._add_kernel(
            "kernel", (*self.kernel_size, self.filters, in_channels), self._kernel_layout
        )
        self._add_bias(self.filters)
        self._finish_input_spec(in_channels)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = self._to_op_layout(inputs)
        if self._input_pad is not None:
            x = F.pad(x, self._input_pad)
        y = self._op(
            x,
            self._kernel_layout.op(self.kernel),
            self.bias,
            self._op_strides,
            self._op_padding,
            self._op_output_padding,
            1,
            self._op_dilation,
        )
        return self._finish(y)

    # ------------------------------------------------------------------ shapes

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        self._input_spec.check(self.name, input_shape, hint=self._input_hint())
        out = []
        for n, k, s, d, (cl, cr) in zip(
            self._spatial(input_shape),
            self.kernel_size,
            self.strides,
            self.dilation_rate,
            self._crops,
        ):
            if n is None:
                out.append(None)
                continue
            size = (n - 1) * s + (k - 1) * d + 1 - cl - cr
            if size <= 0:
                # Keras returns an empty tensor here (e.g. 'same', output_padding=0, an even
                # kernel and a length-1 axis): almost certainly a mistake, so say so.
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: the computed output size would be "
                    f"zero or negative. Received: input_shape={input_shape}, "
                    f"kernel_size={self.kernel_size}, strides={self.strides}, "
                    f"padding={self.padding!r}, output_padding={self.output_padding}, "
                    f"dilation_rate={self.dilation_rate}. Use a larger input, an odd kernel "
                    "or output_padding=None."
                )
            out.append(size)
        return self._with_channels(input_shape, out, self.filters)
