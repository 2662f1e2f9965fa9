"""Core ops: conversion, casting, shapes and dtypes, gradients, slicing, scatter, control flow.

Control-flow ops (``cond``, ``switch``, ``while_loop``, ``fori_loop``, ``map``, ``scan``) run
eagerly as Python control flow, as on Keras's torch backend; a tensor predicate or index is
read on the host (one device sync per decision).
"""

from __future__ import annotations

import builtins

import numpy as np
import torch
from torch.utils import _pytree as pytree

from tkeras.ops._common import Tensor, dtype_name, to_tensor, torch_dtype


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tensor from a tensor, array, list or Python scalar, with Keras's default dtypes.

    Python ints become int32, floats floatx, bools bool; numpy arrays keep their dtype.
    Tensors stay on their device; new tensors go on ``tkeras.config.device()``.
    """
    if sparse:
        raise ValueError("convert_to_tensor: sparse=True is not supported by tkeras (torch).")
    if ragged:
        raise ValueError("convert_to_tensor: ragged=True is not supported by tkeras (torch).")
    return to_tensor(x, dtype=dtype)


def convert_to_numpy(x):
    """A numpy array from a tensor (detached, copied to the host) or an array-like.

    Differences from Keras: a bfloat16 tensor becomes a float32 array (Keras returns an
    ml_dtypes bfloat16 array).
    """
    if isinstance(x, (list, tuple)):
        return np.array([convert_to_numpy(e) for e in x])
    if isinstance(x, Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        return x.cpu().numpy()
    return np.array(x)


def is_tensor(x):
    """Whether ``x`` is a (torch) tensor."""
    return isinstance(x, Tensor)


def cast(x, dtype):
    """``x`` converted to ``dtype`` (a no-op when it already has it)."""
    dt = torch_dtype(dtype)
    if isinstance(x, Tensor):
        return x if x.dtype == dt else x.to(dt)
    return to_tensor(x, dtype=dt)


def saturate_cast(x, dtype):
    """``x`` cast to ``dtype`` after clipping it to the range ``dtype`` can hold."""
    x = to_tensor(x)
    out = torch_dtype(dtype)
    lo_in, hi_in = _limits(x.dtype)
    lo_out, hi_out = _limits(out)
    # The output bounds, as values of the input dtype, nudged inwards if rounding moved them
    # outside the output range.
    lo = torch.tensor(max(lo_in, lo_out), dtype=torch.float64).to(x.dtype)
    hi = torch.tensor(min(hi_in, hi_out), dtype=torch.float64).to(x.dtype)
    if x.is_floating_point():
        zero = torch.zeros((), dtype=x.dtype)
        if lo.double() < lo_out:
            lo = torch.nextafter(lo, zero)
        if hi.double() > hi_out:
            hi = torch.nextafter(hi, zero)
    return torch.clamp(x, lo.item(), hi.item()).to(out)


def _limits(dt: torch.dtype) -> tuple[float, float]:
    if dt == torch.bool:
        return 0, 1
    info = torch.finfo(dt) if dt.is_floating_point else torch.iinfo(dt)
    return info.min, info.max


def shape(x):
    """The shape of ``x`` as a tuple of ints (``None`` for a KerasTensor's unknown dims)."""
    from tkeras.models.symbolic import KerasTensor, SymbolicShape

    if x.__class__ is KerasTensor:
        return SymbolicShape(x)
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def dtype(x):
    """The Keras name of ``x``'s dtype, e.g. ``'float32'``."""
    return dtype_name(x.dtype)


def stop_gradient(variable):
    """``variable``'s value, cut from the autograd graph (``detach``)."""
    return to_tensor(variable).detach()


def slice(inputs, start_indices, shape):
    """The block of ``inputs`` of ``shape`` starting at ``start_indices``."""
    inputs = to_tensor(inputs)
    if all(isinstance(s, int) for s in start_indices) and all(isinstance(s, int) for s in shape):
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, shape))]
    out = inputs
    for axis, (start, length) in enumerate(zip(start_indices, shape)):
        out = torch.narrow(out, axis, start, int(length))
    return out


def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    inputs = to_tensor(inputs)
    updates = to_tensor(updates, device=inputs.device)
    out = inputs.clone()
    if all(isinstance(s, int) for s in start_indices):
        out[tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, updates.shape))] = updates
        return out
    # Tensor start indices: index_put_ on an index grid, so the host never reads them.
    starts = to_tensor(start_indices, device=inputs.device).long()
    ranges = [
        torch.arange(n, device=inputs.device) + starts[axis] for axis, n in enumerate(updates.shape)
    ]
    grid = torch.meshgrid(*ranges, indexing="ij")
    return out.index_put_(tuple(g.reshape(-1) for g in grid), updates.reshape(-1))


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates add up)."""
    values = to_tensor(values)
    indices = to_tensor(indices, device=values.device).long()
    out = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth)
    values = values.reshape((-1, *tuple(shape)[depth:]))
    return out.index_put_(tuple(flat.unbind(-1)), values, accumulate=True)


_REDUCTIONS = {"max": "amax", "min": "amin", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction=None):
    """A copy of ``inputs`` with ``updates`` written (or reduced) at ``indices``.

    ``reduction``: None (overwrite), ``'add'``, ``'max'``, ``'min'`` or ``'mul'``; each is one
    vectorized torch op (Keras's torch backend loops over the indices for max/min/mul, and
    its result there cannot be differentiated).
    """
    if reduction is not None:
        reduction = reduction.lower()
        if reduction not in ("add", "max", "min", "mul"):
            raise ValueError(
                f"scatter_update: invalid reduction={reduction!r}. Supported values are "
                "None, 'add', 'max', 'min', 'mul'."
            )
    inputs = to_tensor(inputs)
    indices = to_tensor(indices, device=inputs.device).long()
    updates = to_tensor(updates, dtype=inputs.dtype, device=inputs.device)
    out = inputs.clone()
    index = tuple(indices.unbind(-1))
    if reduction is None or reduction == "add":
        return out.index_put_(index, updates, accumulate=reduction == "add")
    # max/min/mul: reduce along a flattened leading block of the indexed axes.
    depth = indices.shape[-1]
    lead = inputs.shape[:depth]
    strides = torch.tensor(
        [int(np.prod(lead[i + 1 :])) for i in range(depth)], device=inputs.device
    )
    flat_index = (indices.reshape(-1, depth) * strides).sum(-1)
    flat = out.reshape((-1, *inputs.shape[depth:]))
    src = updates.reshape((-1, *inputs.shape[depth:]))
    index = flat_index.reshape((-1,) + (1,) * (src.dim() - 1)).expand_as(src)
    flat = flat.scatter_reduce(0, index, src, _REDUCTIONS[reduction], include_self=True)
    return flat.reshape(inputs.shape)


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a tuple.

    Differences from Keras: a ``num`` that differs from ``x.shape[axis]`` raises (Keras's torch
    backend ignores ``num``).
    """
    x = to_tensor(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(
            f"unstack: num={num} does not match x.shape[{axis}]={x.shape[axis]} "
            f"(x.shape={tuple(x.shape)})."
        )
    return x.unbind(axis)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()`` (a tensor ``pred`` is read on the host)."""
    return true_fn() if bool(pred) else false_fn()


def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clipped to the valid range."""
    i = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``."""
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    loop_vars = pytree.tree_map(to_tensor, loop_vars)
    step = 0
    while (maximum_iterations is None or step < maximum_iterations) and bool(cond(*loop_vars)):
        out = body(*loop_vars)
        loop_vars = tuple(out) if isinstance(out, (list, tuple)) else (out,)
        step += 1
    return loop_vars if is_tuple else loop_vars[0]


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Carry ``init`` through ``f(carry, x)`` over the leading axis of ``xs``; stack the ys."""
    if not callable(f):
        raise TypeError(f"scan: f should be a callable. Received: f={f!r}")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(
            f"scan: unroll must be a positive integer or boolean. Received: unroll={unroll!r}"
        )
    if xs is None and length is None:
        raise ValueError("scan: got no xs to scan over and length is not provided.")
    if xs is None:
        flat_xs, xs_spec, n = [], None, int(length)
    else:
        flat_xs, xs_spec = pytree.tree_flatten(xs)
        flat_xs = [to_tensor(e) for e in flat_xs]
        n = int(length) if length is not None else flat_xs[0].shape[0]
    carry = pytree.tree_map(to_tensor, init)
    ys = []
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for i in steps:
        x = pytree.tree_unflatten([e[i] for e in flat_xs], xs_spec) if flat_xs else None
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        zeros = pytree.tree_map(torch.zeros_like, carry)
        stacked = pytree.tree_map(lambda z: torch.stack([z] * n), zeros)
        return carry, stacked
    flat_ys = [pytree.tree_flatten(y)[0] for y in ys]
    spec = pytree.tree_flatten(ys[0])[1]
    return carry, pytree.tree_unflatten([torch.stack(list(g)) for g in zip(*flat_ys)], spec)


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its leading axis, the results stacked."""
    return scan(lambda _, x: ((), f(x)), (), xs)[1]


def vectorized_map(function, elements):
    """``function`` mapped over the leading axis of ``elements`` with ``torch.vmap``."""
    return torch.vmap(function)(elements)


def custom_gradient(f):
    """Decorate ``f(*args) -> (output, grad_fn)`` so backprop calls ``grad_fn(*args, upstream)``."""

    class _Fn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *args):
            ctx.save_for_backward(*args)
            output, ctx.grad_fn = f(*args)
            return output

        @staticmethod
        def backward(ctx, upstream):
            grads = ctx.grad_fn(*ctx.saved_tensors, upstream=upstream)
            return grads if isinstance(grads, tuple) else (grads,)

    def wrapper(*args):
        return _Fn.apply(*args)

    return wrapper


# keras.ops.core holds these too (explicit re-exports).
from tkeras.ops.core_scan import associative_scan as associative_scan  # noqa: E402
