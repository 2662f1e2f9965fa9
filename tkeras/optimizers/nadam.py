"""Nadam: Adam with Nesterov momentum and Keras's momentum-decay schedule."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("nadam", "Nadam")
class Nadam(Optimizer):
    """Nadam optimizer: Adam with Nesterov momentum (Dozat, 2015).

    The momentum coefficient warms up as ``u_t = b1 * (1 - 0.5 * 0.96**t)`` and the running
    product of the ``u_t`` corrects the bias of ``m``; ``v`` is corrected by ``1 - b2**t``, and
    ``w -= lr * m_hat / (sqrt(v_hat) + epsilon)``. torch.optim.NAdam's ``momentum_decay=0.004``
    schedule differs from Keras's 0.96 one.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the second moment.
        epsilon: small constant for numerical stability.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(1))
        >>> opt = tkeras.optimizers.Nadam(learning_rate=0.1)
        >>> opt.apply([torch.tensor([1.0])], [w])
        >>> [round(x, 4) for x in w.detach().tolist()]
        [-0.1063]
    """

    # Keras keeps the running product of the momentum coefficients as a scalar variable.
    _scalar_state = ("_u_product",)

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
        self._u_product = 1.0

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum", "velocity")]

    def _update(self, params, grads, slots, lr):
        b1, b2 = self.beta_1, self.beta_2
        t = self._step_count() + 1
        u_t = b1 * (1.0 - 0.5 * 0.96**t)
        u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self._u_product *= u_t
        u_product_next = self._u_product * u_next
        m, v = slots["momentum"], slots["velocity"]
        torch._foreach_lerp_(m, grads, 1 - b1)
        torch._foreach_mul_(v, b2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - b2)
        m_hat = torch._foreach_mul(m, u_next / (1.0 - u_product_next))
        torch._foreach_add_(m_hat, grads, alpha=(1.0 - u_t) / (1.0 - self._u_product))
        # sqrt(v / (1 - b2**t)) + epsilon, as sqrt(v) / sqrt(1 - b2**t) + epsilon.
        denom = torch._foreach_sqrt(v)
        torch._foreach_mul_(denom, 1.0 / math.sqrt(1.0 - b2**t))
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(params, m_hat, denom, value=-lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
