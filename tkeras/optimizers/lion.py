"""Lion: sign-of-momentum updates (EvoLved Sign Momentum)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("lion", "Lion")
class Lion(Optimizer):
    """Lion optimizer (Chen et al., 2023): ``w -= lr * sign(b1*m + (1-b1)*g)``.

    The momentum is then updated with a second rate: ``m = b2*m + (1-b2)*g``. Every element
    moves by exactly ``lr``, so Lion usually wants a 3-10x smaller learning rate than Adam.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_1: interpolation between momentum and gradient for the update direction, in (0, 1].
        beta_2: decay rate of the momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(2))
        >>> opt = tkeras.optimizers.Lion(learning_rate=0.5)
        >>> opt.apply([torch.tensor([3.0, -0.1])], [w])
        >>> w.detach().tolist()
        [-0.5, 0.5]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Lion: argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum",)]

    def _update(self, params, grads, slots, lr):
        m = slots["momentum"]
        direction = torch._foreach_mul(m, self.beta_1)
        torch._foreach_add_(direction, grads, alpha=1 - self.beta_1)
        torch._foreach_sign_(direction)
        torch._foreach_add_(params, direction, alpha=-lr)
        torch._foreach_mul_(m, self.beta_2)
        torch._foreach_add_(m, grads, alpha=1 - self.beta_2)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
