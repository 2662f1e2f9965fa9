"""Products and matrix-structure ops of ``keras.ops``: matmul, dot, einsum, trace, tril, ...

Integer products follow Keras's dtypes (int8 x int8 -> int32; otherwise Keras's promotion,
which narrows 64-bit results to 32 bits). Where torch has no integer kernel (products on CUDA
and MPS, float16 matmul on CPU) the product is computed in a float dtype and cast back.
"""

from __future__ import annotations

import torch

from tkeras import config
from tkeras.ops._common import cast, result_type, tensors, to_tensor


def _compute_dtype(result: str, device: torch.device, floats_only: bool) -> str:
    compute = result_type(result, float) if floats_only else result
    if compute == "bool":
        compute = config.floatx()
    if compute == "float16" and device.type == "cpu":
        compute = "float32"
    if device.type != "cpu" and ("int" in compute):
        compute = config.floatx()
    return compute


def matmul(x1, x2):
    """The matrix product of ``x1`` and ``x2`` (batched over leading axes)."""
    a, b = tensors(x1, x2)
    if a.dtype == b.dtype and (
        a.dtype in (torch.float32, torch.bfloat16)
        or (a.dtype == torch.float16 and a.device.type != "cpu")
    ):
        return torch.matmul(a, b)  # the common case: no promotion, no casts
    if a.dtype == torch.int8 and b.dtype == torch.int8:
        result = "int32"
    else:
        result = result_type(a.dtype, b.dtype)
    compute = _compute_dtype(result, a.device, floats_only=False)
    return cast(torch.matmul(cast(a, compute), cast(b, compute)), result)


def _float_product(fn, x1, x2):
    a, b = tensors(x1, x2)
    result = result_type(a.dtype, b.dtype)
    compute = _compute_dtype(result, a.device, floats_only=True)
    return cast(fn(cast(a, compute), cast(b, compute)), result)


def dot(x1, x2):
    """The dot product: a matrix product, or a multiplication when one operand is a scalar.

    Differences from numpy: for operands of rank > 2 this is ``matmul``, as on Keras's torch
    backend (numpy sums over the last axis of ``x1`` and the second-to-last of ``x2``).
    """

    def fn(a, b):
        return a * b if a.dim() == 0 or b.dim() == 0 else torch.matmul(a, b)

    return _float_product(fn, x1, x2)


def vdot(x1, x2):
    """The dot product of ``x1`` and ``x2`` flattened (conjugating ``x1``).

    Differences from Keras: inputs of rank > 1 are flattened, as in numpy (Keras's torch
    backend raises).
    """
    return _float_product(lambda a, b: torch.vdot(a.reshape(-1), b.reshape(-1)), x1, x2)


def inner(x1, x2):
    """The inner product over the last axes of ``x1`` and ``x2``."""
    return _float_product(torch.inner, x1, x2)


def tensordot(x1, x2, axes=2):
    """The sum of products over ``axes`` (an int, or a pair of axis lists)."""
    if isinstance(axes, (list, tuple)):
        first, second = axes
        axes = (
            tuple(first) if isinstance(first, (list, tuple)) else (first,),
            tuple(second) if isinstance(second, (list, tuple)) else (second,),
        )
    return _float_product(lambda a, b: torch.tensordot(a, b, dims=axes), x1, x2)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over ``operands`` as written in ``subscripts``.

    Differences from Keras: keyword arguments raise (Keras's torch backend ignores them).
    """
    if kwargs:
        raise ValueError(f"einsum: unexpected keyword arguments {sorted(kwargs)}.")
    first = next((o for o in operands if isinstance(o, torch.Tensor)), None)
    device = None if first is None else first.device
    ops = [to_tensor(o, device=device) for o in operands]
    if ops and all(o.dtype == torch.int8 for o in ops):
        compute = torch.int32 if ops[0].device.type == "cpu" else config.floatx_torch()
        return torch.einsum(subscripts, *(o.to(compute) for o in ops)).to(torch.int32)
    return torch.einsum(subscripts, *ops)


def outer(x1, x2):
    """The outer product of ``x1`` and ``x2`` flattened."""
    a, b = tensors(x1, x2)
    return torch.outer(a.reshape(-1), b.reshape(-1))


def kron(x1, x2):
    """The Kronecker product."""
    return torch.kron(*tensors(x1, x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors along ``axis`` (default: the last axis)."""
    if axisa != -1 or axisb != -1 or axisc != -1:
        raise ValueError(
            "cross: axisa, axisb and axisc are not supported; use axis. Received: "
            f"axisa={axisa}, axisb={axisb}, axisc={axisc}."
        )
    a, b = tensors(x1, x2)
    result = result_type(a.dtype, b.dtype)
    compute = result
    if (result == "float16" and a.device.type == "cpu") or (
        result == "bfloat16" and a.device.type == "cuda"
    ):
        compute = "float32"
    out = torch.linalg.cross(cast(a, compute), cast(b, compute), dim=-1 if axis is None else axis)
    return cast(out, result)


def trace(x, offset=0, axis1=0, axis2=1):
    """The sum along a diagonal (bool and small ints sum to int32)."""
    x = to_tensor(x)
    dt = x.dtype
    if dt in (torch.bool, torch.int8, torch.int16, torch.uint8):
        dt = torch.int32
    return torch.sum(torch.diagonal(x, offset, axis1, axis2), dim=-1, dtype=dt)


def diag(x, k=0):
    """The ``k``-th diagonal of a matrix, or a matrix with 1-D ``x`` on that diagonal."""
    return torch.diag(to_tensor(x), diagonal=k)


def diagflat(x, k=0):
    """A matrix with ``x`` flattened on its ``k``-th diagonal."""
    return torch.diagflat(to_tensor(x), offset=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of ``x`` in the plane of ``axis1`` and ``axis2``, as the last axis."""
    x = to_tensor(x)
    if axis1 % x.dim() == axis2 % x.dim():
        raise ValueError(
            f"diagonal: axis1 and axis2 cannot be the same. Received: axis1={axis1}, axis2={axis2}"
        )
    return torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2)


def tril(x, k=0):
    """``x`` with the elements above the ``k``-th diagonal set to zero."""
    return torch.tril(to_tensor(x), diagonal=k)


def triu(x, k=0):
    """``x`` with the elements below the ``k``-th diagonal set to zero."""
    return torch.triu(to_tensor(x), diagonal=k)
