"""Adamax: the infinity-norm variant of Adam."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("adamax", "Adamax")
class Adamax(Optimizer):
    """Adamax optimizer: Adam with the infinity norm (Kingma & Ba, 2014, section 7).

    ``m = b1*m + (1-b1)*g``, ``u = max(b2*u, |g|)``,
    ``w -= lr * m / ((1 - b1**t) * (u + epsilon))``.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the weighted infinity norm.
        epsilon: small constant for numerical stability.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(1))
        >>> opt = tkeras.optimizers.Adamax(learning_rate=0.1, epsilon=0.0)
        >>> opt.apply([torch.tensor([2.0])], [w])
        >>> [round(x, 6) for x in w.detach().tolist()]
        [-0.1]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum", "norm")]

    def _update(self, params, grads, slots, lr):
        t = self._step_count() + 1
        m, u = slots["momentum"], slots["norm"]
        torch._foreach_lerp_(m, grads, 1 - self.beta_1)
        torch._foreach_mul_(u, self.beta_2)
        torch._foreach_maximum_(u, torch._foreach_abs(grads))
        denom = torch._foreach_add(u, self.epsilon)
        torch._foreach_addcdiv_(params, m, denom, value=-lr / (1 - self.beta_1**t))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
