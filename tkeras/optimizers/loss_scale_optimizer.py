"""LossScaleOptimizer: Keras's dynamic loss scaling around another optimizer (float16 training)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer
from tkeras.optimizers._state import _ITERATION_DTYPE, _SCALAR_DTYPE

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


@OPTIMIZERS.register("lossscaleoptimizer", "LossScaleOptimizer")
class LossScaleOptimizer(Optimizer):
    """An optimizer that dynamically scales the loss so float16 gradients do not underflow.

    The loss is multiplied by the loss scale before ``backward()`` and the gradients divided
    by it before the wrapped optimizer's update. A step whose gradients are not all finite is
    skipped and the scale halved; after ``dynamic_growth_steps`` finite steps in a row the
    scale is doubled. ``compile`` wraps the optimizer in one automatically under a
    ``mixed_float16`` policy (``auto_scale_loss=True``), as Keras does.

    Args:
        inner_optimizer: the ``tkeras.optimizers.Optimizer`` to wrap.
        initial_scale: the initial loss scale (2**15).
        dynamic_growth_steps: how many finite steps in a row double the scale (2000).
        name: the optimizer's name.

    Example:
        >>> import tkeras
        >>> opt = tkeras.optimizers.LossScaleOptimizer(tkeras.optimizers.SGD(0.1))
        >>> opt.initial_scale
        32768.0

    Differences from Keras: deciding whether to skip a step reads one flag on the host per
    step (Keras's torch backend does too); the wrapped optimizer must be a tkeras optimizer.
    """

    def __init__(
        self,
        inner_optimizer: Any,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name not in kwargs:
                continue
            value = kwargs.pop(arg_name)
            if (default is None and value is not None) or value != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set "
                    f"`{arg_name}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be a tkeras optimizer (e.g. "
                f"tkeras.optimizers.Adam()). Received: {inner_optimizer!r}"
            )
        if not isinstance(dynamic_growth_steps, int) or dynamic_growth_steps < 1:
            raise ValueError(
                "LossScaleOptimizer: `dynamic_growth_steps` must be a positive integer. "
                f"Received: dynamic_growth_steps={dynamic_growth_steps!r}"
            )
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer")
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None
        # The scale lives in a tensor so a train step captured once reads the current value.
        self.dynamic_scale = torch.tensor(self.initial_scale, dtype=torch.float32)
        self.step_counter = 0

    # The loss-scale factor the train step multiplies the loss by: the live scale tensor.
    @property
    def loss_scale_factor(self) -> Any:
        return self.__dict__.get("dynamic_scale")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value: Any) -> None:
        if value is not None:
            raise ValueError("LossScaleOptimizer does not support `loss_scale_factor`.")

    @property
    def learning_rate(self) -> float:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if "inner_optimizer" in self.__dict__:
            self.inner_optimizer.learning_rate = value
        else:
            Optimizer.learning_rate.fset(self, value)

    @property
    def iterations(self) -> int:
        return self.inner_optimizer.iterations

    def build(self, variables: Iterable[torch.Tensor]) -> None:
        variables = list(variables)
        self.inner_optimizer.build(variables)
        self._params = self.inner_optimizer._params
        if variables:
            self.dynamic_scale = self.dynamic_scale.to(variables[0].device)
        self.built = True

    def scale_loss(self, loss: Any) -> Any:
        """The loss times the current loss scale."""
        scale = self.dynamic_scale
        if isinstance(loss, torch.Tensor) and scale.device != loss.device:
            scale = self.dynamic_scale = scale.to(loss.device)
        return loss * scale

    @torch.no_grad()
    def step(self) -> None:
        """Unscale the parameters' ``.grad``, then update, or skip and halve the scale."""
        if not self.built:
            raise ValueError(
                f"Optimizer {self.name!r} is not built: call `optimizer.build(variables)` "
                "before `step()`, or use `apply(grads, variables)`, which builds on first use."
            )
        grads = [p.grad for p in self._params if p.grad is not None]
        if self._finite_and_unscale(grads):
            self.inner_optimizer.step()
            self._grow()
        else:
            self._shrink()

    @torch.no_grad()
    def apply(
        self, grads: Sequence[Any], trainable_variables: Sequence[torch.Tensor] | None = None
    ) -> None:
        """Keras's ``apply``: ``grads`` are of the scaled loss."""
        if trainable_variables is not None and not self.built:
            self.build(trainable_variables)
        tensors = [torch.as_tensor(g).clone() for g in grads if g is not None]
        if self._finite_and_unscale(tensors):
            it = iter(tensors)
            unscaled = [None if g is None else next(it) for g in grads]
            self.inner_optimizer.apply(unscaled, trainable_variables)
            self._grow()
        else:
            self._shrink()

    def _finite_and_unscale(self, grads: list[torch.Tensor]) -> bool:
        if not grads:
            return True
        scale = self.dynamic_scale.to(grads[0].device)
        # One fused finiteness check over all gradients, one host read.
        finite = torch.stack([torch.isfinite(g).all() for g in grads]).all()
        if not bool(finite):
            return False
        torch._foreach_div_(grads, scale)
        return True

    def _grow(self) -> None:
        if self.step_counter == self.dynamic_growth_steps - 1:
            self.step_counter = 0
            self.dynamic_scale.mul_(2.0)
        else:
            self.step_counter += 1

    def _shrink(self) -> None:
        self.step_counter = 0
        self.dynamic_scale.mul_(0.5)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.inner_optimizer.zero_grad(set_to_none=set_to_none)

    def finalize_variable_values(self, var_list: Sequence[torch.Tensor]) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    @property
    def variables(self) -> list[torch.Tensor]:
        """Keras's order: iteration, learning rate, step counter, scale, then the inner's."""
        own = [
            torch.tensor(0, dtype=_ITERATION_DTYPE),
            torch.tensor(0.0, dtype=_SCALAR_DTYPE),
            torch.tensor(self.step_counter, dtype=_ITERATION_DTYPE),
            self.dynamic_scale.detach().cpu().clone(),
        ]
        return own + self.inner_optimizer.variables

    def save_own_variables(self, store: Any) -> None:
        own = self.variables[:4]
        for i, v in enumerate(own):
            store[str(i)] = v.numpy()
        inner: dict[str, Any] = {}
        self.inner_optimizer.save_own_variables(inner)
        for k, v in inner.items():
            store[str(int(k) + 4)] = v

    @torch.no_grad()
    def load_own_variables(self, store: Any) -> None:
        self.step_counter = int(np.asarray(store["2"]))
        self.dynamic_scale.fill_(float(np.asarray(store["3"])))
        inner = _Shifted(store, 4)
        self.inner_optimizer.load_own_variables(inner)

    def get_config(self) -> dict[str, Any]:
        from tkeras.optimizers import serialize

        return {
            "name": self.name,
            "inner_optimizer": serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> LossScaleOptimizer:
        from tkeras.optimizers import deserialize

        config = dict(config)
        inner = deserialize(config.pop("inner_optimizer"), custom_objects)
        return cls(inner, **config)


class _Shifted:
    """A view of a variable store with keys shifted down by ``offset``."""

    def __init__(self, store: Any, offset: int) -> None:
        self._store = store
        self._offset = offset

    def keys(self) -> list[str]:
        return [str(int(k) - self._offset) for k in self._store.keys() if int(k) >= self._offset]

    def __getitem__(self, key: str) -> Any:
        return self._store[str(int(key) + self._offset)]
