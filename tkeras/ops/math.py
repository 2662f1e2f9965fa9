"""Math ops of ``keras.ops``: top_k, in_top_k, segment reductions, logsumexp, erf, rsqrt, ..."""

from __future__ import annotations

import torch

from tkeras.ops._common import Tensor, to_tensor


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their indices, as ``(values, indices)``."""
    return torch.topk(to_tensor(x), k, sorted=sorted)


def in_top_k(targets, predictions, k):
    """Whether each target id is among the ``k`` largest predictions of its row (ties count)."""
    predictions = to_tensor(predictions)
    targets = to_tensor(targets, device=predictions.device).long()
    kth = torch.topk(predictions, k).values[..., -1:]
    target_values = torch.take_along_dim(predictions, targets[:, None], dim=-1)
    return (target_values >= kth).squeeze(-1)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    x = to_tensor(x)
    dims = tuple(range(x.dim())) if axis is None else axis
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def _check_segments(name: str, data: Tensor, ids: Tensor) -> None:
    if ids.dim() > 1:
        raise ValueError(
            f"{name}: segment_ids must be a 1-D vector. Received: "
            f"segment_ids.shape={tuple(ids.shape)}"
        )
    if data.dim() == 0 or data.shape[0] != ids.shape[0]:
        raise ValueError(
            f"{name}: data and segment_ids must have the same leading dimension. Received: "
            f"data.shape={tuple(data.shape)}, segment_ids.shape={tuple(ids.shape)}"
        )


_INIT = {"sum": 0.0, "prod": 1.0, "amax": float("-inf"), "amin": float("inf")}


def _segment(name: str, reduce: str, data, segment_ids, num_segments):
    data = to_tensor(data)
    ids = to_tensor(segment_ids, device=data.device).long()
    _check_segments(name, data, ids)
    # Without num_segments the output size depends on the data: one host read.
    n = int(ids.max()) + 1 if num_segments is None else int(num_segments)
    # Out-of-range ids (e.g. -1) go to a spare row n, dropped at the end.
    ids = torch.where((ids >= 0) & (ids < n), ids, n)
    init = _INIT[reduce]
    if not data.is_floating_point() and init in (float("inf"), float("-inf")):
        info = torch.iinfo(data.dtype)
        init = info.max if init > 0 else info.min
    out = torch.full((n + 1, *data.shape[1:]), init, dtype=data.dtype, device=data.device)
    index = ids.reshape((-1,) + (1,) * (data.dim() - 1)).expand_as(data)
    return out.scatter_reduce(0, index, data, reduce, include_self=True)[:n]


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """The sum of the rows of ``data`` in each segment (ids outside the range are dropped).

    Without ``num_segments`` the output size is read from the ids (one device sync).
    ``sorted`` is a hint with no effect, as on Keras's torch backend.

    Differences from Keras: segments reduce in ``data``'s dtype (Keras's torch backend
    computes in float32 and casts back), so float64 and large ints keep their precision.
    """
    return _segment("segment_sum", "sum", data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """The maximum of the rows of ``data`` in each segment (-inf for an empty segment).

    Differences from Keras: an empty segment of integer data holds the dtype's minimum (Keras's
    torch backend casts -inf to the int dtype).
    """
    return _segment("segment_max", "amax", data, segment_ids, num_segments)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """The minimum of the rows of ``data`` in each segment (inf for an empty segment).

    Differences from Keras: an empty segment of integer data holds the dtype's maximum (Keras's
    torch backend casts inf to the int dtype).
    """
    return _segment("segment_min", "amin", data, segment_ids, num_segments)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """The product of the rows of ``data`` in each segment (1 for an empty segment)."""
    return _segment("segment_prod", "prod", data, segment_ids, num_segments)


def erf(x):
    """The error function."""
    return torch.erf(to_tensor(x))


def erfc(x):
    """The complementary error function ``1 - erf(x)``."""
    return torch.erfc(to_tensor(x))


def erfinv(x):
    """The inverse error function."""
    return torch.erfinv(to_tensor(x))


def rsqrt(x):
    """``1 / sqrt(x)``."""
    return torch.rsqrt(to_tensor(x))


def logdet(x):
    """The log-determinant of (a batch of) square matrices."""
    return torch.logdet(to_tensor(x))


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` taken every ``sequence_stride`` along the last axis."""
    return to_tensor(x).unfold(-1, sequence_length, sequence_stride)


def cdist(x, y):
    """The Euclidean distances between the rows of ``x`` and ``y`` (batched)."""
    x = to_tensor(x)
    y = to_tensor(y, device=x.device)
    if x.dim() < 2 or y.dim() < 2:
        raise ValueError(
            f"cdist: x and y must have rank >= 2. Received: x.shape={tuple(x.shape)}, "
            f"y.shape={tuple(y.shape)}"
        )
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"cdist: the last dimensions of x and y must match. Received: "
            f"x.shape={tuple(x.shape)}, y.shape={tuple(y.shape)}"
        )
    diff = x.unsqueeze(-2) - y.unsqueeze(-3)
    return torch.sqrt(torch.sum(diff * diff, dim=-1))


# keras.ops.math holds these too (explicit re-exports).
from tkeras.ops.math_fft import fft as fft  # noqa: E402
from tkeras.ops.math_fft import fft2 as fft2  # noqa: E402
from tkeras.ops.math_fft import ifft2 as ifft2  # noqa: E402
from tkeras.ops.math_fft import irfft as irfft  # noqa: E402
from tkeras.ops.math_fft import istft as istft  # noqa: E402
from tkeras.ops.math_fft import rfft as rfft  # noqa: E402
from tkeras.ops.math_fft import stft as stft  # noqa: E402
from tkeras.ops.math_fft import view_as_complex as view_as_complex  # noqa: E402
from tkeras.ops.math_fft import view_as_real as view_as_real  # noqa: E402
