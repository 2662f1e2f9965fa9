"""Weight and activity penalties with Keras's formulas, on torch tensors (autograd kept).

A regularizer is a callable ``reg(x) -> scalar tensor``. A layer weight created with
``add_weight(regularizer=...)`` contributes ``reg(weight)`` (in Keras's layout) to
``layer.losses`` on every read, and ``fit()`` adds ``sum(model.losses)`` to the loss, as Keras
does. An ``activity_regularizer`` adds ``reg(output) / batch_size`` after each layer call.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from tkeras import config as _config
from tkeras.utils.registry import Registry, get_object

REGISTRY = Registry("regularizer")


def _non_negative_float(owner: str, name: str, value: Any) -> float:
    """Keras's check: an int or float (bool included, as in Keras), finite and >= 0."""
    if not isinstance(value, (float, int)) or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(
            f"{owner}: invalid value for argument `{name}`: expected a non-negative float. "
            f"Received: {name}={value!r}"
        )
    return float(value)


def _float32(value: float) -> float:
    # Keras keeps L1's `l1` and OrthogonalRegularizer's `factor` as float32 tensors, so their
    # configs hold the float32-rounded value (0.1 -> 0.10000000149011612).
    return float(np.float32(value))


class Regularizer:
    """Base class of the penalties: ``reg(x)`` returns a scalar added to the loss.

    Subclass it and implement ``__call__(x)`` (and ``get_config()`` to save it); any plain
    function ``f(weight) -> scalar`` works as a regularizer too.

    Example:
        >>> import torch, tkeras
        >>> class Sum(tkeras.regularizers.Regularizer):
        ...     def __call__(self, x):
        ...         return 0.5 * x.sum()
        ...     def get_config(self):
        ...         return {}
        >>> Sum()(torch.ones(2, 2)).item()
        2.0
    """

    def __call__(self, x: torch.Tensor) -> Any:
        """The penalty of ``x`` (the base class adds nothing)."""
        return 0.0

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """The regularizer ``cls(**config)``."""
        return cls(**config)

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (subclasses must implement it to be saved)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement get_config(); define it (returning the "
            "constructor arguments as a dict) to save or clone a model that uses it."
        )

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


@REGISTRY.register("l1l2", "L1L2")
class L1L2(Regularizer):
    """L1 and L2 penalties together: ``l1 * sum(|x|) + l2 * sum(x**2)``.

    The string ``'l1l2'`` gives ``L1L2(l1=0.0, l2=0.0)`` (Keras's defaults; ``'l1_l2'`` is not
    a Keras identifier).

    Args:
        l1: non-negative float, the L1 factor (None means 0).
        l2: non-negative float, the L2 factor (None means 0).

    Example:
        >>> import torch, tkeras
        >>> tkeras.regularizers.L1L2(l1=0.5, l2=0.25)(torch.tensor([1.0, -2.0])).item()
        2.75
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _non_negative_float("L1L2", "l1", 0.0 if l1 is None else l1)
        self.l2 = _non_negative_float("L1L2", "l2", 0.0 if l2 is None else l2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        penalty = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1 != 0.0:
            penalty = penalty + self.l1 * x.abs().sum()
        if self.l2 != 0.0:
            penalty = penalty + self.l2 * x.square().sum()
        return penalty

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


@REGISTRY.register("l1", "L1")
class L1(Regularizer):
    """L1 penalty: ``l1 * sum(|x|)``; the string ``'l1'`` gives ``l1=0.01``.

    Differences from Keras: ``l1`` is a Python float (Keras keeps a float32 tensor); it is
    rounded to float32 as Keras's is, so configs match.

    Args:
        l1: non-negative float, the factor (None means 0.01).

    Example:
        >>> import torch, tkeras
        >>> tkeras.regularizers.L1(0.5)(torch.tensor([1.0, -3.0])).item()
        2.0
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _float32(_non_negative_float("L1", "l1", 0.01 if l1 is None else l1))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l1 * x.abs().sum()

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@REGISTRY.register("l2", "L2")
class L2(Regularizer):
    """L2 penalty: ``l2 * sum(x**2)`` (no 1/2 factor); the string ``'l2'`` gives ``l2=0.01``.

    Args:
        l2: non-negative float, the factor (None means 0.01).

    Example:
        >>> import torch, tkeras
        >>> tkeras.regularizers.L2(0.5)(torch.tensor([1.0, -3.0])).item()
        5.0
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _non_negative_float("L2", "l2", 0.01 if l2 is None else l2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.l2 * x.square().sum()

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


_MODES = ("rows", "columns")


@REGISTRY.register("orthogonal_regularizer", "OrthogonalRegularizer")
class OrthogonalRegularizer(Regularizer):
    """Orthogonality penalty on the rows (or columns) of a rank-2 weight.

    ``factor * 0.5 * sum(|P - diag(P)|) / (n * (n - 1) / 2)`` with ``P`` the Gram matrix of the
    L2-normalized rows (``mode='rows'``) or columns, ``n`` their number: ``factor`` times the
    mean absolute cosine between distinct rows. Applied to a Dense kernel ``(input_dim, units)``
    in Keras's layout.

    Args:
        factor: non-negative float, the penalty factor (stored rounded to float32, as Keras's).
        mode: ``'rows'`` or ``'columns'``.

    Example:
        >>> import torch, tkeras
        >>> reg = tkeras.regularizers.OrthogonalRegularizer(factor=1.0)
        >>> reg(torch.tensor([[1.0, 0.0], [1.0, 0.0]])).item()
        1.0
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _float32(_non_negative_float("OrthogonalRegularizer", "factor", factor))
        if mode not in _MODES:
            raise ValueError(
                "OrthogonalRegularizer: invalid value for argument `mode`. Expected one of "
                f"{_MODES}. Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dim() != 2:
            raise ValueError(
                "OrthogonalRegularizer: inputs must have rank 2, e.g. a Dense kernel "
                f"(input_dim, units). Received: inputs.shape={tuple(inputs.shape)}"
            )
        axis = 1 if self.mode == "rows" else 0
        # Keras's L2 normalization: x * min(rsqrt(sum(x**2)), 1 / epsilon).
        inverse_norm = inputs.square().sum(dim=axis, keepdim=True).rsqrt()
        normalized = inputs * inverse_norm.clamp(max=1.0 / _config.epsilon())
        if self.mode == "rows":
            product = normalized @ normalized.t()
        else:
            product = normalized.t() @ normalized
        size = product.shape[0]
        off_diagonal = product * (1.0 - torch.eye(size, dtype=inputs.dtype, device=inputs.device))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * off_diagonal.abs().sum() / num_pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


REGISTRY.add("regularizer", Regularizer, "Regularizer")

# Keras's lowercase aliases of the classes.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS_DICT = {name: REGISTRY.lookup(name) for name in REGISTRY.names()}


def weight_penalty(regularizer: Any, variable: torch.Tensor) -> Any:
    """``regularizer`` applied to a weight's live value (Keras's shape; keeps autograd)."""
    return regularizer(variable)


def serialize(regularizer: Any) -> Any:
    """Keras's config dict of a regularizer (``{'module': 'keras.regularizers', ...}``).

    Example:
        >>> import tkeras
        >>> tkeras.regularizers.serialize(tkeras.regularizers.L2(0.1))["config"]
        {'l2': 0.1}
    """
    from tkeras.saving.serialization import serialize_keras_object

    return serialize_keras_object(regularizer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A regularizer from its Keras config dict (written by Keras or by ``serialize``).

    Args:
        config: ``{'class_name': 'L2', 'config': {'l2': 0.1}, ...}``.
        custom_objects: ``{name: class}`` for custom regularizers.

    Example:
        >>> import tkeras
        >>> tkeras.regularizers.deserialize({"class_name": "L1", "config": {"l1": 0.5}}).l1
        0.5
    """
    from tkeras.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier: Any) -> Any:
    """A regularizer from a name (``'l2'``), a config dict, a class, an instance or a callable.

    None gives None; a class is instantiated with its defaults.

    Example:
        >>> import tkeras
        >>> tkeras.regularizers.get("l2").l2
        0.01
    """
    return get_object(
        identifier,
        REGISTRY,
        deserialize,
        "regularizer",
        "a name such as 'l2', a config dict, a Regularizer or a function f(weight) -> scalar",
    )
