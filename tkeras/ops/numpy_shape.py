"""Shape manipulation, joining, splitting, indexing and padding ops of ``keras.ops``.

Axes may be negative. Index arguments (``take``, ``take_along_axis``) accept negative indices,
counted from the end of the axis, as in Keras.
"""

from __future__ import annotations

import builtins

import torch
import torch.nn.functional as F

from tkeras.ops._common import Tensor, result_type, to_tensor, torch_dtype


def _seq(xs) -> list[Tensor]:
    xs = list(xs)
    first = next((e for e in xs if isinstance(e, Tensor)), None)
    device = None if first is None else first.device
    return [to_tensor(e, device=device) for e in xs]


def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    if isinstance(newshape, Tensor):
        newshape = tuple(int(d) for d in newshape.tolist())
    elif isinstance(newshape, (list, tuple)):
        newshape = tuple(newshape)
    else:
        newshape = (newshape,)
    unknown = 0
    for d in newshape:
        if isinstance(d, int) and d < -1:
            raise ValueError(
                "reshape: each dimension in newshape must be a non-negative integer, or -1 for "
                f"a single unknown dimension. Received: newshape={newshape}."
            )
        unknown += d == -1
    if unknown > 1:
        raise ValueError(
            f"reshape: there must be at most one -1 dimension in newshape. Received: "
            f"newshape={newshape}."
        )
    return torch.reshape(to_tensor(x), newshape)


def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed if ``axes`` is None)."""
    x = to_tensor(x)
    if axes is None:
        return x.permute(tuple(range(x.dim() - 1, -1, -1)))
    return x.permute(tuple(axes))


def expand_dims(x, axis):
    """``x`` with new size-1 axes at ``axis`` (an int or a tuple)."""
    x = to_tensor(x)
    positions = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.dim() + len(positions)
    for a in sorted(a % ndim for a in positions):
        x = x.unsqueeze(a)
    return x


def squeeze(x, axis=None):
    """``x`` without its size-1 axes (only those at ``axis`` if given).

    Differences from Keras: squeezing an axis whose size is not 1 raises, as in numpy (Keras's
    torch backend returns ``x`` unchanged).
    """
    x = to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    dims = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in dims:
        if x.shape[a] != 1:
            raise ValueError(
                f"squeeze: cannot squeeze axis={a} of x.shape={tuple(x.shape)}: its size is not 1."
            )
    return torch.squeeze(x, dim=dims)


def concatenate(xs, axis=0):
    """The tensors in ``xs`` joined along ``axis`` (flattened first if ``axis`` is None).

    Differences from Keras: ``axis=None`` is accepted, as in numpy (Keras's torch backend
    raises).
    """
    xs = _seq(xs)
    if axis is None:
        return torch.cat([t.reshape(-1) for t in xs])
    return torch.cat(xs, dim=axis)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (flattened first if None)."""
    return concatenate([x1, x2], axis=axis)


def stack(x, axis=0):
    """The tensors in ``x`` stacked along a new ``axis``."""
    return torch.stack(_seq(x), dim=axis)


def hstack(xs):
    """The tensors in ``xs`` joined column-wise (along axis 1; axis 0 for 1-D)."""
    return torch.hstack(_seq(xs))


def vstack(xs):
    """The tensors in ``xs`` joined row-wise (along axis 0, 1-D rows promoted)."""
    return torch.vstack(_seq(xs))


def dstack(xs):
    """The tensors in ``xs`` joined along the third axis."""
    return torch.dstack(_seq(xs))


def _index_list(indices) -> list[int]:
    if isinstance(indices, Tensor):
        return [int(i) for i in indices.tolist()]
    return [int(i) for i in indices]


def split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into equal sections, or at the given indices."""
    x = to_tensor(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or n % indices_or_sections != 0:
            raise ValueError(
                f"split: indices_or_sections={indices_or_sections} (a number of sections) does "
                f"not divide x.shape[{axis}]={n} (x.shape={tuple(x.shape)})."
            )
        if n == 0:
            return [x.clone() for _ in range(indices_or_sections)]
        return list(torch.split(x, n // indices_or_sections, dim=axis))
    bounds = [0] + [builtins.min(builtins.max(i, 0), n) for i in _index_list(indices_or_sections)]
    bounds.append(n)
    sizes = [builtins.max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]
    return list(torch.split(x, sizes, dim=axis))


def array_split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into ``indices_or_sections`` nearly equal parts."""
    if not isinstance(indices_or_sections, int):
        raise TypeError(
            "array_split: indices_or_sections must be of type int. Received: "
            f"indices_or_sections={indices_or_sections!r}"
        )
    if indices_or_sections <= 0:
        raise ValueError(
            "array_split: indices_or_sections must be a positive integer. Received: "
            f"indices_or_sections={indices_or_sections}"
        )
    return list(torch.tensor_split(to_tensor(x), indices_or_sections, dim=axis))


def hsplit(x, indices_or_sections):
    """``x`` cut column-wise (along axis 1; axis 0 for 1-D)."""
    x = to_tensor(x)
    return split(x, indices_or_sections, axis=0 if x.dim() == 1 else 1)


def vsplit(x, indices_or_sections):
    """``x`` cut row-wise (along axis 0)."""
    return split(x, indices_or_sections, axis=0)


def tile(x, repeats):
    """``x`` repeated ``repeats`` times along each axis."""
    if isinstance(repeats, Tensor):
        repeats = tuple(int(r) for r in repeats.tolist())
    elif isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(to_tensor(x), tuple(repeats))


def repeat(x, repeats, axis=None):
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None).

    ``repeats``: an int, or one count per element (a list, or a tensor: reading its sum for the
    output size is one device sync).

    Differences from Keras: a Python list of counts is accepted (Keras's torch backend raises).
    """
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if isinstance(repeats, int):
        return torch.repeat_interleave(x, repeats, dim=axis)
    if isinstance(repeats, (list, tuple)):
        total = builtins.sum(repeats)  # the output size, so torch needs no device sync
        counts = torch.tensor(repeats, dtype=torch.long).to(x.device)
        return torch.repeat_interleave(x, counts, dim=axis, output_size=total)
    return torch.repeat_interleave(x, to_tensor(repeats, device=x.device).long(), dim=axis)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape`` (a view)."""
    return torch.broadcast_to(to_tensor(x), tuple(shape))


def flip(x, axis=None):
    """``x`` reversed along ``axis`` (all axes if None)."""
    x = to_tensor(x)
    dims = tuple(range(x.dim())) if axis is None else (axis,) if isinstance(axis, int) else axis
    return torch.flip(x, dims=tuple(dims))


def fliplr(x):
    """``x`` reversed along axis 1."""
    return torch.fliplr(to_tensor(x))


def flipud(x):
    """``x`` reversed along axis 0."""
    return torch.flipud(to_tensor(x))


def rot90(array, k=1, axes=(0, 1)):
    """``array`` rotated by ``k`` quarter turns in the plane of ``axes``."""
    x = to_tensor(array)
    if x.dim() < 2:
        raise ValueError(
            f"rot90: array must have at least 2 dimensions. Received: array.ndim={x.dim()}"
        )
    if len(axes) != 2 or axes[0] % x.dim() == axes[1] % x.dim():
        raise ValueError(f"rot90: axes must be two different axes. Received: axes={axes}")
    return torch.rot90(x, k=k, dims=tuple(a % x.dim() for a in axes))


def roll(x, shift, axis=None):
    """``x`` shifted cyclically by ``shift`` along ``axis`` (of the flattened tensor if None)."""
    return torch.roll(to_tensor(x), shift, dims=axis)


def moveaxis(x, source, destination):
    """``x`` with axes ``source`` moved to ``destination``."""
    return torch.moveaxis(to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    """``x`` with ``axis1`` and ``axis2`` exchanged."""
    return torch.swapaxes(to_tensor(x), axis1, axis2)


def ravel(x):
    """``x`` flattened to 1-D."""
    return torch.ravel(to_tensor(x))


def _wrap_negative(indices: Tensor, size: int) -> Tensor:
    return torch.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    """The elements of ``x`` at ``indices`` along ``axis`` (of the flattened tensor if None).

    Differences from Keras: with ``axis=None`` a negative index counts from the end of the
    flattened tensor, as in numpy (Keras's torch backend counts from the end of axis 0).
    """
    x = to_tensor(x)
    indices = to_tensor(indices, device=x.device).long()
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = axis % x.dim()
    indices = _wrap_negative(indices, x.shape[axis])
    if x.dim() == 2 and axis == 0:
        return F.embedding(indices, x)  # the fast path for embedding lookups
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    """The elements of ``x`` at ``indices``, matched index by index along ``axis``.

    Differences from Keras: with ``axis=None`` a negative index counts from the end of the
    flattened tensor, as in numpy (Keras's torch backend counts from the end of axis 0).
    """
    x = to_tensor(x)
    indices = to_tensor(indices, device=x.device).long()
    size = x.numel() if axis is None else x.shape[axis]
    return torch.take_along_dim(x, _wrap_negative(indices, size), dim=axis)


def _pad_widths(pad_width, ndim: int) -> list[tuple[int, int]]:
    if isinstance(pad_width, int):
        return [(pad_width, pad_width)] * ndim
    pw = list(pad_width)
    if pw and isinstance(pw[0], int):
        pair = (pw[0], pw[-1])
        return [pair] * ndim
    pairs = [(p[0], p[-1]) for p in pw]
    if len(pairs) == 1:
        return pairs * ndim
    if len(pairs) != ndim:
        raise ValueError(
            f"pad: pad_width must have one (before, after) pair per axis of x. Received: "
            f"pad_width={pad_width} for x.ndim={ndim}."
        )
    return pairs


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(x, pad_width, mode="constant", constant_values=None):
    """``x`` padded by ``pad_width`` ((before, after) per axis, or one pair or int for all).

    ``mode``: ``'constant'`` (``constant_values``, default 0), ``'edge'``, ``'reflect'``,
    ``'symmetric'`` or ``'wrap'``, with numpy's meaning.

    Differences from Keras: an int or a single pair pads every axis, and ``'symmetric'``
    mirrors including the edge, as numpy and Keras's other backends do; Keras's torch backend
    pads only the last axis there and maps ``'symmetric'`` to ``'edge'``.
    """
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {_PAD_MODES}. Received: mode={mode!r}")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            "pad: constant_values can only be given when mode == 'constant'. "
            f"Received: mode={mode!r}"
        )
    x = to_tensor(x)
    pairs = _pad_widths(pad_width, x.dim())
    if builtins.any(p < 0 for pair in pairs for p in pair):
        raise ValueError(f"pad: pad_width must be non-negative. Received: pad_width={pad_width}")
    if mode == "constant":
        flat = [p for pair in reversed(pairs) for p in pair]
        return F.pad(x, flat, value=0 if constant_values is None else constant_values)
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            x = _pad_axis(x, axis, before, after, mode)
    return x


def _pad_axis(x: Tensor, axis: int, before: int, after: int, mode: str) -> Tensor:
    n = x.shape[axis]
    limit = n - 1 if mode == "reflect" else n
    if builtins.max(before, after) > limit:
        raise ValueError(
            f"pad: mode={mode!r} can pad axis {axis} of size {n} by at most {limit}. Received: "
            f"({before}, {after})."
        )
    if mode == "edge":
        left = x.narrow(axis, 0, 1).expand(*x.shape[:axis], before, *x.shape[axis + 1 :])
        right = x.narrow(axis, n - 1, 1).expand(*x.shape[:axis], after, *x.shape[axis + 1 :])
    elif mode == "wrap":
        left, right = x.narrow(axis, n - before, before), x.narrow(axis, 0, after)
    else:
        skip = 1 if mode == "reflect" else 0
        left = x.narrow(axis, skip, before).flip(axis)
        right = x.narrow(axis, n - after - skip, after).flip(axis)
    return torch.cat([left, x, right], dim=axis)


def size(x):
    """The number of elements of ``x``, as an int64 scalar tensor."""
    x = to_tensor(x)
    return torch.full((), x.numel(), dtype=torch.int64, device=x.device)


def ndim(x):
    """The number of axes of ``x``."""
    return to_tensor(x).dim()


def get_item(x, key):
    """``x[key]``."""
    if isinstance(key, list) and any(isinstance(k, (slice, type(None), type(...))) for k in key):
        key = tuple(key)  # a multi-axis key read back from a .keras file (JSON has no tuples)
    return to_tensor(x)[key]


def unravel_index(indices, shape):
    """The coordinates in an array of ``shape`` of the flat ``indices``, as a tuple."""
    indices = to_tensor(indices)
    dt = result_type(indices.dtype)
    return tuple(i.to(torch_dtype(dt)) for i in torch.unravel_index(indices, tuple(shape)))


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    return torch.diff(to_tensor(a), n=n, dim=axis)


def copy(x):
    """A copy of ``x``."""
    return torch.clone(to_tensor(x))
