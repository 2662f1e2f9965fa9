"""Tensor creation ops of ``keras.ops``: zeros, ones, full, arange, linspace, eye, meshgrid, ...

New tensors go on ``tkeras.config.device()``; ``*_like`` ops use the device of ``x``. A
``dtype`` of None means floatx (``full`` included, as in Keras), except in ``arange``,
``linspace`` and ``logspace``, which take Keras's promotion of their arguments' types.
"""

from __future__ import annotations

import builtins

import torch

from tkeras import config
from tkeras.ops._common import Tensor, dtype_of, result_type, to_tensor, torch_dtype


def _shape(shape) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


def zeros(shape, dtype=None):
    """A tensor of zeros."""
    return torch.zeros(_shape(shape), dtype=torch_dtype(dtype), device=config.device())


def ones(shape, dtype=None):
    """A tensor of ones."""
    return torch.ones(_shape(shape), dtype=torch_dtype(dtype), device=config.device())


def empty(shape, dtype=None):
    """An uninitialized tensor."""
    return torch.empty(_shape(shape), dtype=torch_dtype(dtype), device=config.device())


def _filled(shape, fill_value, dt: torch.dtype, device) -> Tensor:
    if isinstance(fill_value, Tensor):
        # expand + clone fills on the device; torch.full would read the value on the host.
        return fill_value.to(device=device, dtype=dt).expand(shape).clone()
    if isinstance(fill_value, (list, tuple)) or hasattr(fill_value, "shape"):
        return to_tensor(fill_value, dtype=dt, device=device).expand(shape).clone()
    return torch.full(shape, fill_value, dtype=dt, device=device)


def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (broadcast if it is an array)."""
    device = fill_value.device if isinstance(fill_value, Tensor) else config.device()
    return _filled(_shape(shape), fill_value, torch_dtype(dtype), device)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and, by default, the dtype) of ``x``."""
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=None if dtype is None else torch_dtype(dtype))


def ones_like(x, dtype=None):
    """Ones with the shape (and, by default, the dtype) of ``x``."""
    x = to_tensor(x)
    return torch.ones_like(x, dtype=None if dtype is None else torch_dtype(dtype))


def empty_like(x, dtype=None):
    """An uninitialized tensor with the shape (and, by default, the dtype) of ``x``."""
    x = to_tensor(x)
    return torch.empty_like(x, dtype=None if dtype is None else torch_dtype(dtype))


def full_like(x, fill_value, dtype=None):
    """``fill_value`` in the shape (and, by default, the dtype) of ``x``."""
    x = to_tensor(x)
    dt = x.dtype if dtype is None else torch_dtype(dtype)
    return _filled(tuple(x.shape), fill_value, dt, x.device)


def array(x, dtype=None):
    """A tensor from an array-like (as ``convert_to_tensor``)."""
    return to_tensor(x, dtype=dtype)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` when ``stop`` is None)."""
    if dtype is None:
        dtype = result_type(*(dtype_of(v) for v in (start, stop, step) if v is not None))
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    return torch.arange(start, stop, step, dtype=torch_dtype(dtype), device=config.device())


def _spaced(start, stop, num, endpoint, dtype, axis):
    """Evenly spaced values from ``start`` to ``stop``, and the step."""
    if dtype is None:
        dtype = result_type(dtype_of(start), dtype_of(stop), float)
    dt = torch_dtype(dtype)
    device = config.device()
    divisions = (num - 1) if endpoint else num
    if (
        not isinstance(start, Tensor)
        and not hasattr(start, "__len__")
        and (not isinstance(stop, Tensor) and not hasattr(stop, "__len__"))
    ):
        step = (stop - start) / divisions if divisions > 0 else float("nan")
        end = stop if endpoint or num <= 1 else stop - step
        return torch.linspace(start, end, num, dtype=dt, device=device), step
    compute = dt if dt.is_floating_point else config.floatx_torch()
    lo = to_tensor(start, dtype=compute, device=device)
    hi = to_tensor(stop, dtype=compute, device=lo.device)
    lo, hi = torch.broadcast_tensors(lo, hi)
    step = (hi - lo) / divisions if divisions > 0 else torch.full_like(lo, float("nan"))
    fractions = torch.arange(num, dtype=compute, device=lo.device) / builtins.max(divisions, 1)
    out = lo[None] + fractions.reshape((-1,) + (1,) * lo.dim()) * (hi - lo)[None]
    if endpoint and num > 1:
        out[-1] = hi
    return torch.movedim(out, 0, axis).to(dt), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (``stop`` left out if not
    ``endpoint``); arrays of starts and stops give one sequence each, stacked along ``axis``.

    Differences from Keras: ``axis`` other than 0 is supported (Keras's torch backend raises).
    """
    out, step = _spaced(start, stop, num, endpoint, dtype, axis)
    return (out, step) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, ...)``.

    Differences from Keras: ``axis`` other than 0 is supported (Keras's torch backend raises).
    """
    if dtype is None:
        dtype = result_type(dtype_of(start), dtype_of(stop), float)
    dt = torch_dtype(dtype)
    if (
        not isinstance(start, Tensor)
        and not hasattr(start, "__len__")
        and (not isinstance(stop, Tensor) and not hasattr(stop, "__len__"))
    ):
        if not endpoint:
            stop = stop - (stop - start) / num
        compute = torch.float32 if dt == torch.float16 else dt
        out = torch.logspace(start, stop, num, base=base, dtype=compute, device=config.device())
        return out.to(dt)
    exponents, _ = _spaced(start, stop, num, endpoint, None, axis)
    return (base**exponents).to(dt)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the ``k``-th diagonal and zeros elsewhere."""
    for name, v in (("N", N), ("M", M)):
        if isinstance(v, float) or (isinstance(v, Tensor) and v.is_floating_point()):
            raise TypeError(f"eye: {name} must be an integer. Received: {name}={v!r}")
    N = int(N)
    M = N if M is None else int(M)
    k = 0 if k is None else int(k)
    dt = torch_dtype(dtype)
    device = config.device()
    if k == 0:
        return torch.eye(N, M, dtype=dt, device=device)
    size = builtins.max(N, M)
    return torch.diag(torch.ones(size, dtype=dt, device=device), diagonal=k)[:N, :M]


def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix."""
    return torch.eye(int(n), dtype=torch_dtype(dtype), device=config.device())


def tri(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones at and below the ``k``-th diagonal."""
    M = M or N
    return torch.tril(torch.ones((N, M), dtype=torch_dtype(dtype), device=config.device()), k)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors (``indexing``: ``'xy'`` or ``'ij'``)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"meshgrid: indexing must be 'xy' or 'ij'. Received: indexing={indexing!r}"
        )
    return torch.meshgrid([to_tensor(v) for v in x], indexing=indexing)
