"""The newer ``keras.ops.nn`` ops: adaptive pooling, CTC loss and greedy decoding,
depth/space rearrangements, fold/unfold and polar."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras.ops._common import Tensor, cast, result_type, to_tensor
from tkeras.ops.image_common import data_format_of

_ADAPTIVE = {
    "average": {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d},
    "max": {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d},
}


def _adaptive(kind: str, inputs, output_size, data_format) -> Tensor:
    x = to_tensor(inputs)
    rank = x.dim() - 2
    if rank not in (1, 2, 3):
        raise ValueError(
            f"adaptive_{kind}_pool: inputs must have ndim 3, 4 or 5. Received: "
            f"inputs.shape={tuple(x.shape)}"
        )
    fmt = data_format_of(f"adaptive_{kind}_pool", data_format)
    size = output_size if isinstance(output_size, int) else tuple(output_size)
    if isinstance(size, tuple) and len(size) != rank:
        raise ValueError(
            f"adaptive_{kind}_pool: output_size must have {rank} values. Received: "
            f"output_size={output_size}"
        )
    if rank > 1 and isinstance(size, int):
        size = (size,) * rank
    if fmt == "channels_last":
        x = x.movedim(-1, 1)
    y = _ADAPTIVE[kind][rank](x, size)
    return y.movedim(1, -1) if fmt == "channels_last" else y


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size`` over 1-3 spatial axes (torch's bins).

    Example:
        >>> tkeras.ops.adaptive_average_pool(np.ones((1, 7, 7, 3)), 2).shape
        torch.Size([1, 2, 2, 3])
    """
    return _adaptive("average", inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size`` over 1-3 spatial axes (torch's bins)."""
    return _adaptive("max", inputs, output_size, data_format)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC loss per sequence between int labels ``target`` (batch, max_label_len) and logits
    ``output`` (batch, time, classes); ``mask_index`` is the blank class."""
    output = to_tensor(output)
    output = cast(output, result_type(output.dtype, "float32"))
    dev = output.device
    log_probs = F.log_softmax(output.transpose(0, 1), dim=-1)
    return F.ctc_loss(
        log_probs,
        to_tensor(target, device=dev).long(),
        to_tensor(output_length, device=dev),
        to_tensor(target_length, device=dev),
        blank=mask_index,
        reduction="none",
    )


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decode CTC outputs ``(batch, time, classes)``: ``(paths, scores)`` where ``paths`` is
    ``(1, batch, time)`` int32 labels padded with -1 and ``scores`` the negative summed
    maxima.

    Differences from Keras: ``strategy='beam_search'`` raises NotImplementedError.
    """
    if strategy == "beam_search":
        raise NotImplementedError("ctc_decode: strategy='beam_search' is not supported by tkeras.")
    if strategy != "greedy":
        raise ValueError(
            f"Invalid strategy {strategy}. Supported values are 'greedy' and 'beam_search'."
        )
    x = to_tensor(inputs)
    x = cast(x, result_type(x.dtype, "float32"))
    lengths = to_tensor(sequence_lengths, dtype="int32", device=x.device)
    batch, steps, classes = x.shape
    blank = classes - 1 if mask_index is None else mask_index
    scores, labels = torch.max(x, dim=-1)
    labels = labels.to(torch.int32)
    beyond = torch.arange(steps, device=x.device)[None, :] >= lengths[:, None]
    labels = torch.where(beyond, blank, labels)
    scores = torch.where(beyond, 0.0, scores)
    if merge_repeated:
        repeat = F.pad(labels[:, 1:] == labels[:, :-1], (1, 0))
        labels = torch.where(repeat, blank, labels)
    invalid = labels == blank
    labels = torch.where(invalid, -1, labels)
    # Stable: kept labels first in time order, the -1 padding after them.
    order = torch.argsort(invalid.to(torch.int8), dim=-1, stable=True)
    labels = torch.take_along_dim(labels, order, dim=-1)
    return labels.unsqueeze(0), -scores.sum(dim=1, keepdim=True)


def _block_check(name: str, x: Tensor, block_size: int) -> None:
    if x.dim() != 4:
        raise ValueError(f"{name}: x must be 4-D. Received: x.shape={tuple(x.shape)}")
    if not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"{name}: block_size must be a positive int. Received: {block_size!r}")


def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channel blocks into ``block_size x block_size`` spatial tiles (pixel shuffle)."""
    x = to_tensor(x)
    _block_check("depth_to_space", x, block_size)
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        y = x.reshape(n, h, w, b, b, c // b**2).permute(0, 1, 3, 2, 4, 5)
        return y.reshape(n, h * b, w * b, c // b**2)
    n, c, h, w = x.shape
    y = x.reshape(n, c // b**2, b, b, h, w).permute(0, 1, 4, 2, 5, 3)
    return y.reshape(n, c // b**2, h * b, w * b)


def space_to_depth(x, block_size, data_format="channels_last"):
    """Move ``block_size x block_size`` spatial tiles into channels (the inverse of
    ``depth_to_space``)."""
    x = to_tensor(x)
    _block_check("space_to_depth", x, block_size)
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        y = x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5)
        return y.reshape(n, h // b, w // b, c * b**2)
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).permute(0, 1, 3, 5, 2, 4)
    return y.reshape(n, c * b**2, h // b, w // b)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of an NCHW tensor as columns: ``(N, C * kh * kw, L)`` (``F.unfold``)."""
    return F.unfold(to_tensor(x), kernel_size, dilation=dilation, padding=padding, stride=stride)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns ``(N, C * kh * kw, L)`` back into an NCHW tensor (``F.fold``)."""
    return F.fold(
        to_tensor(x),
        output_size,
        kernel_size,
        dilation=dilation,
        padding=padding,
        stride=stride,
    )


def polar(abs_, angle):
    """The complex numbers of magnitude ``abs_`` and phase ``angle``."""
    r = to_tensor(abs_)
    theta = to_tensor(angle, device=r.device)
    if not (r.is_floating_point() and theta.is_floating_point()):
        raise ValueError(
            f"polar: abs_ and angle must be float tensors. Received: {r.dtype}, {theta.dtype}"
        )
    return torch.complex(r * torch.cos(theta), r * torch.sin(theta))
