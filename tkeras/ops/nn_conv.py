"""Convolution and pooling ops of ``keras.ops``, over torch's conv/pool kernels.

Inputs are ``channels_last`` unless ``data_format='channels_first'``; a channels_last input is
handed to torch as a permuted (channels-first) view, and the result permuted back. Kernels use
Keras's layouts: ``conv`` ``(*kernel, in / groups, out)``, ``depthwise_conv``
``(*kernel, in, multiplier)``, ``conv_transpose`` ``(*kernel, out, in)``. ``'same'`` padding is
TF's: ``max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)`` in total, the odd cell at the end.

Differences from Keras: average pooling with ``'same'`` padding always leaves the padded cells
out of each window's mean (TF's rule, as tkeras's pooling layers do); Keras's torch backend
averages replicated edge values into the windows that need uneven padding.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.ops._common import Tensor, to_tensor

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _format(name: str, data_format) -> str:
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{name}: data_format must be 'channels_last' or 'channels_first'. Received: "
            f"data_format={data_format!r}"
        )
    return data_format


def _padding(name: str, padding) -> str:
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in ("valid", "same"):
        raise ValueError(
            f"{name}: padding must be 'valid' or 'same'. Received: padding={padding!r}"
        )
    return mode


def _tuple(name: str, arg: str, value, rank: int) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(int(v) for v in value)
    if len(value) != rank:
        raise ValueError(f"{name}: {arg} must be an int or {rank} ints. Received: {arg}={value}")
    return value


def _rank(name: str, x: Tensor) -> int:
    rank = x.dim() - 2
    if rank not in (1, 2, 3):
        raise ValueError(
            f"{name}: inputs must have ndim 3, 4 or 5 (batch, *spatial, channels). Received: "
            f"inputs.shape={tuple(x.shape)}"
        )
    return rank


def _to_channels_first(x: Tensor, rank: int, data_format: str) -> Tensor:
    if data_format == "channels_first":
        return x
    return x.permute(0, rank + 1, *range(1, rank + 1))


def _to_channels_last(y: Tensor, rank: int, data_format: str) -> Tensor:
    if data_format == "channels_first":
        return y
    return y.permute(0, *range(2, rank + 2), 1)


def _torch_kernel(kernel: Tensor, rank: int) -> Tensor:
    # Keras (*k, a, b) -> torch (b, a, *k), for conv and conv_transpose alike.
    return kernel.permute(rank + 1, rank, *range(rank))


def _same_pads(spatial, kernel, strides, dilation) -> list[tuple[int, int]]:
    pads = []
    for n, k, s, d in zip(spatial, kernel, strides, dilation):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _flat(pads) -> list[int]:
    return [p for pair in reversed(pads) for p in pair]  # F.pad order: last axis first


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1-3 spatial axes) of ``inputs`` with a Keras-layout ``kernel``.

    Groups are inferred: ``in_channels / kernel.shape[-2]``.
    """
    x = to_tensor(inputs)
    rank = _rank("conv", x)
    fmt = _format("conv", data_format)
    mode = _padding("conv", padding)
    strides = _tuple("conv", "strides", strides, rank)
    dilation = _tuple("conv", "dilation_rate", dilation_rate, rank)
    w = _torch_kernel(to_tensor(kernel, device=x.device), rank)
    x = _to_channels_first(x, rank, fmt)
    if x.shape[1] % w.shape[1] != 0:
        raise ValueError(
            f"conv: the input channels ({x.shape[1]}) must be divisible by the kernel's input "
            f"channels ({w.shape[1]}). Received: kernel.shape={tuple(kernel.shape)}"
        )
    groups = x.shape[1] // w.shape[1]
    pad = 0
    if mode == "same":
        pads = _same_pads(x.shape[2:], w.shape[2:], strides, dilation)
        if all(a == b for a, b in pads):
            pad = tuple(a for a, _ in pads)
        else:
            x = F.pad(x, _flat(pads))
    y = _CONV[rank](x, w, None, strides, pad, dilation, groups)
    return _to_channels_last(y, rank, fmt)


def _check_channels(name: str, x: Tensor, kernel: Tensor, fmt: str) -> None:
    channels = x.shape[-1] if fmt == "channels_last" else x.shape[1]
    if kernel.shape[-2] != channels:
        raise ValueError(
            f"{name}: the input channels ({channels}) must match kernel.shape[-2]. Received: "
            f"inputs.shape={tuple(x.shape)}, kernel.shape={tuple(kernel.shape)}"
        )


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel convolved with its own ``multiplier`` filters.

    ``kernel``: ``(*kernel_size, in_channels, multiplier)``; output channel ``c * m + j``.
    """
    x = to_tensor(inputs)
    kernel = to_tensor(kernel, device=x.device)
    fmt = _format("depthwise_conv", data_format)
    _check_channels("depthwise_conv", x, kernel, fmt)
    kernel = kernel.reshape((*kernel.shape[:-2], 1, kernel.shape[-2] * kernel.shape[-1]))
    return conv(x, kernel, strides, padding, fmt, dilation_rate)


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """A depthwise convolution followed by a pointwise (1x...x1) convolution."""
    fmt = _format("separable_conv", data_format)
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, fmt, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", fmt, dilation_rate)


def _transpose_crops(n_kernel, stride, dilation, mode, output_padding) -> tuple[int, int]:
    """(left, right) crop of torch's full transposed-conv output to Keras's window."""
    k = (n_kernel - 1) * dilation + 1
    if mode == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        left, right = k - 1, k - 1 + extra
    else:
        total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
        left = min(total // 2 + total % 2, k - 1)
        right = total - left
    return (k - 1) - left, (k - 1) - right


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """Transposed convolution of ``inputs`` with a ``(*kernel_size, out, in)`` kernel."""
    x = to_tensor(inputs)
    rank = _rank("conv_transpose", x)
    fmt = _format("conv_transpose", data_format)
    mode = _padding("conv_transpose", padding)
    strides = _tuple("conv_transpose", "strides", strides, rank)
    dilation = _tuple("conv_transpose", "dilation_rate", dilation_rate, rank)
    kernel = to_tensor(kernel, device=x.device)
    channels = x.shape[-1] if fmt == "channels_last" else x.shape[1]
    if kernel.shape[-1] != channels:
        raise ValueError(
            f"conv_transpose: the input channels ({channels}) must match kernel.shape[-1]. "
            f"Received: inputs.shape={tuple(x.shape)}, kernel.shape={tuple(kernel.shape)}"
        )
    extra = (
        (output_padding,) * rank
        if output_padding is None or isinstance(output_padding, int)
        else tuple(output_padding)
    )
    crops = [
        _transpose_crops(kernel.shape[i], strides[i], dilation[i], mode, extra[i])
        for i in range(rank)
    ]
    x = _to_channels_first(x, rank, fmt)
    y = _CONV_T[rank](x, _torch_kernel(kernel, rank), None, strides, 0, 0, 1, dilation)
    index = [slice(None), slice(None)]
    for left, right in crops:
        index.append(slice(max(left, 0), y.shape[len(index)] - max(right, 0)))
    y = y[tuple(index)]
    if any(left < 0 or right < 0 for left, right in crops):
        y = F.pad(y, _flat([(max(-left, 0), max(-right, 0)) for left, right in crops]))
    return _to_channels_last(y, rank, fmt)


def _pool(name, ops, inputs, pool_size, strides, padding, data_format, average):
    x = to_tensor(inputs)
    rank = _rank(name, x)
    fmt = _format(name, data_format)
    mode = _padding(name, padding)
    size = _tuple(name, "pool_size", pool_size, rank)
    strides = size if strides is None else _tuple(name, "strides", strides, rank)
    x = _to_channels_first(x, rank, fmt)
    extra = {"count_include_pad": False} if average else {}
    if mode == "valid":
        return _to_channels_last(ops[rank](x, size, strides, 0, **extra), rank, fmt)
    pads = _same_pads(x.shape[2:], size, strides, (1,) * rank)
    if all(a == b for a, b in pads):
        y = ops[rank](x, size, strides, tuple(a for a, _ in pads), **extra)
    elif not average:
        y = ops[rank](F.pad(x, _flat(pads), value=float("-inf")), size, strides, 0)
    else:
        # Zero-pad, average over whole windows, then rescale by window size / real cells.
        y = ops[rank](F.pad(x, _flat(pads)), size, strides, 0)
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        y = y / ops[rank](F.pad(ones, _flat(pads)), size, strides, 0)
    return _to_channels_last(y, rank, fmt)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1-3 spatial axes (``strides`` default: ``pool_size``)."""
    return _pool("max_pool", _MAX, inputs, pool_size, strides, padding, data_format, False)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over 1-3 spatial axes, padded cells excluded from the mean.

    Differences from Keras: see the module docstring (uneven ``'same'`` padding).
    """
    return _pool("average_pool", _AVG, inputs, pool_size, strides, padding, data_format, True)
