"""tkeras.ops against keras.ops (torch backend): one table of cases, one parity test over it.

Each case calls ``tkeras.ops.<name>`` and ``keras.ops.<name>`` with the same arguments and
compares the outputs (values to 1e-5, shapes, dtype names) and, for a float first argument,
the gradient with respect to it. A meta test checks that every exported op has a case and
Keras's signature. Where tkeras deliberately differs from Keras's torch backend, a test pins
tkeras's behaviour with hand-computed values.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import ops

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:keras.*")

RTOL = ATOL = 1e-5
RNG = np.random.default_rng(0)


# ---------------------------------------------------------------------------------------------
# Inputs. Arrays become torch tensors unless wrapped in NP (then both libraries get numpy).


@dataclasses.dataclass
class NP:
    array: np.ndarray


def F(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype("float32")


def POS(*shape):
    return RNG.uniform(0.5, 2.0, shape).astype("float32")


def UNIT(*shape):
    return RNG.uniform(-0.9, 0.9, shape).astype("float32")


def I32(*shape, lo=0, hi=5):
    return RNG.integers(lo, hi, shape).astype("int32")


def I64(*shape, lo=0, hi=5):
    return RNG.integers(lo, hi, shape).astype("int64")


def B(*shape):
    return RNG.random(shape) > 0.5


def SPD(n):
    a = F(n, n)
    return (a @ a.T + n * np.eye(n)).astype("float32")


@dataclasses.dataclass
class Case:
    name: str
    args: tuple
    kwargs: dict
    dtype: bool = True  # compare dtype names
    grad: bool = True  # compare the gradient w.r.t. a float first argument
    id: str = ""


CASES: list[Case] = []


def C(name, *args, _dtype=True, _grad=True, **kwargs):
    n = sum(c.name == name for c in CASES)
    CASES.append(Case(name, args, kwargs, _dtype, _grad, f"{name}-{n}"))


# --- core
C("convert_to_tensor", F(2, 3))
C("convert_to_tensor", NP(F(2, 3).astype("float64")))
C("convert_to_tensor", [1, 2, 3])
C("convert_to_tensor", [1.0, 2])
C("convert_to_tensor", 3)
C("convert_to_tensor", 2.5)
C("convert_to_tensor", True)
C("convert_to_tensor", [[True, False]])
C("convert_to_tensor", NP(I64(3)), dtype="float16")
C("convert_to_tensor", NP(np.array([1, 2], dtype="uint8")))
C("convert_to_numpy", F(2, 3))
C("is_tensor", F(2))
C("is_tensor", NP(F(2)))
C("cast", F(2, 3), "int32")
C("cast", I32(4), "float32")
C("cast", B(3), "float16")
C("saturate_cast", F(6, scale=300.0), "int8")
C("saturate_cast", F(4, scale=1e5), "float16")
C("shape", F(2, 3, 4))
C("dtype", I32(2))
C("stop_gradient", F(2, 3))
C("slice", F(4, 5), (1, 2), (2, 3))
C("slice", F(4, 5), np.array([1, 0]), (3, 2))
C("slice_update", F(4, 5), (1, 2), F(2, 2))
C("slice_update", F(4, 5), np.array([2, 1], dtype="int32"), F(2, 3), _grad=False)
C("scatter", np.array([[0, 1], [2, 2], [0, 1]]), F(3), (3, 3))
C("scatter", np.array([[1], [0]]), F(2, 4), (3, 4))
C("scatter_update", F(3, 3), np.array([[0, 1], [2, 2]]), F(2))
C("scatter_update", F(4, 2), np.array([[1], [3]]), F(2, 2), reduction="add")
C("scatter_update", F(4, 2), np.array([[1], [1]]), F(2, 2), reduction="max", _grad=False)
C("scatter_update", F(3, 3), np.array([[0, 1], [0, 1]]), F(2), reduction="min", _grad=False)
C("scatter_update", F(3, 3), np.array([[0, 1], [2, 0]]), F(2), reduction="mul", _grad=False)
C("unstack", F(3, 2), axis=1)
C("unstack", F(2, 3), num=2)
C("cond", True, lambda: torch.ones(2), lambda: torch.zeros(2))
C("cond", np.array(False), lambda: torch.ones(2), lambda: torch.zeros(2))
C("switch", 5, [lambda x: x + 1, lambda x: x * 2], F(3))
C("switch", np.array(0), [lambda x: x + 1, lambda x: x * 2], F(3))
C("while_loop", lambda i, s: i < 4, lambda i, s: (i + 1, s * 2), (0, np.ones(2, "float32")))
C("while_loop", lambda i: i < 10, lambda i: i + 3, 0, maximum_iterations=2)
C("fori_loop", 0, 4, lambda i, v: v + i, F(2))
C("map", lambda x: x * 2 + 1, F(4, 2))
C("scan", lambda c, x: (c + x, c * x), F(2), F(3, 2))
C("scan", lambda c, x: (c + x, None), F(2), F(3, 2), reverse=True)
C("scan", lambda c, x: (c * 2, c), F(2), length=3)
C("vectorized_map", lambda x: torch.sum(x * x), F(4, 3))
C("custom_gradient", lambda x: (x * 3, lambda x, upstream: upstream * 10))

# --- arithmetic
for op in ("add", "subtract", "multiply", "divide", "true_divide"):
    C(op, F(2, 3), F(3))
    C(op, I32(2, 3), 2)
    C(op, I32(3), 1.5)
    C(op, I64(3), I32(3))
C("add", B(3), 1)
C("add", np.int8([1, 2]), np.uint8([3, 4]))
C("add", 1, 2)
C("add", F(2), NP(np.ones(2, "float64")))
C("subtract", B(3), I32(3))
C("multiply", B(3), True)
C("divide", 7, F(3))
for op in ("floor_divide", "mod", "fmod"):
    C(op, F(2, 3, scale=5), POS(3), _grad=False)
    C(op, I32(4, lo=-5), 3)
    C(op, I64(3, lo=1), I64(3, lo=1))
C("floor_divide", I32(3), 2.0)
C("mod", B(3), B(3) | True)
C("divide_no_nan", F(4), np.array([0.0, 1.0, 2.0, 0.0], "float32"))
C("divide_no_nan", I32(3), I32(3))
C("power", POS(3), F(3))
C("power", F(3), 2)
C("power", I32(3), 2)
C("power", 2, F(3))
C("negative", F(3))
C("negative", I32(3))
for op in ("abs", "absolute", "fabs"):
    C(op, F(2, 3))
    C(op, I32(3, lo=-3))
C("abs", B(3))
C("sign", F(4))
C("sign", I32(4, lo=-3))
C("signbit", F(4))
C("square", F(3))
C("square", B(3))
C("sqrt", POS(3))
C("sqrt", I64(3))
C("cbrt", F(4))
C("cbrt", I64(3))
C("cbrt", B(3))
C("reciprocal", POS(3))
for op in ("exp", "exp2", "expm1"):
    C(op, F(3))
    C(op, I32(3))
    C(op, B(3))
for op in ("log", "log1p", "log2", "log10"):
    C(op, POS(2, 3))
    C(op, I32(3, lo=1))
for op in ("sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh", "arcsinh", "sinc"):
    C(op, F(2, 3))
    C(op, I32(3))
for op in ("arcsin", "arccos", "arctanh"):
    C(op, UNIT(2, 3))
C("arccosh", POS(3) + 1)
C("arctan2", F(3), F(3))
C("arctan2", I32(3), 2)
C("hypot", F(3), F(3))
C("hypot", I32(3), I32(3))
C("logaddexp", F(3), F(3))
C("logaddexp", I32(3), 1)
C("logaddexp2", F(3), F(2, 3))
C("deg2rad", F(3, scale=90))
C("deg2rad", I64(3))
C("rad2deg", F(3))
C("rad2deg", I32(3))
for op in ("floor", "ceil"):
    C(op, F(3, scale=3))
    C(op, I32(3))
    C(op, I64(3))
    C(op, B(3))
C("trunc", F(4, scale=3))
C("trunc", I32(3))
C("round", np.array([0.5, 1.5, 2.5, -0.5, 1.26], "float32"))
C("round", F(4, scale=10), decimals=1)
C("round", I32(3), decimals=0)
C("clip", F(3, 4), -0.5, 0.5)
C("clip", I32(6), 1, 3)
C("clip", I32(6), 1.5, 3)
C("clip", B(4), 0, 1)
C("clip", F(5), F(5), 1.0)
for op in ("maximum", "minimum", "fmax", "fmin"):
    C(op, F(3, 4), F(4))
    C(op, I32(3), 1.5)
    C(op, I64(3), I64(3))
C("maximum", np.array([1.0, 2.0, 3.0], "float32"), np.array([1.0, 0.0, 3.0], "float32"))
C("maximum", F(3), 0)
C("minimum", 0.5, F(3))
C("nan_to_num", np.array([np.nan, np.inf, -np.inf, 1.0], "float32"))
C("nan_to_num", np.array([np.nan, np.inf, -np.inf], "float32"), nan=1.0, posinf=2.0, neginf=-3.0)
C("gcd", I32(4, lo=1, hi=20), I32(4, lo=1, hi=20))
C("lcm", I32(4, lo=1, hi=20), 6)
C("heaviside", F(4), 0.5, _grad=False)
C("heaviside", I32(4, lo=-2), I32(4))
for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    C(op, I32(4, hi=16), I32(4, hi=16))
    C(op, B(4), B(4))
for op in ("bitwise_not", "bitwise_invert"):
    C(op, I32(4, hi=16))
    C(op, B(3))
for op in ("bitwise_left_shift", "left_shift", "bitwise_right_shift", "right_shift"):
    C(op, I32(4, hi=16), 2)
    C(op, I32(4, hi=16), I32(4, hi=3))

# --- reductions
for op in ("sum", "mean", "max", "min", "amax", "amin", "prod"):
    C(op, F(2, 3, 4))
    C(op, F(2, 3, 4), axis=1)
    C(op, F(2, 3, 4), axis=(0, 2), keepdims=True)
    C(op, F(2, 3), axis=-1, keepdims=True)
    C(op, I32(2, 3), axis=0)
for op in ("sum", "prod"):
    C(op, B(2, 3), axis=1)
    C(op, np.int8([[1, 2], [3, 4]]), axis=0)
    C(op, I64(2, 3), axis=0)
C("sum", [F(3), F(3)])
C("sum", F(2, 3), axis=())
C("mean", I64(2, 3))
C("mean", B(2, 3), axis=1)
C("mean", F(2, 3).astype("float64"), axis=0)
C("mean", [F(3), F(3)], axis=0)
C("prod", F(2, 3), dtype="float64")
C("max", F(2, 3), axis=0, initial=0.5)
C("min", F(2, 3), initial=-0.5)
C("max", np.zeros((0, 3), "float32"), initial=1.0)
for op in ("std", "var"):
    C(op, F(3, 4))
    C(op, F(3, 4), axis=0)
    C(op, F(2, 3, 4), axis=(1, 2), keepdims=True)
    C(op, I32(3, 4), axis=1)
C("var", F(2, 3), axis=())
for op in ("argmax", "argmin"):
    C(op, F(3, 4))
    C(op, F(3, 4), axis=1)
    C(op, F(3, 4), axis=0, keepdims=True)
    C(op, B(5))
for op in ("all", "any"):
    C(op, B(3, 4))
    C(op, B(3, 4), axis=0)
    C(op, I32(2, 3), axis=(0, 1), keepdims=True)
    C(op, F(2, 3), axis=[])
for op in ("cumsum", "cumprod"):
    C(op, F(2, 3))
    C(op, F(2, 3), axis=1)
    C(op, I32(2, 3), axis=0)
    C(op, B(4))
    C(op, I32(4), dtype="float32")
    C(op, F(2, 3), axis=0, dtype="float16")
C("count_nonzero", I32(3, 4))
C("count_nonzero", I32(3, 4), axis=1)
C("count_nonzero", F(2, 3), axis=())
C("average", F(3, 4))
C("average", F(3, 4), axis=1)
C("average", F(3, 4), axis=1, weights=POS(4))
C("average", F(3, 4), axis=1, weights=POS(3, 4))
C("average", I32(3, 4), axis=0)
for op in ("quantile", "percentile"):
    q = 0.3 if op == "quantile" else 30.0
    C(op, F(4, 5), q)
    C(op, F(4, 5), [q, 2 * q], axis=1)
    C(op, F(3, 4, 5), q, axis=(0, 2), keepdims=True)
    C(op, F(4, 5), q, axis=0, method="nearest", _grad=False)
    C(op, I32(4, 5), q, axis=1, method="lower")
C("median", F(4, 6))
C("median", F(4, 6), axis=1, keepdims=True)
C("median", I32(5), axis=0)
C("ptp", F(3, 4))
C("ptp", F(3, 4), axis=1, keepdims=True)
C("nansum", np.array([[1.0, np.nan], [2.0, 3.0]], "float32"), axis=1)
C("nansum", np.array([1.0, np.nan, 2.0], "float32"))
C("nansum", I32(2, 3), axis=0)
C("nanmean", np.array([[1.0, np.nan], [2.0, 3.0]], "float32"), axis=1)
C("nanmean", np.array([1.0, np.nan, 2.0], "float32"))
C("sort", F(3, 4))
C("sort", F(3, 4), axis=0)
C("sort", F(3, 4), axis=None)
C("argsort", F(3, 4))
C("argsort", F(3, 4), axis=0)
C("argsort", B(5))
C("logsumexp", F(3, 4))
C("logsumexp", F(3, 4), axis=1, keepdims=True)
C("logsumexp", F(2, 3, 4), axis=(0, 2))

# --- shapes, joining, indexing
C("reshape", F(2, 6), (3, 4))
C("reshape", F(2, 6), (-1, 2))
C("reshape", F(2, 6), 12)
C("reshape", F(2, 6), [4, -1])
C("transpose", F(2, 3, 4))
C("transpose", F(2, 3, 4), (1, 0, 2))
C("transpose", F(2, 3), axes=[1, 0])
C("expand_dims", F(2, 3), 1)
C("expand_dims", F(2, 3), -1)
C("expand_dims", F(2, 3), (0, 3))
C("squeeze", F(1, 3, 1))
C("squeeze", F(1, 3, 1), axis=2)
C("squeeze", F(1, 3, 1), axis=(0, -1))
C("concatenate", [F(2, 3), F(1, 3)])
C("concatenate", [F(2, 3), F(2, 1)], axis=-1)
C("concatenate", (I32(2), F(3)))
C("append", F(2, 3), F(2, 3))
C("append", F(2, 3), F(1, 3), axis=0)
C("stack", [F(2, 3), F(2, 3)])
C("stack", [F(2, 3), F(2, 3)], axis=-1)
C("hstack", [F(2, 3), F(2, 1)])
C("hstack", [F(3), F(2)])
C("vstack", [F(2, 3), F(1, 3)])
C("vstack", [F(3), F(3)])
C("dstack", [F(2, 3), F(2, 3)])
C("split", F(6, 2), 3)
C("split", F(2, 6), [1, 4], axis=1)
C("split", F(5, 2), [2])
C("array_split", F(7, 2), 3)
C("array_split", F(2, 5), 2, axis=1)
C("hsplit", F(2, 6), 3)
C("hsplit", F(6), [2, 3])
C("vsplit", F(4, 3), 2)
C("tile", F(2, 3), 2)
C("tile", F(2, 3), (2, 1, 2))
C("repeat", F(2, 3), 2)
C("repeat", F(2, 3), 2, axis=1)
C("repeat", F(2, 3), np.array([1, 2]), axis=0)
C("repeat", F(3), np.array([1, 0, 2]))
C("broadcast_to", F(3), (2, 3))
C("broadcast_to", F(2, 1), [2, 4])
C("flip", F(2, 3))
C("flip", F(2, 3), axis=1)
C("flip", F(2, 3, 4), axis=(0, 2))
C("fliplr", F(2, 3))
C("flipud", F(2, 3))
C("rot90", F(2, 3))
C("rot90", F(2, 3, 4), k=3, axes=(1, 2))
C("rot90", F(2, 3), k=-1)
C("roll", F(2, 3), 1)
C("roll", F(2, 3), -1, axis=1)
C("roll", F(2, 3), (1, 2), axis=(0, 1))
C("moveaxis", F(2, 3, 4), 0, -1)
C("moveaxis", F(2, 3, 4), (0, 1), (2, 0))
C("swapaxes", F(2, 3, 4), 0, 2)
C("ravel", F(2, 3))
C("take", F(5, 3), np.array([0, 2, -1]), axis=0)
C("take", F(3, 4, 2), np.array([[0, 3], [1, -2]]), axis=1)
C("take", F(3, 4), np.array([1, 5, 11]))
C("take", F(3, 4), 2, axis=1)
C("take_along_axis", F(3, 4), np.argsort(F(3, 4), axis=1), axis=1)
C("take_along_axis", F(3, 4), np.array([[0], [2], [-1]]), axis=1)
C("take_along_axis", F(3, 4), np.array([0, 11, 4]), axis=None)
C("pad", F(2, 3), ((1, 2), (0, 1)))
C("pad", F(2, 3), ((1, 1), (2, 0)), constant_values=1.5)
C("pad", I32(2, 3), [(0, 0), (1, 1)])
C("pad", F(3, 4), ((1, 2), (2, 1)), mode="reflect")
C("pad", F(2, 3, 4), ((0, 0), (1, 1), (2, 3)), mode="reflect")
C("pad", F(2, 2, 3, 4), ((0, 0), (0, 0), (1, 2), (2, 1)), mode="reflect")
C("size", F(2, 3))
C("ndim", F(2, 3, 4))
C("get_item", F(3, 4), (1, slice(0, 3, 2)))
C("get_item", F(3, 4), 2)
C("unravel_index", np.array([1, 5, 11]), (3, 4))
C("unravel_index", np.int32([1, 5]), (2, 3))
C("diff", F(3, 5))
C("diff", F(3, 5), n=2, axis=0)
C("copy", F(2, 3))

# --- products and matrix structure
C("matmul", F(2, 3), F(3, 4))
C("matmul", F(5, 2, 3), F(3, 4))
C("matmul", F(3), F(3, 2))
C("matmul", I32(2, 3), I32(3, 2))
C("matmul", np.int8([[1, 2]]), np.int8([[3], [4]]))
C("matmul", B(2, 3), B(3, 2))
C("matmul", I32(2, 3), F(3, 2))
C("matmul", F(2, 3).astype("float64"), F(3, 2).astype("float64"))
C("matmul", F(2, 3).astype("float16"), F(3, 2).astype("float16"), _grad=False)
C("dot", F(3), F(3))
C("dot", F(2, 3), F(3, 4))
C("dot", F(2, 3), 2.0)
C("dot", I32(2, 3), I32(3))
C("vdot", F(3), F(3))
C("vdot", I32(3), I32(3))
C("inner", F(2, 3), F(4, 3))
C("inner", I32(3), F(3))
C("tensordot", F(2, 3, 4), F(3, 4, 5))
C("tensordot", F(2, 3, 4), F(4, 3, 5), axes=([1, 2], [1, 0]))
C("tensordot", F(2, 3), F(3, 4), axes=1)
C("tensordot", F(2, 3), F(4, 3), axes=(1, 1))
C("einsum", "ij,jk->ik", F(2, 3), F(3, 4))
C("einsum", "bij->bji", F(2, 3, 4))
C("einsum", "i,i->", F(3), F(3))
C("einsum", "ij,j->i", np.int8([[1, 2], [3, 4]]), np.int8([1, 1]))
C("outer", F(3), F(4))
C("outer", F(2, 2), I32(3))
C("kron", F(2, 2), F(2, 3))
C("cross", F(4, 3), F(4, 3))
C("cross", F(3, 5), F(3, 5), axis=0)
C("trace", F(3, 3))
C("trace", F(2, 3, 4), offset=1, axis1=1, axis2=2)
C("trace", np.int8([[1, 2], [3, 4]]))
C("trace", B(3, 3))
C("diag", F(3, 4))
C("diag", F(3), k=1)
C("diag", F(4, 4), k=-1)
C("diagflat", F(2, 2))
C("diagflat", F(3), k=-1)
C("diagonal", F(3, 4))
C("diagonal", F(2, 3, 4), offset=1, axis1=1, axis2=2)
C("diagonal", F(3, 4), offset=-1, axis1=1, axis2=0)
C("tril", F(3, 4))
C("tril", F(2, 3, 4), k=1)
C("triu", F(3, 4))
C("triu", F(3, 4), k=-1)

# --- linear algebra
C("norm", F(3, 4))
C("norm", F(3, 4), axis=1)
C("norm", F(3, 4), ord=1, axis=0, keepdims=True)
C("norm", F(3, 4), ord="fro")
C("norm", F(3, 4), ord=np.inf, axis=(0, 1))
C("norm", I64(4), ord=2)
C("det", SPD(3))
C("det", np.stack([SPD(2), SPD(2)]))
C("inv", SPD(3))
C("solve", SPD(3), F(3, 2))
C("solve_triangular", np.tril(SPD(3)), F(3, 2), lower=True)
C("solve_triangular", np.triu(SPD(3)), F(3))
C("cholesky", SPD(3))
C("cholesky", SPD(3), upper=True)
C("eigh", SPD(3), _grad=False)
C("qr", F(4, 3), _grad=False)
C("qr", F(4, 3), mode="complete", _grad=False)
C("svd", F(3, 2), compute_uv=False)
C("svd", F(3, 2), full_matrices=False, _grad=False)
C("slogdet", SPD(3))
C("logdet", SPD(3))
C("pinv", F(3, 2))
C("pinv", F(3, 2), rcond=0.1)

# --- creation (no tensor inputs)
for op in ("zeros", "ones"):
    C(op, (2, 3))
    C(op, 4, dtype="int32")
    C(op, [2, 1], "bool")
C("empty", (0, 3))
C("empty", (0,), dtype="int32")
C("full", (2, 3), 1.5)
C("full", (2, 3), 4)
C("full", (2, 3), 4, dtype="int32")
C("full", (2, 3), F(3))
C("zeros_like", F(2, 3))
C("zeros_like", I32(2), dtype="float32")
C("ones_like", F(2, 3))
C("ones_like", B(2), dtype="int8")
C("empty_like", np.zeros((0, 2), "float32"))
C("full_like", F(2, 3), 7)
C("full_like", I32(2, 3), 2.5)
C("full_like", F(2, 3), 1, dtype="int32")
C("array", [[1, 2], [3, 4]])
C("array", F(2, 3), dtype="float16")
C("arange", 5)
C("arange", 5.0)
C("arange", 1, 7, 2)
C("arange", 0, 1, 0.25)
C("arange", 0, 5, dtype="float32")
C("linspace", 0, 1, 5)
C("linspace", 0.0, 2.0, 4, endpoint=False)
C("linspace", 0, 1, 5, retstep=True)
C("linspace", 0, 10, 3, dtype="int32")
C("linspace", np.array([0.0, 1.0]), np.array([1.0, 3.0]), 4)
C("logspace", 0, 2, 3)
C("logspace", 0.0, 3.0, 4, endpoint=False, base=2)
C("logspace", np.array([0.0, 1.0]), np.array([1.0, 2.0]), 3)
C("eye", 3)
C("eye", 3, 4, k=1)
C("eye", 4, 3, k=-2, dtype="int32")
C("identity", 3)
C("identity", 2, dtype="bool")
C("tri", 3)
C("tri", 3, 4, k=1, dtype="int32")
C("meshgrid", F(3), F(2))
C("meshgrid", F(3), F(2), F(4), indexing="ij")

# --- comparisons and logic
for op in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal"):
    C(op, F(2, 3), F(3))
    C(op, I32(4), 2)
    C(op, F(4), 0.5)
for op in ("logical_and", "logical_or", "logical_xor"):
    C(op, B(2, 3), B(3))
    C(op, I32(4), F(4))
    C(op, B(3), True)
C("logical_not", B(3))
C("logical_not", I32(4))
SPECIAL = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], "float32")
for op in ("isnan", "isinf", "isfinite", "isneginf", "isposinf"):
    C(op, SPECIAL)
    C(op, I32(3))
C("isclose", F(4), F(4))
C(
    "isclose",
    np.array([1.0, 2.0, np.nan], "float32"),
    np.array([1.0 + 1e-7, 2.1, np.nan], "float32"),
    equal_nan=True,
)
C("isclose", I32(4), I32(4))
C("isclose", F(3), F(3), rtol=0.5, atol=0.5)
C("allclose", F(3), F(3))
C("allclose", np.array([1.0, 2.0], "float32"), np.array([1.0, 2.0 + 1e-6], "float32"))
C("allclose", I32(3), I32(3), rtol=0.0, atol=1.0)
C("where", B(2, 3), F(2, 3), F(3))
C("where", B(3), 1, 2)
C("where", B(3), 1, 2.5)
C("where", B(3), F(3), 0.0)
C("where", B(3), I32(3), 1.5)
C("where", I32(3), F(3), F(3))
C("where", B(2, 3))
C("select", [B(3), B(3)], [F(3), F(3)])
C("select", [B(2, 3)], [I32(2, 3)], default=-1)
C("isin", I32(5), I32(3))
C("isin", I32(5), np.array([1, 2]), invert=True)
C("isin", B(3), B(2))
C("searchsorted", np.sort(F(6)), F(3))
C("searchsorted", np.array([1, 2, 2, 3], "int32"), np.array([2, 3], "int32"), side="right")
C("digitize", F(5), np.array([-1.0, 0.0, 1.0], "float32"))
C("digitize", B(3), np.array([0.5], "float32"))

# --- math
C("top_k", F(3, 5), 2)
C("top_k", F(5), 3, sorted=True)
C("in_top_k", np.array([0, 2, 1]), F(3, 4), 2)
C(
    "in_top_k",
    np.array([3, 0]),
    np.array([[1.0, 2.0, 2.0, 2.0], [3.0, 1.0, 0.0, 0.0]], "float32"),
    1,
)
C("segment_sum", F(5, 2), np.array([0, 0, 1, 2, 2]))
C("segment_sum", F(4), np.array([1, 0, 1, -1]), num_segments=3)
C("segment_sum", I32(4), np.array([0, 1, 1, 3]), num_segments=4)
C("segment_max", F(5, 2), np.array([0, 0, 1, 2, 2]))
C("segment_max", F(4), np.array([0, 0, 2, 2]), num_segments=3, sorted=True)
C("segment_min", F(5, 2), np.array([0, 0, 1, 2, 2]))
C("segment_min", I32(4), np.array([0, 0, 2, 1]), num_segments=3)
C("segment_prod", F(5, 2), np.array([0, 0, 1, 2, 2]))
C("erf", F(2, 3))
C("erfc", F(2, 3))
C("erfinv", UNIT(2, 3))
C("rsqrt", POS(2, 3))
C("extract_sequences", F(2, 10), 4, 3)
C("extract_sequences", F(8), 3, 1)
C("cdist", F(3, 2), F(4, 2))
C("cdist", F(2, 3, 2), F(2, 4, 2))

# --- nn
ACT = F(2, 3, 4, scale=3)
ACT[0, 0] = [0.0, 1.0, -1.0, 3.5]
for op in (
    "relu",
    "relu6",
    "sigmoid",
    "sparse_sigmoid",
    "softplus",
    "softsign",
    "soft_shrink",
    "sparse_plus",
    "silu",
    "swish",
    "squareplus",
    "log_sigmoid",
    "leaky_relu",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "elu",
    "selu",
    "gelu",
    "celu",
    "glu",
    "hard_tanh",
    "hard_shrink",
    "tanh_shrink",
    "sparsemax",
    "softmax",
    "log_softmax",
):
    C(op, ACT)
C("soft_shrink", ACT, threshold=1.0)
C("squareplus", ACT, b=1)
C("leaky_relu", ACT, negative_slope=0.3)
C("elu", ACT, alpha=0.5)
C("gelu", ACT, approximate=False)
C("celu", ACT, alpha=2.0)
C("glu", F(2, 4, 3), axis=1)
C("hard_shrink", ACT, threshold=1.0)
C("threshold", ACT, 0.5, -1.0)
C("sparsemax", ACT, axis=1)
for op in ("softmax", "log_softmax"):
    C(op, ACT, axis=0)
    C(op, ACT, axis=None)
    C(op, ACT, axis=(1, 2))
    C(op, ACT.astype("float16"), _grad=False)
C("relu", I32(3, lo=-3))
C("one_hot", np.array([0, 2, 1, -1]), 3)
C("one_hot", np.array([[0, 2], [1, 1]]), 4, axis=0)
C("one_hot", np.array([[0, 2], [1, 1]]), 3, axis=1, dtype="int32")
C("multi_hot", np.array([[0, 2], [1, 1]]), 4)
C("multi_hot", np.array([0, 3]), 5, dtype="int32")
C("multi_hot", np.array([[0, 2], [1, 3]]), num_tokens=4)
C("categorical_crossentropy", np.eye(4, dtype="float32")[[0, 2, 3]], POS(3, 4))
C("categorical_crossentropy", np.eye(4, dtype="float32")[[0, 2, 3]], F(3, 4), from_logits=True)
C("categorical_crossentropy", np.eye(3, dtype="float32")[[0, 2]].T, POS(3, 2), axis=0)
C("sparse_categorical_crossentropy", np.array([0, 2, 3]), POS(3, 4))
C("sparse_categorical_crossentropy", np.array([[0], [2], [3]]), F(3, 4), from_logits=True)
C("sparse_categorical_crossentropy", np.array([[0, 1], [2, 0]]), F(2, 2, 3), from_logits=True)
C("sparse_categorical_crossentropy", np.array([0, 2]), F(3, 2), from_logits=True, axis=0)
C("sparse_categorical_crossentropy", np.array(1), POS(3))
C("binary_crossentropy", (RNG.random((3, 4)) > 0.5).astype("float32"), UNIT(3, 4) * 0.5 + 0.5)
C("binary_crossentropy", RNG.random((3, 4)).astype("float32"), F(3, 4), from_logits=True)
C("normalize", F(3, 4))
C("normalize", F(3, 4), axis=0, order=1)
C("normalize", F(3, 4), order=3, epsilon=0.1)
C("normalize", np.zeros((2, 3), "float32"))
C("moments", F(3, 4), 0)
C("moments", F(2, 3, 4), (0, 1), keepdims=True)
C("moments", F(2, 3).astype("float16"), [1], _grad=False)
C("batch_normalization", F(4, 3), F(3), POS(3), -1)
C("batch_normalization", F(2, 3, 5), F(3), POS(3), 1, offset=F(3), scale=F(3), epsilon=0.1)
C("layer_normalization", F(3, 4))
C("layer_normalization", F(3, 4, 5), POS(5), F(5), epsilon=0.01)
C("layer_normalization", F(3, 4, 5), POS(4, 5), None, axis=(1, 2))
C("layer_normalization", F(3, 4), POS(4), rms_scaling=True)
C("rms_normalization", F(3, 4))
C("rms_normalization", F(3, 4, 5), POS(5), epsilon=0.01)
C("rms_normalization", F(3, 4, 5), POS(4, 5), axis=(-2, -1))
C("dot_product_attention", F(2, 4, 3, 8), F(2, 5, 3, 8), F(2, 5, 3, 8))
C("dot_product_attention", F(2, 4, 2, 8), F(2, 4, 2, 8), F(2, 4, 2, 8), is_causal=True)
C(
    "dot_product_attention",
    F(2, 4, 2, 8),
    F(2, 5, 2, 8),
    F(2, 5, 2, 8),
    mask=B(2, 2, 4, 5) | np.eye(4, 5, dtype=bool),
    scale=0.3,
)
C("dot_product_attention", F(2, 4, 2, 8), F(2, 5, 2, 8), F(2, 5, 2, 8), bias=F(2, 2, 4, 5))
C(
    "dot_product_attention",
    F(1, 4, 4, 8),
    F(1, 4, 2, 8),
    F(1, 4, 2, 8),
    mask=np.tril(np.ones((4, 4), bool)) | B(4, 4),
    is_causal=True,
)
C("dot_product_attention", F(1, 4, 2, 8), F(1, 4, 2, 8), F(1, 4, 2, 8), flash_attention=False)
C("psnr", POS(3, 4), POS(3, 4), 2.0)

# --- convolution and pooling
C("conv", F(2, 7, 3), F(3, 3, 4))
C("conv", F(2, 7, 3), F(3, 3, 4), strides=2, padding="same")
C("conv", F(2, 8, 3), F(3, 3, 4), padding="SAME", dilation_rate=2)
C("conv", F(2, 6, 5, 3), F(3, 2, 3, 4))
C("conv", F(2, 6, 5, 3), F(3, 3, 3, 4), strides=2, padding="same")
C("conv", F(2, 6, 5, 4), F(3, 3, 2, 6), strides=(1, 2), padding="same")
C("conv", F(2, 3, 6, 5), F(2, 2, 3, 4), data_format="channels_first", padding="same")
C("conv", F(1, 4, 5, 4, 2), F(2, 3, 2, 2, 3), padding="same")
C("depthwise_conv", F(2, 6, 5, 3), F(3, 3, 3, 2))
C("depthwise_conv", F(2, 6, 5, 3), F(3, 3, 3, 1), strides=2, padding="same")
C("depthwise_conv", F(2, 7, 3), F(3, 3, 2), padding="same", dilation_rate=2)
C("separable_conv", F(2, 6, 5, 3), F(3, 3, 3, 2), F(1, 1, 6, 4))
C("separable_conv", F(2, 6, 5, 3), F(3, 3, 3, 1), F(1, 1, 3, 4), padding="same")
C("conv_transpose", F(2, 5, 3), F(3, 4, 3))
C("conv_transpose", F(2, 5, 3), F(3, 4, 3), strides=2, padding="same")
C("conv_transpose", F(2, 4, 5, 3), F(3, 3, 2, 3), strides=2)
C("conv_transpose", F(2, 4, 5, 3), F(3, 3, 2, 3), strides=2, padding="same")
C("conv_transpose", F(2, 4, 5, 3), F(4, 4, 2, 3), strides=(2, 3), padding="same")
C("conv_transpose", F(2, 4, 5, 3), F(3, 3, 2, 3), strides=2, output_padding=1)
C(
    "conv_transpose",
    F(2, 3, 4, 5),
    F(2, 3, 2, 3),
    strides=2,
    padding="same",
    data_format="channels_first",
)
C("conv_transpose", F(2, 5, 3), F(3, 4, 3), dilation_rate=2, padding="same")
C("max_pool", F(2, 6, 3), 2)
C("max_pool", F(2, 7, 3), 3, strides=2, padding="same")
C("max_pool", F(2, 6, 5, 3), (2, 2))
C("max_pool", F(2, 6, 5, 3), 3, strides=2, padding="same")
C("max_pool", F(2, 6, 6, 3), 2, strides=1, padding="same")
C("max_pool", F(1, 4, 4, 4, 2), 2, data_format="channels_last")
C("max_pool", F(2, 3, 6, 5), 2, data_format="channels_first")
C("average_pool", F(2, 6, 3), 2)
C("average_pool", F(2, 7, 3), 3, strides=1, padding="same")
C("average_pool", F(2, 6, 5, 3), (2, 2))
C("average_pool", F(2, 5, 5, 3), 3, strides=1, padding="same")
C("average_pool", F(2, 3, 6, 5), 2, data_format="channels_first")
C("average_pool", F(1, 4, 4, 4, 2), (2, 2, 2), strides=2)


# --- numpy arrays and lists straight into ops (converted as Keras converts them)
C("matmul", NP(F(2, 3)), F(3, 2))
C("softmax", NP(F(2, 3)))
C("mean", NP(I32(2, 3)), axis=0)
C("where", NP(B(3)), NP(F(3)), 0.0)
C("concatenate", [NP(F(2)), [1.0, 2.0]])
C("maximum", [1, 5, 3], NP(I64(3)))
C("sum", [[1, 2], [3, 4]], axis=1)
C("add", [1.5, 2.0], NP(np.ones(2, "float64")))


# --- image (keras.ops.image)
IMG = RNG.uniform(0, 1, (2, 6, 8, 3)).astype("float32")
C("image.resize", IMG, (3, 4))
C("image.resize", IMG, (9, 5), interpolation="nearest")
C("image.resize", IMG, (4, 4), interpolation="bicubic", antialias=True)
C("image.resize", IMG, (3, 5), antialias=True)
C("image.resize", IMG[0], (12, 10))
C("image.resize", IMG, (4, 4), crop_to_aspect_ratio=True)
C("image.resize", IMG, (4, 4), pad_to_aspect_ratio=True, fill_value=0.5)
C("image.resize", IMG[:, :5], (6, 4), pad_to_aspect_ratio=True)
C("image.resize", IMG.transpose(0, 3, 1, 2), (3, 4), data_format="channels_first")
C("image.resize", (IMG * 255).astype("uint8"), (4, 5), interpolation="bicubic")
C("image.resize", (IMG * 255).astype("int32"), (4, 5))
C("image.rgb_to_grayscale", IMG)
C("image.rgb_to_grayscale", IMG[..., :1])
C("image.rgb_to_grayscale", IMG.transpose(0, 3, 1, 2), data_format="channels_first")
C("image.rgb_to_grayscale", (IMG * 255).astype("uint8")[0])
C("image.extract_patches", IMG, 2)
C("image.extract_patches", IMG, (3, 2), strides=(1, 2), padding="same")
C("image.extract_patches", IMG[0], (2, 3), dilation_rate=2)
C("image.extract_patches", IMG.transpose(0, 3, 1, 2), 2, strides=1, data_format="channels_first")
C("image.extract_patches", RNG.uniform(0, 1, (1, 4, 6, 4, 2)).astype("float32"), (2, 3, 2))
C("image.extract_patches_3d", RNG.uniform(0, 1, (2, 4, 6, 4, 2)).astype("float32"), 2)
C("image.extract_patches_3d", RNG.uniform(0, 1, (4, 5, 4, 2)).astype("float32"), 2, strides=1)
C("image.pad_images", IMG, 1, 2, target_height=9, target_width=11)
C("image.pad_images", IMG[0], None, None, 2, 1, 10, 12)
C("image.pad_images", IMG.transpose(0, 3, 1, 2), 1, 1, 1, 1, data_format="channels_first")
C("image.crop_images", IMG, 1, 2, target_height=3, target_width=4)
C("image.crop_images", IMG[0], None, None, 1, 2, 4, 5)
C("image.crop_images", IMG.transpose(0, 3, 1, 2), 1, 1, 1, 1, data_format="channels_first")
C("image.rgb_to_hsv", IMG)
C("image.rgb_to_hsv", IMG[0].transpose(2, 0, 1), data_format="channels_first")
C("image.hsv_to_rgb", IMG)
C("image.hsv_to_rgb", IMG.transpose(0, 3, 1, 2), data_format="channels_first")
C("image.gaussian_blur", IMG, data_format="channels_last")
C("image.gaussian_blur", IMG[0], (5, 5), (1.5, 0.7), data_format="channels_last")
C("image.gaussian_blur", IMG.transpose(0, 3, 1, 2), data_format="channels_first")
C("image.sobel_edges", IMG)
C("image.sobel_edges", IMG.transpose(0, 3, 1, 2), data_format="channels_first")
# Transforms chosen so that no 'nearest' sample falls on a rounding tie (checked below).
AFFINE = np.array(
    [
        [1.0713, 0.2291, -1.3127, 0.1687, 0.9319, 0.7083, 0, 0],
        [0.8317, -0.2893, 2.1271, 0.4129, 1.1903, -1.3717, 0, 0],
    ],
    "float32",
)
for _mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
    for _interpolation in ("bilinear", "nearest"):
        C("image.affine_transform", IMG, AFFINE, _interpolation, _mode, 0.5)
C("image.affine_transform", IMG[0].transpose(2, 0, 1), AFFINE[1], data_format="channels_first")
C("image.affine_transform", (IMG * 255).astype("int32"), AFFINE, "nearest", "reflect")
COORDS = RNG.uniform(-3, 9, (2, 4, 3)).astype("float32")
for _mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
    C("image.map_coordinates", F(5, 6), COORDS, 1, _mode, 0.3)
    C("image.map_coordinates", F(5, 6), COORDS, 0, fill_mode=_mode)
C("image.map_coordinates", F(4, 3, 5), RNG.uniform(-1, 5, (3, 7)).astype("float32"), 1)
C("image.map_coordinates", I32(5, 6, hi=100), COORDS, 1)
STARTS = np.array([[0, 0], [7, 0], [0, 5], [7, 5]], "float32")
ENDS = np.array([[1.1, 0.6], [5.3, 1.2], [0.4, 4.3], [6.6, 5.2]], "float32")
C("image.perspective_transform", IMG, STARTS, ENDS, fill_value=0.25)
C("image.perspective_transform", IMG[0], STARTS, ENDS, "nearest")
C(
    "image.perspective_transform",
    IMG.transpose(0, 3, 1, 2),
    np.stack([STARTS, ENDS]),
    np.stack([ENDS, STARTS]),
    data_format="channels_first",
)
# alpha=0: no displacement, so no randomness (the seeded draws: test_elastic_transform_*).
C("image.elastic_transform", IMG, alpha=0.0, sigma=1.0, fill_mode="wrap")
for _method in ("linear", "bicubic", "lanczos3", "lanczos5"):
    for _antialias in (True, False):
        C(
            "image.scale_and_translate",
            IMG,
            (2, 9, 5, 3),
            [1.4, 0.6],
            [0.3, -0.7],
            [1, 2],
            _method,
            _antialias,
        )
C(
    "image.scale_and_translate",
    (IMG * 255).astype("uint8"),
    (2, 8, 4, 3),
    [1.6, 0.7],
    [0.0, 0.2],
    [1, 2],
    "cubic",
)
C("image.ssim", IMG, IMG * 0.7 + 0.1, max_val=2.0, filter_size=5, filter_sigma=1.0)
C(
    "image.ssim",
    IMG[0].transpose(2, 0, 1),
    IMG[1].transpose(2, 0, 1),
    filter_size=3,
    data_format="channels_first",
)
C("image.ssim", IMG, IMG, filter_size=3, k1=0.02, k2=0.05)


# --- the newer ops (NaN reductions, complex parts, counting, windows, FFT/STFT, CTC, ...)
NANS = np.array(
    [[1.0, np.nan, 3.0, -2.0], [np.nan, 0.5, 4.0, 2.0], [5.0, 1.5, np.nan, -1.0]], "float32"
)
for _name in ("nanmax", "nanmin", "nanprod", "nanvar", "nanstd", "nanmedian"):
    C(_name, NANS)
    C(_name, NANS, axis=1, keepdims=True)
for _name in ("nanargmax", "nanargmin"):
    C(_name, NANS, _grad=False)
    C(_name, NANS, axis=0, _grad=False)
C("nancumsum", NANS)
C("nancumsum", NANS, axis=1)
C("nancumprod", NANS, axis=0)
C("nancumsum", I32(5))
C("nanquantile", NANS, 0.3, axis=1)
C("nanquantile", NANS, [0.25, 0.5])
C("nanpercentile", NANS, 40.0, axis=0)
C("nanmax", I32(3, 4), axis=0)
C("angle", F(3, 4))
C("conj", F(3))
C("conjugate", F(3))
C("real", F(2, 3))
C("imag", NP(F(2, 3).astype("complex64")), _grad=False)
C("isreal", F(2, 3))
C("view", F(2, 3), "int32", _grad=False)
C("bincount", np.array([0, 1, 1, 3, 5], "int32"))
C("bincount", np.array([0, 1, 1, 3], "int32"), weights=F(4), minlength=6, _grad=False)
C("bincount", I32(2, 6), minlength=5)
C("nonzero", np.array([[0, 1, 0], [2, 0, 3]], "int32"))
C("unique", np.array([3, 1, 3, 2, 1], "int32"))
C(
    "unique",
    np.array([3, 1, 3, 2, 1], "int32"),
    return_index=True,
    return_inverse=True,
    return_counts=True,
)
C("unique", np.array([3, 1, 3, 2, 1], "int32"), size=5, fill_value=-1)
C("unique", np.array([[1, 2], [1, 2], [0, 4]], "int32"), axis=0, return_counts=True)
C("histogram", F(20), bins=5, _grad=False)
C("histogram", F(20), bins=4, range=(-1.0, 1.0), _grad=False)
C("argpartition", np.array([5, 1, 4, 2, 3], "int32"), 2)
C("argpartition", I32(3, 5, hi=50), 1, axis=1)
C("corrcoef", F(3, 6))
C("correlate", F(6), F(3))
C("correlate", F(5), F(3), mode="same")
C("correlate", F(4), F(3), mode="full")
C("dsplit", F(2, 3, 4), 2)
C("dsplit", F(2, 3, 5), [1, 3])
C("geomspace", 1.0, 1000.0, num=4)
C("geomspace", -2.0, -32.0, num=5, endpoint=False)
for _name in ("bartlett", "blackman", "hamming", "hanning"):
    C(_name, 7)
C("kaiser", 8, 5.0)
C("i0", F(3, 4))
C("i0", I32(4))
C("ldexp", F(4), np.array([1, -2, 0, 3], "int32"))
C("nextafter", F(4), F(4))
C("trapezoid", F(3, 5))
C("trapezoid", F(5), x=np.sort(F(5)))
C("trapezoid", F(4, 3), dx=0.5, axis=0)
C("vander", F(4), _grad=False)
C("vander", F(3), N=5, increasing=True, _grad=False)
C("jvp", torch.sin, (F(3),), (F(3),), _grad=False)
C("jvp", lambda a, b: (a * b, a.sum()), (F(3), F(3)), (F(3), F(3)), has_aux=True, _grad=False)
C("vectorize", lambda a, b: a * b + 1, F(3, 2), F(3, 2), _grad=False)
C("vectorize", lambda a, k: a * k, F(4), 3.0, excluded={1}, _grad=False)
C("fft", (F(2, 8), F(2, 8)))
C("fft2", (F(2, 4, 6), F(2, 4, 6)))
C("ifft2", (F(4, 6), F(4, 6)))
C("rfft", F(2, 10))
C("rfft", F(9), fft_length=16)
C("irfft", (F(2, 6), F(2, 6)))
C("irfft", (F(5), F(5)), fft_length=8)
C("stft", F(2, 64), 16, 8, 16)
C("stft", F(40), 10, 4, 16, window="hamming", center=False)
C("stft", F(3, 2, 50), 12, 6, 12, window=None)
C("istft", (F(2, 9, 9), F(2, 9, 9)), 16, 8, 16)
C("istft", (F(7, 9), F(7, 9)), 10, 4, 16, window="hamming", center=False)
C("istft", (F(7, 9), F(7, 9)), 16, 8, 16, length=40)
C("view_as_complex", F(3, 2), _grad=False)
C("view_as_real", NP(F(3).astype("complex64")), _grad=False)
C("cholesky_inverse", np.linalg.cholesky(SPD(3)).astype("float32"))
C("cholesky_inverse", np.linalg.cholesky(SPD(3)).T.copy().astype("float32"), upper=True)
C("eig", SPD(3), _grad=False)
C("lu_factor", F(4, 4), _grad=False)
C("lstsq", F(5, 3), F(5, 2))
C("lstsq", F(5, 3), F(5), rcond=1e-3)
C("matrix_rank", np.array([[1, 2], [2, 4]], "float32"))
C("matrix_rank", F(4, 3), tol=0.5)
C("adaptive_average_pool", F(2, 7, 3), 3)
C("adaptive_average_pool", F(2, 7, 9, 3), (2, 4))
C("adaptive_average_pool", F(1, 2, 5, 6, 7), 2, data_format="channels_first")
C("adaptive_max_pool", F(2, 7, 3), 3)
C("adaptive_max_pool", F(2, 7, 9, 3), (3, 2))
C("adaptive_max_pool", F(1, 4, 5, 6, 2), (2, 3, 2))
C(
    "ctc_loss",
    np.array([[1, 2, 2], [3, 1, 0]], "int32"),
    F(2, 8, 5),
    np.array([3, 2], "int32"),
    np.array([8, 6], "int32"),
)
C(
    "ctc_loss",
    np.array([[1, 2]], "int32"),
    F(1, 5, 4),
    np.array([2], "int32"),
    np.array([5], "int32"),
    mask_index=3,
)
C("ctc_decode", F(2, 8, 5), np.array([8, 5], "int32"), _grad=False)
C(
    "ctc_decode",
    F(2, 6, 4),
    np.array([6, 6], "int32"),
    merge_repeated=False,
    mask_index=3,
    _grad=False,
)
C("depth_to_space", F(2, 3, 4, 8), 2)
C("depth_to_space", F(2, 8, 3, 4), 2, data_format="channels_first")
C("space_to_depth", F(2, 4, 6, 3), 2)
C("space_to_depth", F(2, 3, 4, 6), 2, data_format="channels_first")
C("unfold", F(2, 3, 5, 6), 2)
C("unfold", F(1, 2, 6, 6), (3, 2), dilation=2, padding=1, stride=(2, 1))
C("fold", F(2, 12, 20), (5, 6), 2)
C("fold", F(1, 8, 9), (4, 4), (2, 2), stride=1)
C("polar", POS(3), F(3), _grad=False)
C("associative_scan", lambda a, b: a + b, F(6, 2), _grad=False)
C("associative_scan", lambda a, b: a * b, F(5, 3), reverse=True, axis=1, _grad=False)
C("associative_scan", lambda a, b: (a[0] + b[0], a[1] * b[1]), (F(7), F(7)), _grad=False)
C("rearrange", F(2, 6, 4), "b (h w) c -> b h w c", h=2)
C("rearrange", F(2, 4, 6, 3), "b (h p1) (w p2) c -> b (h w) (p1 p2 c)", p1=2, p2=3)
C("rearrange", F(2, 3, 4), "a b c -> c a b")


# ---------------------------------------------------------------------------------------------
# The parity harness


def _to_lib(arg: Any, grad: bool) -> Any:
    if isinstance(arg, NP):
        return arg.array
    if isinstance(arg, np.ndarray):
        t = torch.from_numpy(arg.copy())
        if grad and t.is_floating_point():
            t.requires_grad_(True)
        return t
    if isinstance(arg, list) and any(isinstance(e, (np.ndarray, NP)) for e in arg):
        return [_to_lib(e, False) for e in arg]
    if isinstance(arg, tuple) and arg and all(isinstance(e, np.ndarray) for e in arg):
        return tuple(_to_lib(e, False) for e in arg)
    return arg


def _flat(y: Any) -> list:
    if isinstance(y, dict):
        return [t for k in sorted(y) for t in _flat(y[k])]
    if isinstance(y, (list, tuple)):
        return [t for e in y for t in _flat(e)]
    return [y]


def _op(module: Any, name: str) -> Any:
    return functools.reduce(getattr, name.split("."), module)


def _call(module: Any, case: Case, grad: bool) -> tuple[Any, Any]:
    args = [_to_lib(a, grad and i == 0) for i, a in enumerate(case.args)]
    fn = _op(module, case.name)
    if case.name == "vectorize":  # the op returns a function: compare what it computes
        return fn(case.args[0], **case.kwargs)(*args[1:]), None
    if case.name == "custom_gradient":
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        return fn(case.args[0])(x), x
    return fn(*args, **case.kwargs), args[0] if args else None


def _compare(a: Any, b: Any, case: Case) -> None:
    if not isinstance(b, torch.Tensor) and not isinstance(b, np.ndarray):
        assert type(a) is type(b) or isinstance(a, type(b)), (a, b)
        assert a == b, (a, b)
        return
    assert isinstance(a, torch.Tensor) == isinstance(b, torch.Tensor), (type(a), type(b))
    a_np, b_np = keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)
    assert a_np.shape == b_np.shape, (a_np.shape, b_np.shape)
    if case.dtype:
        assert str(a_np.dtype) == str(b_np.dtype), (a_np.dtype, b_np.dtype)
    np.testing.assert_allclose(
        a_np.astype("float64"), b_np.astype("float64"), rtol=RTOL, atol=ATOL, equal_nan=True
    )


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_parity(case: Case) -> None:
    grad = case.grad
    yt, xt = _call(ops, case, grad)
    yk, xk = _call(keras.ops, case, grad)
    flat_t, flat_k = _flat(yt), _flat(yk)
    assert len(flat_t) == len(flat_k)
    for a, b in zip(flat_t, flat_k):
        _compare(a, b, case)
        if isinstance(a, torch.Tensor):
            assert a.device == torch.device("cpu")
    if not (grad and isinstance(xt, torch.Tensor) and xt.requires_grad):
        return
    pairs = [
        (a, b)
        for a, b in zip(flat_t, flat_k)
        if isinstance(a, torch.Tensor) and a.requires_grad and a.is_floating_point()
    ]
    if not pairs:
        return
    rng = np.random.default_rng(1)
    cots = [
        torch.from_numpy(rng.standard_normal(tuple(a.shape)).astype("float32")) for a, _ in pairs
    ]
    st = sum((a.float() * c).sum() for (a, _), c in zip(pairs, cots))
    sk = sum((b.float() * c).sum() for (_, b), c in zip(pairs, cots))
    (gt,) = torch.autograd.grad(st, xt, allow_unused=True)
    (gk,) = torch.autograd.grad(sk, xk, allow_unused=True)
    if gk is None:
        return
    np.testing.assert_allclose(gt.numpy(), gk.numpy(), rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------------------------
# The public surface

# Arguments whose handling is documented to differ from Keras's signature: none so far.
SIGNATURE_ALLOWLIST: dict[str, str] = {}


def test_every_op_has_a_case() -> None:
    covered = {c.name for c in CASES}
    public = set(ops.__all__) | {f"image.{n}" for n in ops.image.__all__}
    missing = sorted(public - covered)
    assert not missing, f"ops without a parity case: {missing}"
    assert len(ops.__all__) >= 120


@pytest.mark.parametrize(
    "name", sorted(ops.__all__) + [f"image.{n}" for n in sorted(ops.image.__all__)]
)
def test_signature_matches_keras(name: str) -> None:
    theirs = functools.reduce(getattr, name.split("."), keras.ops)  # AttributeError if missing
    if name in SIGNATURE_ALLOWLIST:
        return
    ours = inspect.signature(functools.reduce(getattr, name.split("."), ops))
    theirs = inspect.signature(theirs)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]


def test_every_op_has_a_docstring() -> None:
    for name in ops.__all__:
        doc = getattr(ops, name).__doc__
        assert doc and doc.strip().splitlines()[0], name
    for name in ops.image.__all__:
        doc = getattr(ops.image, name).__doc__
        assert doc and doc.strip().splitlines()[0], name


def test_submodules_mirror_keras() -> None:
    """ops.nn, ops.numpy and ops.linalg hold the same functions as the top level, like Keras's."""
    for sub in ("nn", "linalg", "math", "core"):
        module = getattr(ops, sub)
        names = getattr(module, "__all__", None) or [  # ops.nn gathers its nn_* modules
            n
            for n, f in vars(module).items()
            if callable(f)
            and not n.startswith("_")
            and getattr(f, "__module__", "") == module.__name__
        ]
        assert names, sub
        for name in names:
            assert getattr(ops, name) is getattr(module, name), (sub, name)
    for name in ops.numpy.__all__:
        assert hasattr(keras.ops.numpy, name), name
        assert getattr(ops.numpy, name) is getattr(ops, name)
    for name in [n for n in dir(keras.ops.nn) if n in ops.__all__]:
        assert getattr(ops.nn, name, None) is getattr(ops, name), name
    for name in [n for n in dir(keras.ops.linalg) if n in ops.__all__]:
        assert getattr(ops.linalg, name, None) is getattr(ops, name), name
    assert tkeras.ops is ops


# ---------------------------------------------------------------------------------------------
# Devices: every op keeps its result on the input's device. On the meta device any tensor an
# op made on the default device instead would raise or come back on that device.

DATA_DEPENDENT = {  # these read tensor values on the host, which meta tensors do not have
    "convert_to_numpy-0", "slice-1", "cond-1", "switch-1", "repeat-2", "repeat-3", "where-6",
    "segment_sum-0", "segment_max-0", "segment_min-0", "segment_prod-0",
    # data-dependent output shapes, or torch ops without a meta kernel
    "bincount-0", "bincount-1", "bincount-2", "nonzero-0", "unique-0", "unique-1", "unique-2",
    "unique-3", "histogram-0", "histogram-1", "corrcoef-0", "istft-0", "istft-2", "lstsq-0",
    "lstsq-1", "ctc_loss-0", "ctc_loss-1",
}  # fmt: skip


def _on(arg: Any, device: str) -> Any:
    if isinstance(arg, NP):
        return arg.array
    if isinstance(arg, np.ndarray):
        return torch.from_numpy(arg.copy()).to(device)
    if isinstance(arg, list) and any(isinstance(e, (np.ndarray, NP)) for e in arg):
        return [_on(e, device) for e in arg]
    if isinstance(arg, tuple) and arg and all(isinstance(e, np.ndarray) for e in arg):
        return tuple(_on(e, device) for e in arg)
    return arg


def _tensor_cases() -> list[Case]:
    return [
        c
        for c in CASES
        if any(isinstance(a, (np.ndarray, list, tuple)) for a in c.args)
        and c.name not in ("custom_gradient", "convert_to_numpy", "vectorize")
    ]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_results_stay_on_the_input_device() -> None:
    for case in _tensor_cases():
        if case.id in DATA_DEPENDENT:
            continue
        args = [_on(a, "meta") for a in case.args]
        if not any(isinstance(t, torch.Tensor) for t in _flat(args)):
            continue
        out = _op(ops, case.name)(*args, **case.kwargs)
        devices = {t.device.type for t in _flat(out) if isinstance(t, torch.Tensor)}
        assert devices <= {"meta"}, (case.id, devices)


def _accelerator() -> str | None:
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    return "mps" if mps is not None and mps.is_available() else None


# Decompositions whose vectors are defined up to sign: compare shapes, dtypes and devices only.
SIGN_AMBIGUOUS = {"eigh-0", "qr-0", "qr-1", "svd-1"}


def _close_on_accelerator(a: torch.Tensor, b: torch.Tensor) -> bool:
    tol = 1e-2 if a.dtype in (torch.float16, torch.bfloat16) else 1e-3
    return torch.allclose(
        a.detach().cpu().double(), b.detach().cpu().double(), rtol=tol, atol=tol, equal_nan=True
    )


@pytest.mark.gpu
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_every_case_runs_on_the_accelerator() -> None:
    """The whole table on CUDA/MPS: same values as on the CPU, results on the device."""
    device = _accelerator()
    failures = []
    tf32 = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    tkeras.config.set_device(device)
    try:
        for case in CASES:
            if case.name in ("custom_gradient", "vectorize"):
                continue
            arrays = [a for a in _flat(list(case.args)) if isinstance(a, np.ndarray)]
            if device == "mps" and any(a.dtype == np.float64 for a in arrays):
                continue  # MPS has no float64
            fn = _op(ops, case.name)
            try:
                cpu = _flat(fn(*[_on(a, "cpu") for a in case.args], **case.kwargs))
                acc = _flat(fn(*[_on(a, device) for a in case.args], **case.kwargs))
            except NotImplementedError:
                if device == "mps":
                    continue  # an op torch has not implemented for MPS
                raise
            except Exception as e:  # noqa: BLE001 - collect every failure, report once
                failures.append(f"{case.id}: {type(e).__name__}: {e}")
                continue
            for a, b in zip(cpu, acc):
                if not isinstance(b, torch.Tensor):
                    continue
                if b.device.type != device and case.name != "cond":  # cond returns its branch
                    failures.append(f"{case.id}: result on {b.device}")
                elif a.dtype != b.dtype:
                    failures.append(f"{case.id}: dtype {b.dtype} != cpu {a.dtype}")
                elif a.shape != b.shape:
                    failures.append(f"{case.id}: shape {tuple(b.shape)} != cpu {tuple(a.shape)}")
                elif case.id not in SIGN_AMBIGUOUS and not _close_on_accelerator(a, b):
                    failures.append(f"{case.id}: values differ from the CPU")
    finally:
        tkeras.config.set_device(None)
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = tf32
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# Where tkeras differs from Keras's torch backend (which disagrees with numpy and Keras's other
# backends there): numpy is the reference.


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("pad_width", [1, (1, 2), ((2, 0), (1, 2))])
def test_pad_follows_numpy(mode: str, pad_width: Any) -> None:
    x = np.arange(12, dtype="float32").reshape(3, 4)
    out = ops.pad(torch.from_numpy(x), pad_width, mode=mode)
    np.testing.assert_array_equal(out.numpy(), np.pad(x, pad_width, mode=mode))


def test_pad_gradient_flows_through_every_mode() -> None:
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        x = torch.ones(3, 4, requires_grad=True)
        ops.pad(x, 1, mode=mode).sum().backward()
        assert x.grad.sum().item() == (3 + 2) * (4 + 2), mode


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "amax", "amin", "mean"])
def test_keepdims_with_axis_none_keeps_every_axis(name: str) -> None:
    x = np.arange(1, 7, dtype="float32").reshape(2, 3)
    out = getattr(ops, name)(torch.from_numpy(x), keepdims=True)
    expected = {"amax": np.max, "amin": np.min}.get(name, getattr(np, name))(x, keepdims=True)
    assert tuple(out.shape) == (1, 1)
    np.testing.assert_allclose(out.numpy(), expected)


def test_count_nonzero_keeps_axis_order() -> None:
    x = (np.arange(24).reshape(2, 3, 4) % 3).astype("int32")
    out = ops.count_nonzero(torch.from_numpy(x), axis=1)
    np.testing.assert_array_equal(out.numpy(), np.count_nonzero(x, axis=1))
    assert out.dtype == torch.int32


def test_one_hot_out_of_range_ids_give_zeros() -> None:
    out = ops.one_hot(torch.tensor([0, 3, -1, 2]), 3)
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]])


def test_average_pool_same_excludes_padding() -> None:
    x = torch.arange(4, dtype=torch.float32).reshape(1, 4, 1)
    out = ops.average_pool(x, 2, strides=1, padding="same")  # pads (0, 1): the last window
    np.testing.assert_allclose(out.reshape(-1).numpy(), [0.5, 1.5, 2.5, 3.0])
    x2 = torch.arange(16, dtype=torch.float32).reshape(1, 4, 4, 1)
    out2 = ops.average_pool(x2, 2, strides=1, padding="same")[0, :, :, 0]
    assert out2[3, 3].item() == 15.0 and out2[3, 0].item() == 12.5 and out2[0, 3].item() == 5.0


def test_max_pool_same_pads_with_minus_infinity() -> None:
    x = -torch.arange(1, 5, dtype=torch.float32).reshape(1, 4, 1)
    out = ops.max_pool(x, 2, strides=1, padding="same")
    np.testing.assert_allclose(out.reshape(-1).numpy(), [-1.0, -2.0, -3.0, -4.0])


def test_linspace_and_logspace_take_an_axis() -> None:
    start, stop = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    out = ops.linspace(start, stop, 5, axis=1)
    np.testing.assert_allclose(out.numpy(), np.linspace(start, stop, 5, axis=1), rtol=1e-6)
    out = ops.linspace(start, stop, 4, endpoint=False, axis=-1)
    np.testing.assert_allclose(
        out.numpy(), np.linspace(start, stop, 4, endpoint=False, axis=-1), rtol=1e-6, atol=1e-7
    )
    out = ops.logspace(start, stop, 3, axis=1)
    np.testing.assert_allclose(out.numpy(), np.logspace(start, stop, 3, axis=1), rtol=1e-5)


def test_negative_indices_on_the_flattened_tensor() -> None:
    x = np.arange(12, dtype="float32").reshape(3, 4)
    idx = np.array([1, -1, -12])
    np.testing.assert_array_equal(ops.take(torch.from_numpy(x), idx).numpy(), np.take(x, idx))
    out = ops.take_along_axis(torch.from_numpy(x), torch.tensor([0, -1]), axis=None)
    np.testing.assert_array_equal(out.numpy(), [0.0, 11.0])


def test_vdot_and_average_follow_numpy() -> None:
    a, b = F(2, 3), F(2, 3)
    np.testing.assert_allclose(ops.vdot(a, b).numpy(), np.vdot(a, b), rtol=1e-5)
    x, w = F(3, 4), POS(3, 4)
    np.testing.assert_allclose(
        ops.average(x, weights=w).numpy(), np.average(x, weights=w), rtol=1e-5
    )
    w0 = POS(3)
    np.testing.assert_allclose(
        ops.average(x, axis=0, weights=w0).numpy(), np.average(x, axis=0, weights=w0), rtol=1e-5
    )


def test_repeat_with_a_list_of_counts() -> None:
    x = np.arange(6, dtype="float32").reshape(2, 3)
    out = ops.repeat(torch.from_numpy(x), [2, 0, 1], axis=1)
    np.testing.assert_array_equal(out.numpy(), np.repeat(x, [2, 0, 1], axis=1))


def test_integer_segment_extremes_of_empty_segments() -> None:
    data = torch.tensor([3, 1, 4], dtype=torch.int32)
    out = ops.segment_max(data, torch.tensor([0, 0, 2]), num_segments=3)
    assert out.tolist() == [3, torch.iinfo(torch.int32).min, 4]
    out = ops.segment_min(data, torch.tensor([0, 0, 2]), num_segments=3)
    assert out.tolist() == [1, torch.iinfo(torch.int32).max, 4]


def test_attention_logit_soft_cap() -> None:
    q, k, v = (torch.from_numpy(F(1, 3, 2, 4, scale=4)) for _ in range(3))
    cap = 2.0
    out = ops.dot_product_attention(q, k, v, attn_logits_soft_cap=cap, is_causal=True)
    qh, kh, vh = (t.transpose(1, 2) for t in (q, k, v))
    logits = cap * torch.tanh(qh @ kh.transpose(-1, -2) / 2.0 / cap)
    logits = logits.masked_fill(~torch.ones(3, 3, dtype=torch.bool).tril(), -1e9)
    ref = (torch.softmax(logits, -1) @ vh).transpose(1, 2)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)


def test_layer_normalization_on_leading_axes() -> None:
    x, g = F(3, 4, 5), POS(3)
    out = ops.layer_normalization(torch.from_numpy(x), torch.from_numpy(g), axis=0)
    mean, var = x.mean(0, keepdims=True), x.var(0, keepdims=True)
    ref = (x - mean) / np.sqrt(var + 1e-7) * g[:, None, None]
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------------------------
# Conversion rules, inputs tkeras adds, and dtype rules under another floatx


def test_conversion_keeps_numpy_dtypes_and_types_python_values_like_keras() -> None:
    assert ops.convert_to_tensor(np.ones(2)).dtype == torch.float64
    assert ops.add(np.ones(2), 1).dtype == torch.float64
    assert ops.convert_to_tensor(2**40).dtype == torch.int64
    assert ops.convert_to_tensor([]).dtype == torch.float32
    assert ops.convert_to_tensor([np.float64(1.0)]).dtype == torch.float32
    assert ops.convert_to_tensor(np.uint32([1])).dtype == torch.int64
    assert ops.convert_to_tensor([torch.ones(2), [1.0, 2.0]]).shape == (2, 2)
    arr = np.ones(3, "float32")
    arr.setflags(write=False)
    assert ops.convert_to_tensor(arr).dtype == torch.float32  # read-only arrays are copied


def test_variables_and_parameters_are_tensors() -> None:
    v = tkeras.Variable(torch.ones(2, 3))
    out = ops.sum(ops.multiply(v, 2.0))
    assert out.item() == 12.0 and out.requires_grad
    assert not ops.stop_gradient(v).requires_grad


def test_ops_on_symbolic_tensors_record_a_node() -> None:
    out = ops.add(tkeras.Input((3,)), 1)
    assert isinstance(out, tkeras.KerasTensor)
    assert tuple(out.shape) == (None, 3)


def test_dtype_rules_follow_floatx() -> None:
    try:
        for lib in (tkeras.config, keras.config):
            lib.set_floatx("float64")
        pairs = [
            ("add", (torch.ones(2, dtype=torch.int32), 1.5)),
            ("convert_to_tensor", (2.5,)),
            ("mean", (torch.ones(2, dtype=torch.int32),)),
            ("ones", ((2,),)),
            ("arange", (3.0,)),
            ("floor_divide", (torch.ones(2, dtype=torch.int8), 2)),
            ("one_hot", (torch.tensor([1]), 2)),
        ]
        for name, args in pairs:
            assert getattr(ops, name)(*args).dtype == getattr(keras.ops, name)(*args).dtype, name
    finally:
        for lib in (tkeras.config, keras.config):
            lib.set_floatx("float32")


def test_creation_ops_use_the_configured_device() -> None:
    try:
        tkeras.config.set_device("meta")
        assert ops.zeros((2,)).device.type == "meta"
        assert ops.arange(3).device.type == "meta"
        assert ops.convert_to_tensor(1.5).device.type == "meta"
        assert ops.full((2,), torch.ones(2)).device.type == "cpu"  # the fill's device
    finally:
        tkeras.config.set_device(None)


def test_control_flow_and_layers_compose() -> None:
    """A Keras-style custom layer body written with ops runs unchanged."""
    x = torch.from_numpy(F(4, 6))
    w = torch.from_numpy(F(6, 3))
    h = ops.relu(ops.matmul(x, w) + 0.1)
    h = ops.where(ops.greater(h, 0.5), h, ops.zeros_like(h))
    y = ops.softmax(ops.reshape(h, (2, 2, 3)), axis=-1)
    np.testing.assert_allclose(ops.sum(y, axis=-1).numpy(), np.ones((2, 2)), rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# Errors name the function, the argument and the value.

ERRORS = [
    (lambda: ops.reshape(torch.ones(4), (-1, -1)), ValueError, r"reshape: .*at most one -1"),
    (lambda: ops.reshape(torch.ones(4), (2, -3)), ValueError, r"reshape: .*newshape=\(2, -3\)"),
    (lambda: ops.squeeze(torch.ones(2, 3), axis=1), ValueError, r"squeeze: .*axis=1.*\(2, 3\)"),
    (lambda: ops.split(torch.ones(5), 2), ValueError,
     r"split: indices_or_sections=2 .*x.shape\[0\]=5"),
    (lambda: ops.array_split(torch.ones(5), [2]), TypeError, r"array_split: indices_or_sections"),
    (lambda: ops.array_split(torch.ones(5), 0), ValueError, r"array_split: .*=0"),
    (lambda: ops.pad(torch.ones(2), 1, mode="mean"), ValueError, r"pad: mode must .*'mean'"),
    (lambda: ops.pad(torch.ones(2), 1, mode="edge", constant_values=1), ValueError,
     r"pad: constant_values .*mode='edge'"),
    (lambda: ops.pad(torch.ones(2, 2), ((1, 1),) * 3), ValueError, r"pad: pad_width must have one"),
    (lambda: ops.pad(torch.ones(2), -1), ValueError, r"pad: pad_width must be non-negative"),
    (lambda: ops.pad(torch.ones(2), 2, mode="reflect"), ValueError,
     r"pad: mode='reflect' can pad axis 0 of size 2 by at most 1"),
    (lambda: ops.where(torch.ones(2) > 0, 1.0), ValueError, r"where: x1 and x2 must both"),
    (lambda: ops.select(torch.ones(2) > 0, [1]), ValueError, r"select: condlist and choicelist"),
    (lambda: ops.select([torch.ones(2) > 0], [1, 2]), ValueError, r"select: .*same length"),
    (lambda: ops.scatter_update(torch.ones(2), [[0]], [1.0], reduction="avg"), ValueError,
     r"scatter_update: invalid reduction='avg'"),
    (lambda: ops.unstack(torch.ones(2, 3), num=3), ValueError, r"unstack: num=3 .*x.shape\[0\]=2"),
    (lambda: ops.image.extract_patches(torch.ones(1, 4, 4, 1), "2"), TypeError,
     r"Invalid `size` argument. Expected an int or a tuple. Received: size=2 of type str"),
    (lambda: ops.image.extract_patches(torch.ones(1, 4, 4, 1), (1, 2, 3, 4)), ValueError,
     r"Expected a tuple of length 2 or 3. .* with length 4"),
    (lambda: ops.image.pad_images(torch.ones(4, 4, 1), 1, 1, 1, 1, 6, 6), ValueError,
     r"Must specify exactly two of top_padding, bottom_padding, target_height"),
    (lambda: ops.image.pad_images(torch.ones(4, 4, 1), 1, 1, target_height=3, target_width=6),
     ValueError, r"bottom_padding must be >= 0. Received: bottom_padding=-2"),
    (lambda: ops.image.crop_images(torch.ones(4, 4, 1), None, 1, 1, None, 5, 2), ValueError,
     r"top_cropping must be >= 0. Received: top_cropping=-2"),
    (lambda: ops.image.rgb_to_hsv(torch.ones(2, 2, 3, dtype=torch.int32)), ValueError,
     r"rgb_to_hsv: images must have a float dtype. Received: images.dtype=int32"),
    (lambda: ops.fft(torch.ones(3)), ValueError, r"fft: input `x` should be a tuple of two"),
    (lambda: ops.fft((torch.ones(3), torch.ones(2))), ValueError,
     r"fft: the real and imaginary parts should have the same shape"),
    (lambda: ops.stft(torch.ones(8, dtype=torch.int32), 4, 2, 4), TypeError,
     r"stft: invalid input type. Expected `float32` or `float64`"),
    (lambda: ops.stft(torch.ones(8), 4, 2, 2), ValueError, r"`fft_length` must equal or larger"),
    (lambda: ops.stft(torch.ones(8), 4, 2, 4, window="box"), ValueError,
     r"must be one of \"hann\", \"hamming\". Received: window=box"),
    (lambda: ops.ctc_decode(torch.ones(1, 3, 2), [3], strategy="beam_search"),
     NotImplementedError, r"ctc_decode: strategy='beam_search'"),
    (lambda: ops.ctc_decode(torch.ones(1, 3, 2), [3], strategy="x"), ValueError,
     r"Invalid strategy x"),
    (lambda: ops.rearrange(torch.ones(2, 3), "a b c -> a b c"), ValueError,
     r"rearrange: the pattern's input 'a b c' names 3 axes but the tensor has 2"),
    (lambda: ops.rearrange(torch.ones(2, 3), "a b -> a c"), ValueError,
     r"rearrange: both sides must name the same axes"),
    (lambda: ops.ldexp(torch.ones(2), torch.ones(2)), TypeError,
     r"ldexp exponent must be an integer type. Received: x2 dtype=float32"),
    (lambda: ops.geomspace(1.0, 2.0, axis=1), ValueError, r"geomspace: only axis=0"),
    (lambda: ops.vectorize(lambda a: a, signature="(n)->()"), NotImplementedError,
     r"vectorize: signature='\(n\)->\(\)'"),
    (lambda: ops.adaptive_average_pool(torch.ones(2, 3), 2), ValueError,
     r"adaptive_average_pool: inputs must have ndim 3, 4 or 5"),
    (lambda: ops.associative_scan(lambda a, b: a, (torch.ones(3), torch.ones(2))), ValueError,
     r"must have the same first dimension"),
    (lambda: ops.bincount(torch.ones(2, dtype=torch.int32), sparse=True), ValueError,
     r"bincount: sparse=True"),
    (lambda: ops.histogram(torch.ones(2, 2)), ValueError, r"histogram: x must be 1-D"),
    (lambda: ops.view_as_complex(torch.ones(3)), ValueError, r"last axis must have size 2"),
    (lambda: ops.depth_to_space(torch.ones(2, 3), 2), ValueError, r"depth_to_space: x must be 4-D"),
    (lambda: ops.convert_to_tensor([1], sparse=True), ValueError, r"convert_to_tensor: sparse"),
    (lambda: ops.convert_to_tensor([1], ragged=True), ValueError, r"convert_to_tensor: ragged"),
    (lambda: ops.convert_to_tensor({"a": 1}), TypeError, r"Cannot convert dict"),
    (lambda: ops.cast(torch.ones(2), "float8"), ValueError, r"Invalid dtype: 'float8'"),
    (lambda: ops.scan(1, 0, [1]), TypeError, r"scan: f should be a callable"),
    (lambda: ops.scan(lambda c, x: (c, x), 0), ValueError, r"scan: got no xs"),
    (lambda: ops.scan(lambda c, x: (c, x), 0, [1], unroll=0), ValueError, r"scan: unroll"),
    (lambda: ops.max(torch.ones(0)), ValueError, r"max: cannot compute the max of an empty"),
    (lambda: ops.min(torch.ones(0, 2)), ValueError, r"min: cannot compute the min of an empty"),
    (lambda: ops.fabs(torch.ones(2, dtype=torch.complex64)), TypeError, r"fabs does not support"),
    (lambda: ops.diagonal(torch.ones(2, 2), axis1=1, axis2=-1), ValueError,
     r"diagonal: axis1 and axis2 cannot be the same"),
    (lambda: ops.rot90(torch.ones(3)), ValueError, r"rot90: array must have at least 2"),
    (lambda: ops.rot90(torch.ones(2, 2), axes=(1, 1)), ValueError, r"rot90: axes must be two"),
    (lambda: ops.cross(torch.ones(3), torch.ones(3), axisa=0), ValueError, r"cross: axisa"),
    (lambda: ops.eye(2.0), TypeError, r"eye: N must be an integer"),
    (lambda: ops.meshgrid(torch.ones(2), indexing="xx"), ValueError, r"meshgrid: indexing"),
    (lambda: ops.searchsorted(torch.ones(2, 2), torch.ones(2)), ValueError,
     r"searchsorted: sorted_sequence must be 1-D"),
    (lambda: ops.searchsorted(torch.ones(2), torch.ones(2), side="middle"), ValueError,
     r"searchsorted: side must be"),
    (lambda: ops.segment_sum(torch.ones(3), torch.zeros(3, 1)), ValueError,
     r"segment_sum: segment_ids must be a 1-D"),
    (lambda: ops.segment_max(torch.ones(3), torch.zeros(2)), ValueError,
     r"segment_max: data and segment_ids must have the same leading"),
    (lambda: ops.cdist(torch.ones(3), torch.ones(2, 3)), ValueError, r"cdist: x and y must"),
    (lambda: ops.cdist(torch.ones(2, 3), torch.ones(2, 2)), ValueError, r"cdist: the last"),
    (lambda: ops.det(torch.ones(2, 3)), ValueError, r"det: expected a square matrix"),
    (lambda: ops.inv(torch.ones(3)), ValueError, r"inv: expected x to have rank >= 2"),
    (lambda: ops.qr(torch.ones(2, 2), mode="r"), ValueError, r"qr: mode must be"),
    (lambda: ops.one_hot(torch.tensor([1]), 2, sparse=True), ValueError, r"one_hot: sparse"),
    (lambda: ops.multi_hot(torch.tensor([1])), ValueError, r"multi_hot: argument num_classes"),
    (lambda: ops.multi_hot(torch.tensor([1]), 2, foo=1), TypeError, r"multi_hot: unexpected"),
    (lambda: ops.categorical_crossentropy(torch.ones(2, 3), torch.ones(2, 2)), ValueError,
     r"categorical_crossentropy: target and output must have the same shape"),
    (lambda: ops.sparse_categorical_crossentropy(torch.ones(3), torch.ones(2, 2)), ValueError,
     r"sparse_categorical_crossentropy: target and output must have the same shape up"),
    (lambda: ops.binary_crossentropy(torch.ones(2), torch.ones(3)), ValueError,
     r"binary_crossentropy: target and output"),
    (lambda: ops.normalize(torch.ones(2), order=0), ValueError, r"normalize: order must be .*=0"),
    (lambda: ops.moments(torch.ones(2), 0, synchronized=True), NotImplementedError,
     r"moments: synchronized=True"),
    (lambda: ops.layer_normalization(torch.ones(2), foo=1), TypeError,
     r"layer_normalization: unexpected"),
    (lambda: ops.dot_product_attention(torch.ones(2, 3), torch.ones(2, 3), torch.ones(2, 3)),
     ValueError, r"dot_product_attention: query, key and value must be 4-D"),
    (lambda: ops.dot_product_attention(*[torch.ones(1, 2, 1, 2)] * 3, bias=torch.ones(1),
                                       mask=torch.ones(1)), ValueError, r"only one of bias"),
    (lambda: ops.psnr(torch.ones(2), torch.ones(3), 1.0), ValueError, r"psnr: x1 and x2"),
    (lambda: ops.conv(torch.ones(1, 4, 2), torch.ones(3, 2, 2), padding="causal"), ValueError,
     r"conv: padding must be 'valid' or 'same'. Received: padding='causal'"),
    (lambda: ops.conv(torch.ones(1, 4, 2), torch.ones(3, 2, 2), data_format="nhwc"), ValueError,
     r"conv: data_format must be"),
    (lambda: ops.conv(torch.ones(1, 4, 3), torch.ones(3, 2, 2)), ValueError,
     r"conv: the input channels \(3\) must be divisible"),
    (lambda: ops.conv(torch.ones(4, 3), torch.ones(3, 3, 2)), ValueError,
     r"conv: inputs must have ndim 3, 4 or 5"),
    (lambda: ops.conv(torch.ones(1, 4, 4, 2), torch.ones(3, 3, 2, 2), strides=(1, 1, 1)),
     ValueError, r"conv: strides must be an int or 2 ints"),
    (lambda: ops.depthwise_conv(torch.ones(1, 4, 3), torch.ones(3, 2, 1)), ValueError,
     r"depthwise_conv: the input channels \(3\) must match"),
    (lambda: ops.conv_transpose(torch.ones(1, 4, 3), torch.ones(3, 2, 2)), ValueError,
     r"conv_transpose: the input channels \(3\) must match kernel.shape\[-1\]"),
    (lambda: ops.max_pool(torch.ones(1, 4, 2), 2, padding="full"), ValueError,
     r"max_pool: padding must be"),
]  # fmt: skip


@pytest.mark.parametrize(
    "fn, error, pattern", ERRORS, ids=[p.split(":")[0].split(" ")[0] for _, _, p in ERRORS]
)
def test_error_messages(fn, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        fn()


def test_warnings_match_keras() -> None:
    with pytest.warns(UserWarning, match="softmax over axis 1 .*size 1"):
        ops.softmax(torch.ones(2, 1), axis=1)
    with pytest.warns(UserWarning, match="rms_scaling=True"):
        ops.layer_normalization(torch.ones(2, 3), rms_scaling=True)


# --- keras.ops.image transforms beyond the table


@pytest.mark.parametrize(
    "fill_mode, interpolation, data_format",
    [("reflect", "bilinear", "channels_last"), ("constant", "nearest", "channels_first")],
)
def test_elastic_transform_matches_keras_under_the_same_global_seed(
    fill_mode, interpolation, data_format
) -> None:
    x = IMG if data_format == "channels_last" else IMG.transpose(0, 3, 1, 2)
    kwargs = dict(alpha=3.0, sigma=1.2, interpolation=interpolation, fill_mode=fill_mode)
    kwargs.update(fill_value=0.1, data_format=data_format)
    torch.manual_seed(3)  # Keras's torch backend draws from the global generator
    expected = keras.ops.convert_to_numpy(keras.ops.image.elastic_transform(x, **kwargs))
    torch.manual_seed(3)
    ours = ops.image.elastic_transform(x, **kwargs).numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
    assert not np.allclose(ours, x)


def test_elastic_transform_seed_is_reproducible() -> None:
    a = ops.image.elastic_transform(IMG, alpha=5.0, sigma=1.0, seed=4)
    torch.manual_seed(0)
    b = ops.image.elastic_transform(IMG, alpha=5.0, sigma=1.0, seed=4)
    c = ops.image.elastic_transform(IMG, alpha=5.0, sigma=1.0, seed=5)
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(a, c)


def test_affine_transform_projective_terms_divide_as_keras_documents() -> None:
    x = F(5, 6, 1)
    c0, c1 = 0.05, -0.03
    ys, xs = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    k = c0 * xs + c1 * ys + 1
    coords = np.stack([(0.9 * ys + 0.2) / k, (1.1 * xs - 0.3) / k])
    expected = ops.image.map_coordinates(x[..., 0], coords.astype("float32"), 1)
    out = ops.image.affine_transform(x, [1.1, 0, -0.3, 0, 0.9, 0.2, c0, c1])[..., 0]
    torch.testing.assert_close(out, expected)


def test_image_transform_errors() -> None:
    with pytest.raises(ValueError, match=r"affine_transform: .*`fill_mode`.*fill_mode='edge'"):
        ops.image.affine_transform(IMG, AFFINE, fill_mode="edge")
    with pytest.raises(ValueError, match=r"perspective_transform: .*interpolation='cubic'"):
        ops.image.perspective_transform(IMG, STARTS, ENDS, interpolation="cubic")
    with pytest.raises(ValueError, match=r"invalid end_points shape.*\(3, 2\)"):
        ops.image.perspective_transform(IMG, STARTS, ENDS[:3])
    with pytest.raises(NotImplementedError, match=r"order 0 and 1.*order=3"):
        ops.image.map_coordinates(F(3, 3), COORDS, 3)
    with pytest.raises(ValueError, match=r"rank of `inputs`.*\(3, 3, 1\)"):
        ops.image.map_coordinates(F(3, 3, 1), COORDS, 1)
    with pytest.raises(ValueError, match=r"scale_and_translate: .*method='area'"):
        ops.image.scale_and_translate(IMG, (2, 3, 4, 3), [1, 1], [0, 0], [1, 2], "area")
    with pytest.raises(ValueError, match=r"ssim: invalid image2 rank.*\(6, 8\)"):
        ops.image.ssim(IMG[0], IMG[0, ..., 0])
