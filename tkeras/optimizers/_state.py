"""Optimizer state: Keras's ``variables`` order, save/load of own variables, and config."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from tkeras.optimizers.schedules import _base as schedules

if TYPE_CHECKING:
    from tkeras.optimizers._base import Optimizer

# Keras's scalar optimizer variables (iteration count, learning rate, Nadam's u_product) are
# float32/int32 tensors; tkeras keeps them as Python numbers and reports them in these dtypes.
_ITERATION_DTYPE = torch.int32
_SCALAR_DTYPE = torch.float32


class OptimizerStateMixin:
    """The state half of ``Optimizer`` (mixed into it; not used on its own)."""

    @property
    def variables(self) -> list[torch.Tensor]:
        """The optimizer's variables in Keras's order: iteration, learning rate (for a float
        rate), then the slots (live, torch layout), then scalar state such as Nadam's."""
        out = [torch.tensor(self._iterations, dtype=_ITERATION_DTYPE)]
        if self._lr_schedule is None:
            out.append(torch.tensor(self._lr, dtype=_SCALAR_DTYPE))
        if self.built:
            for group in self._groups:
                for i in range(len(self._params)):
                    slots = (self._slots[name][i] for name in group)
                    out.extend(slot for slot in slots if slot is not None)
            out.extend(
                torch.tensor(getattr(self, a), dtype=_SCALAR_DTYPE) for a in self._scalar_state
            )
        return out

    def save_own_variables(self, store: Any) -> None:
        """Write ``variables`` into ``store`` as ``'0'``, ``'1'``, ... (a slot has its
        variable's Keras shape)."""
        for i, v in enumerate(self.variables):
            store[str(i)] = v.detach().cpu().numpy()

    @torch.no_grad()
    def load_own_variables(self, store: Any) -> None:
        """Read ``variables`` from a ``store`` written by ``save_own_variables`` or Keras."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if not self.built:
                message += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        self._iterations = int(np.asarray(store["0"]))
        position = 1
        if self._lr_schedule is None:
            self._lr = float(np.asarray(store["1"]))
            position = 2
        n_scalars = len(self._scalar_state)
        for i in range(position, len(variables) - n_scalars):
            variables[i].copy_(torch.as_tensor(np.asarray(store[str(i)])))
        for j, attr in enumerate(self._scalar_state):
            setattr(self, attr, float(np.asarray(store[str(len(variables) - n_scalars + j)])))

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with Keras's keys; a schedule is serialized as in Keras."""
        schedule = self._lr_schedule
        if schedule is None:
            learning_rate: Any = self._lr
        elif isinstance(schedule, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(schedule)
        else:
            learning_rate = schedule
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Optimizer:
        """The optimizer ``cls(**config)``, deserializing a schedule given as a dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)
