"""``tkeras.Variable``: an ``nn.Parameter`` that speaks Keras's layout at its surface."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from tkeras.backend.layout import IDENTITY, Layout


class Variable(nn.Parameter):
    """A layer weight: a torch Parameter (torch layout) with Keras's variable API.

    ``shape`` is torch's layout; ``numpy()``, ``value``-free ``assign()`` and the layer's
    ``get_weights()``/``set_weights()`` use Keras's layout through ``backend/layout.py``.

    Args:
        data: the initial tensor, in torch layout.
        trainable: whether optimizers update it (sets ``requires_grad``).
        name: the Keras variable name, e.g. ``'kernel'``.
        layout: a ``backend.layout.Layout`` converting between torch and Keras layouts.

    ``regularizer`` and ``constraint`` (set by ``Layer.add_weight``, None by default) are
    Keras's: the layer's ``losses`` include ``regularizer(weight)`` and the optimizer applies
    ``constraint`` after each update. ``autocast`` and ``aggregation`` are Keras's variable
    attributes as ``add_weight`` set them.
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
            f"<Variable path={self.path}, shape={tuple(self.keras_shape)}, "
            f"dtype={str(self.dtype).replace('torch.', '')}, trainable={self.trainable}>"
        )

    @property
    def trainable(self) -> bool:
        return self.requires_grad

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self.requires_grad_(bool(value))

    @property
    def keras_shape(self) -> tuple[int, ...]:
        """The shape in Keras's layout (``shape`` is torch's)."""
        return self.keras_layout.keras_shape(tuple(self.shape))

    @property
    def value(self) -> torch.Tensor:
        """The live tensor (the parameter itself), as in Keras's torch backend:
        ``v.value.grad`` is the gradient ``optimizer.apply(grads, variables)`` takes.

        Differences from Keras: until every Variable has Keras's shape (DESIGN.md), a weight
        stored in another layout (a built-in Dense kernel) shows torch's layout here; use
        ``numpy()`` for Keras's layout.
        """
        return self

    def _keras_value(self) -> torch.Tensor:
        return self.keras_layout.to_keras(self.detach())

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The value as a numpy array in Keras's layout (a bfloat16 value as float32: numpy has
        no bfloat16; Keras returns an ``ml_dtypes.bfloat16`` array with the same values)."""
        value = self._keras_value().cpu()
        if value.dtype == torch.bfloat16:
            value = value.float()
        return value.numpy().copy()

    def assign(self, value: Any) -> Variable:
        """Set the value from an array in Keras's layout; the shape must match exactly."""
        if not isinstance(value, torch.Tensor):
            value = np.asarray(value)
            if value.dtype.name == "bfloat16":  # ml_dtypes' bfloat16 (Keras's get_weights)
                value = value.astype(np.float32)
        t = torch.as_tensor(value)
        converted = self.keras_layout.from_keras(t.to(self.dtype))
        if tuple(converted.shape) != tuple(self.shape):
            raise ValueError(
                f"Cannot assign a value of shape {tuple(t.shape)} to variable {self.path!r} of "
                f"shape {self.keras_shape}."
            )
        with torch.no_grad():
            self.copy_(converted)
        return self

    def assign_add(self, value: Any) -> Variable:
        return self.assign(
            self._keras_value()
            + torch.as_tensor(np.asarray(value), dtype=self.dtype, device=self.device)
        )

    def assign_sub(self, value: Any) -> Variable:
        return self.assign(
            self._keras_value()
            - torch.as_tensor(np.asarray(value), dtype=self.dtype, device=self.device)
        )


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
