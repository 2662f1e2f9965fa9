"""Conv2DTranspose: 2-D transposed convolution (deconvolution), channels_last by default."""

from __future__ import annotations

from typing import Any

from tkeras.layers.convolutional.base_conv_transpose import _ConvTranspose


class Conv2DTranspose(_ConvTranspose):
    """2D transposed convolution layer (deconvolution) on ``(batch, h, w, channels)`` images.

    A channels_last input is permuted to an NCHW view (no copy), upsampled by
    ``F.conv_transpose2d`` and permuted back, so the result is a contiguous
    ``(batch, new_h, new_w, filters)`` tensor.

    The output length of each axis is Keras's: ``(n - 1) * strides + max(k, strides)`` for
    ``'valid'`` and ``n * strides`` for ``'same'``, or, with an explicit ``output_padding``,
    ``(n - 1) * strides + k + output_padding`` (``'valid'``) and
    ``(n - 1) * strides + k % 2 + output_padding`` (``'same'``), with ``k`` the dilated kernel
    size. ``'same'`` with an odd kernel and a stride of 2 is not torch's
    ``padding=1, output_padding=1``: the output window is shifted by one cell.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: an int or a tuple of 2 ints, the window height and width.
        strides: an int or a tuple of 2 ints, the upsampling factor; ``strides > 1`` is
            incompatible with ``dilation_rate > 1``.
        padding: ``'valid'`` or ``'same'``; case-insensitive.
        output_padding: None (the default output length above) or an int or a tuple of 2 ints, each
            strictly less than the matching stride: the extra length of each output axis.
        data_format: ``'channels_last'`` (default) or ``'channels_first'``
            (``(batch, channels, h, w)``).
        dilation_rate: an int or a tuple of 2 ints, for dilated transposed convolution.
        activation: an activation name or callable (None: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the ``(kh, kw, filters, in_channels)`` kernel
            (default ``'glorot_uniform'``).
        bias_initializer: initializer for the bias (default ``'zeros'``).
        kernel_regularizer, bias_regularizer: regularizers of the kernel (Keras layout) and
            bias, added to ``losses``; activity_regularizer: of the output, after each call.
        kernel_constraint, bias_constraint: constraints applied to the kernel (Keras layout)
            and bias after each optimizer update.

    Differences from Keras:
        an output axis of length zero (``'same'``, ``output_padding=0``, an even kernel and a
        length-1 input axis) raises ValueError instead of returning an empty tensor.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.Conv2DTranspose(4, 3, strides=2, padding="same")
        >>> layer(torch.rand(2, 5, 6, 8)).shape
        torch.Size([2, 10, 12, 4])
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
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
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
