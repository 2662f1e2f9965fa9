"""Keras's ``keras.backend`` helpers: ``clear_session``, ``get_uid``, dtype predicates."""

from __future__ import annotations

import gc

import torch

from tkeras.backend import global_state
from tkeras.utils import naming


def clear_session(free_memory=True):
    """Reset Keras's global state: layer-name counters, the global SeedGenerator, compiled
    graphs (``torch._dynamo.reset()``) and, with ``free_memory``, garbage and the CUDA cache.

    Example:
        >>> tkeras.backend.clear_session()
        >>> tkeras.layers.Dense(1).name
        'dense'
    """
    global_state.clear_session()  # this thread's names, scopes and global SeedGenerator
    torch._dynamo.reset()
    if free_memory:
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def get_uid(prefix=""):
    """The next integer for ``prefix`` (1, 2, ...), sharing the layer-name counters.

    Example:
        >>> tkeras.backend.get_uid("dense")
        1
    """
    return naming.next_uid(prefix)


def is_keras_tensor(x):
    """Whether ``x`` is a symbolic ``KerasTensor`` (from ``keras.Input`` or a layer on one)."""
    from tkeras.models.symbolic import KerasTensor

    return isinstance(x, KerasTensor)


def _standardize(dtype) -> str:
    from tkeras.ops._common import dtype_name

    return dtype_name(dtype)


def is_float_dtype(dtype):
    """Whether ``dtype`` (a name, numpy, torch or Python type) is a float type."""
    name = _standardize(dtype)
    return name.startswith("float") or name.startswith("bfloat")


def is_int_dtype(dtype):
    """Whether ``dtype`` is a signed or unsigned integer type (bool is not)."""
    name = _standardize(dtype)
    return name.startswith("int") or name.startswith("uint")


def result_type(*dtypes):
    """The dtype Keras promotes ``dtypes`` to (JAX-style lattice, 64-bit narrowed).

    Example:
        >>> tkeras.backend.result_type("int32", "float16")
        'float16'
    """
    from tkeras.ops._common import result_type as _result_type

    return _result_type(*dtypes)
