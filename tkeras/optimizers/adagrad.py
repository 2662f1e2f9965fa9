"""Adagrad: per-parameter rates scaled by the accumulated squared gradients."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("adagrad", "Adagrad")
class Adagrad(Optimizer):
    """Adagrad optimizer: ``acc += g**2``, ``w -= lr * g / sqrt(acc + epsilon)``.

    The accumulator starts at ``initial_accumulator_value`` (Keras 0.1; torch.optim 0), and
    epsilon is added under the root (torch.optim adds it outside).

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        initial_accumulator_value: the accumulators' starting value (non-negative).
        epsilon: small constant added under the square root.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(1))
        >>> opt = tkeras.optimizers.Adagrad(learning_rate=1.0, initial_accumulator_value=0.0,
        ...                                 epsilon=0.0)
        >>> opt.apply([torch.tensor([3.0])], [w])
        >>> w.detach().tolist()
        [-1.0]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("accumulator",)]

    def _slot_initial_value(self, name: str) -> float:
        return float(self.initial_accumulator_value)

    def _update(self, params, grads, slots, lr):
        acc = slots["accumulator"]
        torch._foreach_addcmul_(acc, grads, grads)
        denom = torch._foreach_add(acc, self.epsilon)
        torch._foreach_sqrt_(denom)
        torch._foreach_addcdiv_(params, grads, denom, value=-lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
