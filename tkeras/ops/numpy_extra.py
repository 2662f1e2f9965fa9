"""The newer numpy-style ops of ``keras.ops``: complex parts, counting and uniqueness,
windows, correlation, splitting and spacing helpers. Dtypes follow Keras's torch backend."""

from __future__ import annotations

import builtins

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.ops._common import (
    Tensor,
    cast,
    dtype_name,
    dtype_of,
    result_type,
    to_tensor,
    torch_dtype,
)
from tkeras.ops.numpy_create import logspace
from tkeras.ops.numpy_shape import split


def angle(x):
    """The argument (phase angle) of each element; 0 or pi for real inputs."""
    return torch.angle(to_tensor(x))


def conj(x):
    """The complex conjugate (real inputs unchanged)."""
    return torch.conj(to_tensor(x))


def conjugate(x):
    """The complex conjugate (an alias of ``conj``)."""
    return conj(x)


def real(x):
    """The real part of each element."""
    return torch.real(to_tensor(x))


def imag(x):
    """The imaginary part of each element (zeros for real inputs)."""
    x = to_tensor(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def isreal(x):
    """Whether each element has a zero imaginary part."""
    return torch.isreal(to_tensor(x))


def view(x, dtype=None):
    """The same memory seen as ``dtype`` (a bit reinterpretation, as ``Tensor.view``)."""
    return to_tensor(x).view(dtype=torch_dtype(dtype))


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts of each non-negative int in ``x`` (per row for 2-D), weighted by ``weights``.

    Example:
        >>> tkeras.ops.bincount(np.array([0, 1, 1, 3]))
        tensor([1, 2, 0, 1], dtype=torch.int32)
    """
    if sparse:
        raise ValueError("bincount: sparse=True is not supported by tkeras (torch).")
    x = to_tensor(x)
    w = None if weights is None else to_tensor(weights, device=x.device)
    dt = "int32" if w is None else result_type(x.dtype, w.dtype)
    if x.dim() == 2:
        rows = [
            torch.bincount(r, None if w is None else w[i], minlength)
            for i, r in enumerate(x.unbind(0))
        ]
        length = builtins.max(r.shape[0] for r in rows)
        rows = [F.pad(r, (0, length - r.shape[0])) for r in rows]
        return cast(torch.stack(rows), dt)
    return cast(torch.bincount(x, w, minlength), dt)


def nonzero(x):
    """The indices of the non-zero elements: one int32 tensor per axis, as a tuple-like
    ``(ndim, count)`` tensor (reads values on the host: the count is data-dependent)."""
    return torch.nonzero(to_tensor(x)).T.to(torch.int32)


def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The unique values of ``x`` (along ``axis``), optionally with first indices, inverse
    indices and counts; ``size`` pads (with ``fill_value``, default 0) or truncates to a fixed
    length. Reads values on the host (the count is data-dependent).
    """
    x = to_tensor(x)
    out = torch.unique(
        x,
        sorted=sorted,
        return_inverse=return_inverse or return_index,
        return_counts=return_counts,
        dim=axis,
    )
    out = list(out) if isinstance(out, tuple) else [out]
    values = out[0]
    dim = 0 if axis is None else axis % x.dim()
    first = None
    if return_index:
        inverse = out[1]
        positions = torch.arange(inverse.shape[0], dtype=inverse.dtype, device=inverse.device)
        first = inverse.new_empty(values.shape[dim]).scatter_reduce_(
            0, inverse, positions, reduce="min", include_self=False
        )
    if size is not None:
        count = values.shape[dim]
        if count > size:
            values = values.narrow(dim, 0, size)
            if return_counts:
                out[-1] = out[-1][:size]
            if first is not None:
                first = first[:size]
        elif count < size:
            pads = [0, 0] * values.dim()
            pads[(values.dim() - 1 - dim) * 2 + 1] = size - count
            values = F.pad(values, pads, value=0 if fill_value is None else fill_value)
            if return_counts:
                out[-1] = F.pad(out[-1], (0, size - count))
            if first is not None:
                first = F.pad(first, (0, size - count), value=1)
    out[0] = values
    if return_index and return_inverse:
        out.insert(1, first)
    elif return_index:
        out[1] = first
    return out[0] if len(out) == 1 else tuple(out)


def histogram(x, bins=10, range=None):
    """``(counts, bin_edges)`` of the values of 1-D ``x`` in ``bins`` equal bins over
    ``range`` (default: the data's min and max)."""
    x = to_tensor(x)
    if x.dim() != 1:
        raise ValueError(f"histogram: x must be 1-D. Received: x.shape={tuple(x.shape)}")
    if not isinstance(bins, int) or bins <= 0:
        raise ValueError(f"histogram: bins must be a positive int. Received: bins={bins!r}")
    result = torch.histogram(x.cpu(), bins=bins, range=range)
    return result.hist.to(x.device), result.bin_edges.to(x.device)


def argpartition(x, kth, axis=-1):
    """Indices that partition ``x`` along ``axis``: the ``kth`` smallest first (int32).

    The order within each side follows Keras's torch backend (top-k order).
    """
    x = to_tensor(x, "int32") if not isinstance(x, Tensor) else x.to(torch.int32)
    if axis is None:
        x, axis = x.reshape(-1), 0
    x = x.transpose(axis, -1)
    bottom = torch.topk(-x, kth + 1)[1]
    rest = torch.ones_like(x, dtype=torch.int32).scatter(-1, bottom, 0)
    top = torch.topk(rest, x.shape[-1] - kth - 1)[1]
    return torch.cat([bottom, top], dim=-1).transpose(-1, axis).to(torch.int32)


def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(config.floatx_torch())
    elif x.dtype == torch.int64:
        x = x.to(torch.float64)
    return torch.corrcoef(x)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences (``mode``: 'valid', 'same' or 'full')."""
    a = to_tensor(x1)
    b = to_tensor(x2, device=a.device)
    dt = result_type(a.dtype, b.dtype)
    dt = (
        "float64"
        if dt == "int64"
        else dt
        if dt in ("bfloat16", "float16", "float64")
        else "float32"
    )
    a, b = cast(a, dt), cast(b, dt)
    la, lb = a.shape[-1], b.shape[-1]
    out = F.conv1d(a.reshape(1, 1, -1), b.reshape(1, 1, -1), padding=lb - 1).reshape(-1)
    if mode == "valid":
        n = builtins.max(la, lb) - builtins.min(la, lb) + 1
        start = (out.shape[-1] - n) // 2
        out = out[start : start + n]
    elif mode == "same":
        start = (out.shape[-1] - la) // 2
        out = out[start : start + la]
    elif mode != "full":
        raise ValueError(
            f"correlate: mode must be 'valid', 'same' or 'full'. Received: mode={mode!r}"
        )
    return out


def dsplit(x, indices_or_sections):
    """``x`` cut depth-wise (along axis 2)."""
    return split(x, indices_or_sections, axis=2)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` numbers spaced evenly on a log scale from ``start`` to ``stop``."""
    if axis != 0:
        raise ValueError(
            f"geomspace: only axis=0 is supported (as Keras's torch backend). Received: axis={axis}"
        )
    if dtype is None:
        dtype = result_type(dtype_of(start), dtype_of(stop), float)
    dt = torch_dtype(dtype)
    start_t, stop_t = to_tensor(start, dtype=dt), to_tensor(stop, dtype=dt)
    out = logspace(torch.log10(start_t.abs()), torch.log10(stop_t.abs()), num, endpoint, 10, dtype)
    return out * torch.sign(start_t)


def _window(fn, x, **kwargs):
    n = int(to_tensor(x)) if isinstance(x, Tensor) else int(x)
    return fn(n, dtype=config.floatx_torch(), device=config.device(), **kwargs)


def bartlett(x):
    """The Bartlett (triangular) window of ``x`` points."""
    return _window(torch.signal.windows.bartlett, x)


def blackman(x):
    """The Blackman window of ``x`` points."""
    return _window(torch.signal.windows.blackman, x)


def hamming(x):
    """The Hamming window of ``x`` points."""
    return _window(torch.signal.windows.hamming, x)


def hanning(x):
    """The Hann window of ``x`` points."""
    return _window(torch.signal.windows.hann, x)


def kaiser(x, beta):
    """The Kaiser window of ``x`` points with shape parameter ``beta``."""
    return _window(torch.signal.windows.kaiser, x, beta=float(beta))


def i0(x):
    """The modified Bessel function of the first kind, order 0."""
    x = to_tensor(x)
    name = dtype_name(x.dtype)
    if name in ("int64", "float64"):
        name = "float64"
    elif name not in ("bfloat16", "float16"):
        name = config.floatx()
    return torch.i0(cast(x, name))


def ldexp(x1, x2):
    """``x1 * 2 ** x2`` for an integer exponent ``x2``."""
    a = to_tensor(x1)
    b = to_tensor(x2, device=a.device)
    if b.is_floating_point() or b.is_complex() or b.dtype == torch.bool:
        raise TypeError(
            f"ldexp exponent must be an integer type. Received: x2 dtype={dtype_name(b.dtype)}"
        )
    return cast(torch.ldexp(a, b), result_type(a.dtype, b.dtype, float))


def nextafter(x1, x2):
    """The next float after ``x1`` towards ``x2`` (computed in float64, as Keras)."""
    a = to_tensor(x1)
    b = to_tensor(x2, device=a.device)
    dt = result_type(a.dtype, b.dtype, float)
    return cast(torch.nextafter(a.to(torch.float64), b.to(torch.float64)), dt)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule (sample points ``x`` or
    spacing ``dx``)."""
    y = to_tensor(y)
    if y.dtype == torch.bool:
        y = y.to(config.floatx_torch())
    if x is not None:
        return torch.trapz(y, x=to_tensor(x, device=y.device), dim=axis)
    return torch.trapz(y, dx=float(dx), dim=axis)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D ``x`` (powers decreasing unless ``increasing``)."""
    x = to_tensor(x)
    return cast(torch.vander(x, N=N, increasing=increasing), result_type(x.dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """A function mapping ``pyfunc`` over the leading axis of its tensor arguments (vmap).

    Differences from Keras: ``signature`` (numpy's gufunc signature) is not supported and
    raises NotImplementedError.
    """
    if signature is not None:
        raise NotImplementedError(f"vectorize: signature={signature!r} is not supported by tkeras.")
    excluded = set(excluded or ())

    def wrapped(*args, **kwargs):
        mapped = [i for i, a in enumerate(args) if i not in excluded]
        tensors = [to_tensor(args[i]) for i in mapped]
        if tensors and tensors[0].dim() == 0:
            return pyfunc(*args, **kwargs)
        shape = torch.broadcast_shapes(*(t.shape for t in tensors))
        tensors = [t.broadcast_to(shape) for t in tensors]

        def call(*elems):
            full = list(args)
            for i, e in zip(mapped, elems):
                full[i] = e
            return pyfunc(*full, **kwargs)

        fn = call
        for _ in shape:
            fn = torch.vmap(fn)
        return fn(*tensors)

    return wrapped
