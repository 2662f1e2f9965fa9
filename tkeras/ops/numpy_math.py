"""Element-wise arithmetic and math functions of ``keras.ops`` (the numpy family).

Binary ops broadcast. A Python number next to a tensor is handed to torch as a scalar, which
gives Keras's result dtype (int32 tensor + 1.5 -> float32; int8 tensor + 1 -> int8) without a
host-to-device copy. Unary float functions (exp, sqrt, ...) return floatx for int inputs.
"""

from __future__ import annotations

import torch

from tkeras import config
from tkeras.ops._common import (
    Tensor,
    binary,
    cast,
    dtype_of,
    floatx_if_int,
    result_type,
    tensors,
    to_tensor,
)


def add(x1, x2):
    """``x1 + x2``."""
    if isinstance(x2, Tensor) and not isinstance(x1, Tensor):
        x1, x2 = x2, x1  # commutative: keeps a Python number a scalar
    return torch.add(*binary(x1, x2))


def _is_bool(v) -> bool:
    return isinstance(v, bool) or (isinstance(v, Tensor) and v.dtype == torch.bool)


def subtract(x1, x2):
    """``x1 - x2`` (a bool operand takes the other operand's dtype)."""
    if _is_bool(x1) or _is_bool(x2):
        a, b = tensors(x1, x2)
        if a.dtype == torch.bool:
            a = a.to(b.dtype)
        if b.dtype == torch.bool:
            b = b.to(a.dtype)
        return torch.subtract(a, b)
    if isinstance(x2, Tensor) and not isinstance(x1, Tensor):
        y, s = binary(x2, x1)
        return torch.rsub(y, s)  # number - tensor without making the number a tensor
    return torch.subtract(*binary(x1, x2))


def multiply(x1, x2):
    """``x1 * x2``."""
    if isinstance(x2, Tensor) and not isinstance(x1, Tensor):
        x1, x2 = x2, x1  # commutative: keeps a Python number a scalar
    return torch.multiply(*binary(x1, x2))


def divide(x1, x2):
    """``x1 / x2``, true division (ints give floats)."""
    return torch.divide(*binary(x1, x2))


def true_divide(x1, x2):
    """``x1 / x2``, true division (ints give floats)."""
    return divide(x1, x2)


def _numbers_or_tensors(x1, x2):
    """Python numbers stay numbers (weak types for ``result_type``); the rest become tensors."""
    anchor = x1 if isinstance(x1, Tensor) else x2 if isinstance(x2, Tensor) else None
    device = None if anchor is None else anchor.device
    x1 = x1 if isinstance(x1, (int, float, Tensor)) else to_tensor(x1, device=device)
    x2 = x2 if isinstance(x2, (int, float, Tensor)) else to_tensor(x2, device=device)
    return x1, x2


def floor_divide(x1, x2):
    """``x1 // x2`` (rounded towards minus infinity), in Keras's promoted dtype."""
    x1, x2 = _numbers_or_tensors(x1, x2)
    out = result_type(dtype_of(x1), dtype_of(x2))
    return cast(torch.floor_divide(*binary(x1, x2)), out)


def divide_no_nan(x1, x2):
    """``x1 / x2``, with 0 wherever ``x2`` is 0."""
    x1, x2 = _numbers_or_tensors(x1, x2)
    dt = result_type(dtype_of(x1), dtype_of(x2), float)
    a, b = tensors(x1, x2)
    a, b = cast(a, dt), cast(b, dt)
    zero = b == 0
    return torch.where(
        zero,
        torch.zeros((), dtype=b.dtype, device=b.device),
        a / torch.where(zero, torch.ones((), dtype=b.dtype, device=b.device), b),
    )


def _remainder_operands(x1, x2):
    a, b = binary(x1, x2)
    if not isinstance(a, Tensor):
        a = to_tensor(a, device=b.device)
    if a.dtype == torch.bool and (isinstance(b, bool) or getattr(b, "dtype", None) == torch.bool):
        return a.to(torch.int32), to_tensor(b, device=a.device).to(torch.int32)
    return a, b


def mod(x1, x2):
    """``x1 % x2``, with the sign of ``x2`` (numpy's remainder)."""
    return torch.remainder(*_remainder_operands(x1, x2))


def fmod(x1, x2):
    """The C-style remainder of ``x1 / x2``, with the sign of ``x1``."""
    return torch.fmod(*_remainder_operands(x1, x2))


def power(x1, x2):
    """``x1 ** x2``."""
    a, b = binary(x1, x2)
    if not isinstance(a, Tensor):
        a = to_tensor(a, device=b.device)
    return torch.pow(a, b)


def negative(x):
    """``-x``."""
    return torch.negative(to_tensor(x))


def absolute(x):
    """``|x|`` (bool stays bool)."""
    x = to_tensor(x)
    return x if x.dtype == torch.bool else torch.abs(x)


def abs(x):
    """``|x|`` (bool stays bool)."""
    return absolute(x)


def fabs(x):
    """``|x|`` as floats (ints become floatx)."""
    x = to_tensor(x)
    if x.is_complex():
        raise TypeError(f"fabs does not support complex inputs. Received: x.dtype={x.dtype}")
    return torch.abs(floatx_if_int(x))


def sign(x):
    """-1, 0 or 1 by the sign of ``x``."""
    return torch.sign(to_tensor(x))


def signbit(x):
    """Whether the sign bit of ``x`` is set."""
    return torch.signbit(to_tensor(x))


def square(x):
    """``x * x`` (bool becomes int32)."""
    x = to_tensor(x)
    return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)


def sqrt(x):
    """The square root of ``x``."""
    return torch.sqrt(floatx_if_int(to_tensor(x)))


def cbrt(x):
    """The cube root of ``x``."""
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    elif x.dtype == torch.int64:
        x = x.to(torch.float64)
    return torch.sign(x) * torch.abs(x) ** (1.0 / 3.0)


def reciprocal(x):
    """``1 / x``."""
    return torch.reciprocal(to_tensor(x))


def exp(x):
    """``e ** x``."""
    return torch.exp(floatx_if_int(to_tensor(x)))


def exp2(x):
    """``2 ** x``."""
    return torch.exp2(floatx_if_int(to_tensor(x)))


def expm1(x):
    """``exp(x) - 1``, accurate near 0."""
    return torch.expm1(floatx_if_int(to_tensor(x)))


def log(x):
    """The natural logarithm."""
    return torch.log(to_tensor(x))


def log1p(x):
    """``log(1 + x)``, accurate near 0."""
    return torch.log1p(to_tensor(x))


def log2(x):
    """The base-2 logarithm."""
    return torch.log2(to_tensor(x))


def log10(x):
    """The base-10 logarithm."""
    return torch.log10(to_tensor(x))


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))``, computed stably."""
    return _float_binary(torch.logaddexp, x1, x2)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)``, computed stably."""
    return _float_binary(torch.logaddexp2, x1, x2)


def _float_binary(fn, x1, x2):
    a, b = tensors(x1, x2)
    dt = result_type(a.dtype, b.dtype, float)
    compute = dt
    if dt == "float16" and a.device.type == "cpu":
        compute = "float32"
    return cast(fn(cast(a, compute), cast(b, compute)), dt)


def arctan2(x1, x2):
    """The angle of the point ``(x2, x1)``, in radians."""
    return _float_binary(torch.arctan2, x1, x2)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)``."""
    a, b = tensors(x1, x2)
    dt = result_type(a.dtype, b.dtype)
    if dt == "int64":
        dt = "float64"
    elif dt in ("bool", "int8", "int16", "int32", "uint8", "uint16", "uint32"):
        dt = config.floatx()
    return torch.hypot(cast(a, dt), cast(b, dt))


def _rounding_dtype(x: Tensor) -> str:
    return config.floatx() if x.dtype == torch.int64 else result_type(x.dtype, float)


def floor(x):
    """The largest integer not greater than ``x``, as a float."""
    x = to_tensor(x)
    return torch.floor(cast(x, _rounding_dtype(x)))


def ceil(x):
    """The smallest integer not less than ``x``, as a float."""
    x = to_tensor(x)
    return torch.ceil(cast(x, _rounding_dtype(x)))


def trunc(x):
    """``x`` rounded towards zero."""
    x = to_tensor(x)
    return x if x.dtype == torch.bool else torch.trunc(x)


def round(x, decimals=0):
    """``x`` rounded to ``decimals`` places, halves to even (ints keep their dtype)."""
    x = to_tensor(x)
    if x.is_floating_point():
        return torch.round(x, decimals=decimals)
    return torch.round(x.to(config.floatx_torch()), decimals=decimals).to(x.dtype)


def clip(x, x_min, x_max):
    """``x`` limited to ``[x_min, x_max]`` (gradient 0.5 at a bound, as in Keras)."""
    x = to_tensor(x)
    lo = to_tensor(x_min, device=x.device)
    hi = to_tensor(x_max, device=x.device)
    if x.dtype == torch.float16 and x.device.type == "cpu":
        return torch.clip(x.float(), min=lo, max=hi).half()
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clip(x, min=lo, max=hi)


def _promoted(x1, x2):
    x1, x2 = _numbers_or_tensors(x1, x2)
    dt = result_type(dtype_of(x1), dtype_of(x2))
    anchor = x1 if isinstance(x1, Tensor) else x2 if isinstance(x2, Tensor) else None
    device = None if anchor is None else anchor.device
    return to_tensor(x1, dt, device), to_tensor(x2, dt, device)


def maximum(x1, x2):
    """The element-wise maximum (a tie splits the gradient)."""
    return torch.maximum(*_promoted(x1, x2))


def minimum(x1, x2):
    """The element-wise minimum (a tie splits the gradient)."""
    return torch.minimum(*_promoted(x1, x2))


def fmax(x1, x2):
    """The element-wise maximum, ignoring NaNs."""
    return torch.fmax(*_promoted(x1, x2))


def fmin(x1, x2):
    """The element-wise minimum, ignoring NaNs."""
    return torch.fmin(*_promoted(x1, x2))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN and infinities replaced by finite numbers."""
    return torch.nan_to_num(to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)


def gcd(x1, x2):
    """The greatest common divisor of integer ``x1`` and ``x2``."""
    return torch.gcd(*tensors(x1, x2))


def lcm(x1, x2):
    """The least common multiple of integer ``x1`` and ``x2``."""
    return torch.lcm(*tensors(x1, x2))


def heaviside(x1, x2):
    """The Heaviside step of ``x1``, with ``x2`` where ``x1 == 0``."""
    a, b = tensors(x1, x2)
    dt = result_type(a.dtype, b.dtype)
    if dt == "int64":
        dt = "float64"
    elif dt in ("int8", "int16", "int32", "uint8", "uint16", "uint32"):
        dt = config.floatx()
    return torch.heaviside(cast(a, dt), cast(b, dt))
