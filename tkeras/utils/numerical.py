"""Numerical helpers: one-hot encoding and normalization."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """One-hot encode integer class ids: ``to_categorical([0, 2], 3)`` -> a float64 matrix.

    Args:
        x: array-like (list, NumPy array or torch tensor) of non-negative integer class ids;
            a trailing axis of size 1 is dropped.
        num_classes: total number of classes; defaults to ``max(x) + 1``.

    Returns:
        As in Keras: a float64 NumPy array for a list or NumPy input, a float32 torch tensor
        on the input's device for a tensor input. The class axis is last.

    Differences from Keras: for a tensor input Keras 3.15's torch backend returns an int64
    tensor and cannot infer ``num_classes`` (TypeError); tkeras returns float32, as Keras's
    TF and JAX backends do, and infers it. Negative, out-of-range and non-integral ids raise
    ValueError (Keras's tensor path encodes a negative id as all zeros).

    Example:
        >>> import tkeras
        >>> tkeras.utils.to_categorical([0, 2], num_classes=3).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    tensor = x if isinstance(x, torch.Tensor) else None
    if tensor is not None:
        x = tensor.detach().cpu().numpy()
    x = np.asarray(x)
    if x.size and (np.issubdtype(x.dtype, np.floating) and not np.all(x == np.round(x))):
        raise ValueError("to_categorical expects integer class ids; received non-integral values.")
    x = x.astype("int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if x.size and x.min() < 0:
        raise ValueError(f"to_categorical expects non-negative class ids; received {x.min()}.")
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    if x.size and x.max() >= num_classes:
        raise ValueError(
            f"to_categorical: class id {int(x.max())} is out of range for "
            f"num_classes={num_classes}."
        )
    out = np.zeros((x.shape[0], num_classes), dtype="float64")
    out[np.arange(x.shape[0]), x] = 1.0
    out = out.reshape((*shape, num_classes))
    if tensor is not None:
        return torch.from_numpy(out.astype("float32")).to(tensor.device)
    return out


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Normalize an array to unit ``order``-norm along ``axis``."""
    x = np.asarray(x, dtype="float32")
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
