"""Weight constraints with Keras's formulas, applied by the optimizer after each update.

A constraint is a callable ``c(w) -> projected w``. A weight created with
``add_weight(constraint=...)`` is projected in place after every optimizer update, as Keras's
optimizer does. Axes are Keras's: a constraint sees the weight in Keras's layout (a Dense kernel
``(input_dim, units)``, a Conv2D kernel ``(rows, cols, in, out)``), which is the Variable's own
shape, and the result is written back in place.
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras import config as _config
from tkeras.utils.registry import Registry, get_object

REGISTRY = Registry("constraint")


def _dims(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _norms(w: torch.Tensor, axis: Any) -> torch.Tensor:
    return w.square().sum(dim=_dims(axis), keepdim=True).sqrt()


class Constraint:
    """Base class of the weight constraints: ``c(w)`` returns the projected weight.

    Subclass it and implement ``__call__(w)``; the weight arrives in Keras's layout.

    Example:
        >>> import torch, tkeras
        >>> class Clip(tkeras.constraints.Constraint):
        ...     def __call__(self, w):
        ...         return w.clamp(-1.0, 1.0)
        >>> Clip()(torch.tensor([-3.0, 0.5])).tolist()
        [-1.0, 0.5]
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        """The projected weight (the base class returns it unchanged)."""
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        """The constraint ``cls(**config)``."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@REGISTRY.register("max_norm", "MaxNorm")
class MaxNorm(Constraint):
    """Caps the L2 norm of the weights along ``axis`` at ``max_value``.

    ``w * clip(norm, 0, max_value) / (epsilon + norm)``, the norm taken over ``axis`` of the
    Keras-layout weight: ``axis=0`` for each unit's incoming vector of a Dense kernel,
    ``axis=[0, 1, 2]`` for each filter of a Conv2D kernel.

    Args:
        max_value: the largest allowed norm.
        axis: an int or a list of ints, the axes the norm is computed over.

    Example:
        >>> import torch, tkeras
        >>> w = tkeras.constraints.MaxNorm(max_value=1.0)(torch.tensor([[3.0], [4.0]]))
        >>> [round(v, 4) for v in w.flatten().tolist()]
        [0.6, 0.8]
    """

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        desired = norms.clamp(0, self.max_value)
        return w * (desired / (_config.epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


@REGISTRY.register("non_neg", "NonNeg")
class NonNeg(Constraint):
    """Sets negative weights to zero.

    Example:
        >>> import torch, tkeras
        >>> tkeras.constraints.NonNeg()(torch.tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w.clamp(min=0)


@REGISTRY.register("unit_norm", "UnitNorm")
class UnitNorm(Constraint):
    """Scales the weights along ``axis`` to unit L2 norm: ``w / (epsilon + norm)``.

    Args:
        axis: an int or a list of ints, the axes the norm is computed over (Keras's layout).

    Example:
        >>> import torch, tkeras
        >>> w = tkeras.constraints.UnitNorm()(torch.tensor([[3.0], [4.0]]))
        >>> [round(v, 4) for v in w.flatten().tolist()]
        [0.6, 0.8]
    """

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return w / (_config.epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


@REGISTRY.register("min_max_norm", "MinMaxNorm")
class MinMaxNorm(Constraint):
    """Moves the L2 norm of the weights along ``axis`` into ``[min_value, max_value]``.

    The norm is rescaled to ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``:
    ``rate=1`` enforces the bounds at once, a smaller rate moves towards them each step.

    Args:
        min_value: the smallest allowed norm.
        max_value: the largest allowed norm.
        rate: the fraction of the way to the bounds moved at each application.
        axis: an int or a list of ints, the axes the norm is computed over (Keras's layout).

    Example:
        >>> import torch, tkeras
        >>> w = tkeras.constraints.MinMaxNorm(min_value=10.0, max_value=20.0)(
        ...     torch.tensor([[3.0], [4.0]]))
        >>> [round(v, 4) for v in w.flatten().tolist()]
        [6.0, 8.0]
    """

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        norms = _norms(w, self.axis)
        desired = self.rate * norms.clamp(self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (_config.epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


REGISTRY.add("constraint", Constraint, "Constraint")

# Keras's lowercase aliases of the classes.
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

ALL_OBJECTS_DICT = {name: REGISTRY.lookup(name) for name in REGISTRY.names()}


@torch.no_grad()
def apply_constraint(variable: torch.Tensor, constraint: Any) -> None:
    """Project ``variable`` (Keras's shape) in place with ``constraint``.

    Runs on the device, without reading anything on the host.
    """
    if type(constraint) is NonNeg:  # elementwise, in place
        variable.clamp_(min=0)
        return
    value = variable.detach()
    projected = torch.as_tensor(constraint(value))
    if tuple(projected.shape) != tuple(variable.shape):
        name = getattr(variable, "path", None) or getattr(variable, "name", "a weight")
        raise ValueError(
            f"Constraint {constraint!r} returned a value of shape {tuple(projected.shape)} for "
            f"variable {name!r} of shape {tuple(value.shape)}; a constraint must return a "
            "tensor of the weight's shape."
        )
    variable.copy_(projected)


def serialize(constraint: Any) -> Any:
    """Keras's config dict of a constraint (``{'module': 'keras.constraints', ...}``).

    Example:
        >>> import tkeras
        >>> tkeras.constraints.serialize(tkeras.constraints.MaxNorm(3))["config"]
        {'max_value': 3, 'axis': 0}
    """
    from tkeras.saving.serialization import serialize_keras_object

    return serialize_keras_object(constraint)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """A constraint from its Keras config dict (written by Keras or by ``serialize``).

    Args:
        config: ``{'class_name': 'MaxNorm', 'config': {'max_value': 3, 'axis': 0}, ...}``.
        custom_objects: ``{name: class}`` for custom constraints.

    Example:
        >>> import tkeras
        >>> tkeras.constraints.deserialize({"class_name": "UnitNorm", "config": {"axis": 1}}).axis
        1
    """
    from tkeras.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier: Any) -> Any:
    """A constraint from a name (``'max_norm'``), a config dict, a class, an instance or a
    callable ``f(w) -> w``.

    None gives None; a class is instantiated with its defaults.

    Example:
        >>> import tkeras
        >>> tkeras.constraints.get("max_norm").max_value
        2
    """
    return get_object(
        identifier,
        REGISTRY,
        deserialize,
        "constraint",
        "a name such as 'max_norm', a config dict, a Constraint or a function f(w) -> w",
    )
