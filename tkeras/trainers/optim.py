"""Optimizers for compile(): tkeras optimizers by name or instance, or a torch.optim one."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def resolve_optimizer(identifier: Any) -> Any:
    """A tkeras optimizer for a name, config or instance; a ``torch.optim.Optimizer`` as is."""
    if isinstance(identifier, torch.optim.Optimizer):
        return identifier
    from tkeras import optimizers

    return optimizers.get(identifier)


def wrap_for_loss_scaling(model: Any, optimizer: Any) -> Any:
    """Keras's ``auto_scale_loss``: a ``mixed_float16`` model's optimizer wrapped in a
    ``LossScaleOptimizer`` (a torch.optim optimizer is left as is: it has no loss scaling)."""
    from tkeras.optimizers.loss_scale_optimizer import LossScaleOptimizer

    policy = getattr(model, "dtype_policy", None)
    if (
        policy is None
        or policy.name != "mixed_float16"
        or optimizer is None
        or is_torch_optimizer(optimizer)
        or isinstance(optimizer, LossScaleOptimizer)
    ):
        return optimizer
    return LossScaleOptimizer(optimizer, name="loss_scale_optimizer")


def is_torch_optimizer(optimizer: Any) -> bool:
    return isinstance(optimizer, torch.optim.Optimizer)


def get_learning_rate(optimizer: Any) -> float:
    """The current learning rate as a float (the first param group's for torch.optim).

    Rounded through float32, the dtype of Keras's learning-rate variable, so that logged
    rates (``learning_rate`` in History) read as Keras's do.
    """
    if is_torch_optimizer(optimizer):
        value = optimizer.param_groups[0]["lr"]
    elif hasattr(optimizer, "learning_rate"):
        value = optimizer.learning_rate
    else:
        raise ValueError('Optimizer must have a "learning_rate" attribute.')
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
    return float(np.float32(value))


def set_learning_rate(optimizer: Any, value: float) -> None:
    """Set the learning rate (every param group's for torch.optim)."""
    if is_torch_optimizer(optimizer):
        for group in optimizer.param_groups:
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(value)
            else:
                group["lr"] = value
    elif hasattr(optimizer, "learning_rate"):
        optimizer.learning_rate = value
    else:
        raise ValueError('Optimizer must have a "learning_rate" attribute.')
