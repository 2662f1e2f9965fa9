"""``tkeras.Variable``: an ``nn.Parameter`` with Keras's shape, values and variable API."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from tkeras.backend.layout import IDENTITY, Layout


class Variable(nn.Parameter):
    """A layer weight: a torch Parameter with Keras's shape and Keras's variable API.

    ``shape``, ``numpy()``, ``assign()`` and ``get_weights()`` all speak Keras's layout (a Dense
    kernel is ``(in, out)``). The memory underneath is laid out for the torch op that uses the
    weight (``backend/layout.py``): the Variable is a strided view of that buffer and the op
    receives ``layout.op(variable)``, a view of the same memory.

    Args:
        data: the initial value, a tensor of Keras's shape (its strides are kept).
        trainable: whether optimizers update it (sets ``requires_grad``).
        name: the Keras variable name, e.g. ``'kernel'``.
        layout: the ``backend.layout.Layout`` of its family (how the op sees it).
        path: the Keras variable path, e.g. ``'dense/kernel'``.

    ``regularizer`` and ``constraint`` (set by ``Layer.add_weight``, None by default) are
    Keras's: the layer's ``losses`` include ``regularizer(weight)`` and the optimizer applies
    ``constraint`` after each update. ``autocast`` and ``aggregation`` are Keras's variable
    attributes as ``add_weight`` set them.

    Example:
        >>> import tkeras
        >>> layer = tkeras.layers.Dense(3)
        >>> layer.build((None, 2))
        >>> layer.kernel.shape, layer.kernel.path
        (torch.Size([2, 3]), 'dense/kernel')
    """

    regularizer: Any = None
    constraint: Any = None
    autocast = True
    aggregation = "none"

    def __new__(
        cls,
        data: torch.Tensor,
        trainable: bool = True,
        name: str = "variable",
        layout: Layout = IDENTITY,
        path: str | None = None,
    ):
        var = super().__new__(cls, data, requires_grad=trainable)
        var._name = name
        var.path = path or name
        var.keras_layout = layout
        return var

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @property
    def name(self) -> str:
        """The Keras variable name, e.g. ``'kernel'``."""
        return self._name

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Variable(
            self.data.clone(memory_format=torch.preserve_format),
            self.requires_grad,
            self.name,
            self.keras_layout,
            self.path,
        )
        result.regularizer = self.regularizer
        result.constraint = self.constraint
        result.autocast = self.autocast
        result.aggregation = self.aggregation
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (
            _rebuild_variable,
            (
                self.data,
                self.requires_grad,
                self.name,
                self.path,
                self.keras_layout,
                self.regularizer,
                self.constraint,
                self.autocast,
                self.aggregation,
            ),
        )

    def __repr__(self) -> str:
        return (
            f"<Variable path={self.path}, shape={tuple(self.shape)}, "
            f"dtype={str(self.dtype).replace('torch.', '')}, trainable={self.trainable}>"
        )

    def __format__(self, spec: str) -> str:
        if self.dim() == 0:  # a scalar formats as its number, e.g. f"{lr:.4f}"
            return format(self.item(), spec)
        return super().__format__(spec)

    @property
    def trainable(self) -> bool:
        return self.requires_grad

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self.requires_grad_(bool(value))

    @property
    def keras_shape(self) -> tuple[int, ...]:
        """Alias of ``tuple(shape)`` (the shape is Keras's)."""
        return tuple(self.shape)

    @property
    def value(self) -> torch.Tensor:
        """The live tensor, as Keras's torch backend gives it: gradients flow through it and
        ``value.grad`` is the gradient."""
        return self

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """A copy of the value as a numpy array (a bfloat16 value as float32: numpy has no
        bfloat16; Keras returns an ``ml_dtypes.bfloat16`` array with the same values)."""
        value = self.detach().cpu()
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.numpy().copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def _as_value(self, value: Any) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            t = value.detach()
        else:
            value = np.asarray(value)
            if value.dtype.name == "bfloat16":  # ml_dtypes' bfloat16 (Keras's get_weights)
                value = value.astype(np.float32)
            t = torch.as_tensor(value)
        return t.to(device=self.device, dtype=self.dtype)

    def assign(self, value: Any) -> Variable:
        """Set the value (in place, keeping the storage); the shape must match exactly."""
        t = self._as_value(value)
        if tuple(t.shape) != tuple(self.shape):
            raise ValueError(
                f"Cannot assign a value of shape {tuple(t.shape)} to variable {self.path!r} of "
                f"shape {tuple(self.shape)}. The shapes must match."
            )
        with torch.no_grad():
            self.copy_(t)
        return self

    def assign_add(self, value: Any) -> Variable:
        """``variable += value`` in place."""
        with torch.no_grad():
            self.add_(self._as_value(value))
        return self

    def assign_sub(self, value: Any) -> Variable:
        """``variable -= value`` in place."""
        with torch.no_grad():
            self.sub_(self._as_value(value))
        return self


def _rebuild_variable(
    data,
    requires_grad,
    name,
    path,
    layout,
    regularizer=None,
    constraint=None,
    autocast=True,
    aggregation="none",
):
    var = Variable(data, requires_grad, name, layout, path)
    var.regularizer = regularizer
    var.constraint = constraint
    var.autocast = autocast
    var.aggregation = aggregation
    return var
