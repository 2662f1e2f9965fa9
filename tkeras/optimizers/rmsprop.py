"""RMSprop: gradients divided by a running root mean square, epsilon inside the root."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("rmsprop", "RMSprop")
class RMSprop(Optimizer):
    """RMSprop optimizer, with optional momentum and the centered variant.

    ``v = rho*v + (1-rho)*g**2``; the increment is ``lr * g / sqrt(v + epsilon)`` (centered:
    ``sqrt(v - a**2 + epsilon)`` with ``a = rho*a + (1-rho)*g``); with momentum,
    ``m = momentum*m + increment`` and ``w -= m``, else ``w -= increment``. torch.optim.RMSprop
    differs: ``alpha=0.99`` by default and epsilon outside the root.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        rho: decay rate of the mean square.
        momentum: momentum of the increments; 0 disables it.
        epsilon: small constant added under the square root.
        centered: normalize by the estimated variance (mean square minus squared mean).
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(1))
        >>> opt = tkeras.optimizers.RMSprop(learning_rate=0.01, rho=0.0, epsilon=0.0)
        >>> opt.apply([torch.tensor([4.0])], [w])
        >>> w.detach().tolist()
        [-0.009999999776482582]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _slot_groups(self) -> list[tuple[str, ...]]:
        groups = [("velocity",)]
        if self.momentum > 0:
            groups.append(("momentum",))
        if self.centered:
            groups.append(("average_gradient",))
        return groups

    def _update(self, params, grads, slots, lr):
        rho = self.rho
        v = slots["velocity"]
        torch._foreach_mul_(v, rho)
        torch._foreach_addcmul_(v, grads, grads, value=1 - rho)
        if self.centered:
            a = slots["average_gradient"]
            torch._foreach_mul_(a, rho)
            torch._foreach_add_(a, grads, alpha=1 - rho)
            denom = torch._foreach_addcmul(v, a, a, value=-1.0)
            torch._foreach_add_(denom, self.epsilon)
        else:
            denom = torch._foreach_add(v, self.epsilon)
        torch._foreach_sqrt_(denom)
        if self.momentum > 0:
            m = slots["momentum"]
            torch._foreach_mul_(m, self.momentum)
            torch._foreach_addcdiv_(m, grads, denom, value=lr)
            torch._foreach_sub_(params, m)
        else:
            torch._foreach_addcdiv_(params, grads, denom, value=-lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
