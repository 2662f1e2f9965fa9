"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("schedulefreeadamw", "ScheduleFreeAdamW")
class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW: Adam steps on an auxiliary sequence ``z`` (the ``momentum`` slot,
    started at the weights) whose running average ``x`` is interpolated into the weights.

    With ``t`` the step and ``lr`` scaled by ``min(t / warmup_steps, 1)``: ``v += (g**2 - v) *
    (1 - beta_2)``, ``z -= lr * g / (sqrt(v / (1 - beta_2**t)) + epsilon)``, ``x = (w - (1 -
    beta_1) * z_prev) / beta_1``, ``x = (1 - 1/t) * x + z / t``, ``w = (1 - beta_1) * z +
    beta_1 * x``, as Keras computes it on torch (where ``z_prev`` reads the slot after its
    update: Keras's torch variables are updated in place).

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_1: interpolation between the average and the auxiliary sequence.
        beta_2: decay rate of the second moment.
        epsilon: small constant added to the root of the second moment.
        warmup_steps: steps of linear learning-rate warmup.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> tkeras.optimizers.ScheduleFreeAdamW().apply([torch.ones(2)], [w])
    """

    def __init__(
        self,
        learning_rate: Any = 0.0025,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        warmup_steps: int = 0,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum", "velocity")]

    def _make_slot(self, name: str, param: torch.Tensor) -> torch.Tensor | None:
        slot = super()._make_slot(name, param)
        if name == "momentum":
            slot.copy_(param.detach())  # z starts at the weights
        return slot

    def _update(self, params, grads, slots, lr):
        t = float(self.iterations + 1)
        if self.warmup_steps > 0:
            lr = lr * min(t / self.warmup_steps, 1.0)
        b1, b2 = self.beta_1, self.beta_2
        correction = 1.0 - b2**t
        weight = 1.0 / t
        z, v = slots["momentum"], slots["velocity"]
        for w, g, z_i, v_i in zip(params, grads, z, v):
            v_i.add_((torch.square(g) - v_i) * (1 - b2))
            z_i.sub_(lr * g / (torch.sqrt(v_i / correction) + self.epsilon))
            x = (w - (1 - b1) * z_i) / b1
            x = (1 - weight) * x + weight * z_i
            w.copy_((1 - b1) * z_i + b1 * x)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        }
