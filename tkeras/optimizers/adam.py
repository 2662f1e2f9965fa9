"""Adam: adaptive moment estimation, with Keras's epsilon placement and optional AMSGrad."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("adam", "Adam")
class Adam(Optimizer):
    """Adam optimizer (Kingma & Ba, 2014), with optional AMSGrad.

    ``m = b1*m + (1-b1)*g``, ``v = b2*v + (1-b2)*g**2`` (AMSGrad: ``v_hat = max(v_hat, v)``),
    then ``w -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)``. Epsilon is added
    outside the bias correction, as in Keras; torch.optim.Adam adds it after correcting ``v``,
    so the two differ whenever ``sqrt(v)`` is near epsilon.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the second moment.
        epsilon: small constant for numerical stability ("epsilon hat" in the paper).
        amsgrad: use the AMSGrad variant (the running maximum of the second moment).
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(2))
        >>> opt = tkeras.optimizers.Adam(learning_rate=0.1)
        >>> opt.apply([torch.tensor([1.0, -1.0])], [w])
        >>> [round(x, 4) for x in w.detach().tolist()]
        [-0.1, 0.1]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
        self.amsgrad = amsgrad

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum", "velocity")] + ([("velocity_hat",)] if self.amsgrad else [])

    def _update(self, params, grads, slots, lr):
        b1, b2 = self.beta_1, self.beta_2
        t = self._step_count() + 1
        step_size = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        m, v = slots["momentum"], slots["velocity"]
        torch._foreach_lerp_(m, grads, 1 - b1)
        torch._foreach_mul_(v, b2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - b2)
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            torch._foreach_maximum_(v_hat, v)
            v = v_hat
        denom = torch._foreach_sqrt(v)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, m, denom, value=-step_size)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
