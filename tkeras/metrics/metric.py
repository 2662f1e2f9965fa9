"""The Metric base class: state tensors accumulated on the device of the data, never synced."""

from __future__ import annotations

from typing import Any

import torch

from tkeras import initializers
from tkeras.backend.convert import standardize_dtype
from tkeras.config import floatx
from tkeras.losses.shapes import to_tensor
from tkeras.utils.naming import auto_name


class Metric:
    """Base class of the Keras metrics: ``update_state`` accumulates, ``result`` reads.

    State lives in tensors made by ``add_variable``. They start on the CPU and move to the
    device of the first batch (or wherever ``.to(device)`` puts them); updates then run on
    that device and ``result()`` returns a tensor there, so a training step never waits for
    the host. Every built-in state tensor is a sum over samples: a distributed run gets the
    global state with an all-reduce SUM of ``variables`` before ``result()``.

    Args:
        dtype: the state and computation dtype (default ``floatx()``).
        name: the metric name (default: the snake-case class name, made unique).

    Example:
        >>> import torch, tkeras
        >>> class Count(tkeras.metrics.Metric):
        ...     def __init__(self, name="count", dtype=None):
        ...         super().__init__(name=name, dtype=dtype)
        ...         self.n = self.add_variable(shape=(), name="n")
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         self.place(y_pred.device)
        ...         self.n.add_(y_pred.shape[0])
        ...     def result(self):
        ...         return self.n.clone()
        >>> m = Count(); m.update_state(None, torch.zeros(3)); m.result().item()
        3.0
    """

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or auto_name(type(self).__name__)
        self._torch_dtype = standardize_dtype(dtype or floatx())
        self._variable_attrs: list[str] = []
        self._constant_attrs: list[str] = []
        self._device = torch.device("cpu")

    @property
    def dtype(self) -> str:
        """The state dtype as a Keras name, e.g. ``'float32'``."""
        return str(self._torch_dtype).replace("torch.", "")

    @property
    def device(self) -> torch.device:
        """The device the state lives on."""
        return self._device

    @property
    def variables(self) -> list[torch.Tensor]:
        """The state tensors, in creation order (Keras's order)."""
        return [getattr(self, attr) for attr in self._variable_attrs]

    def add_variable(
        self,
        shape: Any,
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> torch.Tensor:
        """Create a state tensor on the metric's device and track it under ``name``.

        The tensor is stored as the attribute ``name`` (so ``self.total`` after
        ``add_variable((), name='total')``) and returned.

        Args:
            shape: the state shape.
            initializer: an initializer or its name (default ``'zeros'``).
            dtype: the state dtype (default: the metric's dtype).
            aggregation: how replicas combine the state; only ``'sum'`` is supported.
            name: the attribute name (required).
        """
        if name is None or not name.isidentifier():
            raise ValueError(
                f"Metric {self.name!r}: add_variable needs `name`, a valid attribute name; "
                f"received name={name!r}."
            )
        if aggregation != "sum":
            raise NotImplementedError(
                f"Metric {self.name!r}: add_variable(aggregation={aggregation!r}) is not "
                "supported; tkeras metric state is always summed across replicas ('sum')."
            )
        shape = tuple(shape) if shape is not None else ()
        dtype = standardize_dtype(dtype) if dtype is not None else self._torch_dtype
        fill = (
            {"zeros": 0.0, "ones": 1.0}.get(initializer) if isinstance(initializer, str) else None
        )
        if fill is not None:  # made on the device: no host-to-device copy (a sync on CUDA)
            value = torch.full(shape, fill, dtype=dtype, device=self._device)
        else:
            value = initializers.get(initializer)(shape, dtype=dtype).to(self._device)
        setattr(self, name, value)
        if name not in self._variable_attrs:
            self._variable_attrs.append(name)
        return value

    def add_weight(
        self,
        shape: Any = (),
        initializer: Any = "zeros",
        dtype: Any = None,
        name: str | None = None,
    ) -> torch.Tensor:
        """Keras's older name for ``add_variable``."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    def _add_constant(self, name: str, value: torch.Tensor) -> torch.Tensor:
        """Track a constant tensor (thresholds, weights) that moves with the state."""
        value = value.to(self._device)
        setattr(self, name, value)
        self._constant_attrs.append(name)
        return value

    def to(self, device: torch.device | str) -> Metric:
        """Move the state (and constants) to ``device``; returns the metric."""
        device = torch.device(device)
        for attr in self._variable_attrs + self._constant_attrs:
            setattr(self, attr, getattr(self, attr).to(device))
        tensors = self.variables
        self._device = tensors[0].device if tensors else device
        return self

    def place(self, device: torch.device) -> None:
        """Move the state to ``device`` if it lives elsewhere (a cheap host-side comparison)."""
        if device != self._device:
            self.to(device)

    def _inputs(self, *values: Any) -> tuple[torch.Tensor | None, ...]:
        """Tensors (detached) on the device of the last tensor given; the state moves there.

        The last value is ``y_pred`` by convention; None passes through (no sample weight).
        """
        anchor = values[-1]
        device = anchor.device if isinstance(anchor, torch.Tensor) else self._device
        self.place(device)
        return tuple(None if v is None else to_tensor(v, self._device).detach() for v in values)

    def reset_state(self) -> None:
        """Zero every state tensor in place."""
        for value in self.variables:
            value.zero_()

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate a batch; subclasses override this."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self) -> torch.Tensor:
        """The metric value from the state; subclasses override this."""
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def __call__(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
