"""Adadelta: steps scaled by the ratio of running RMS of updates to running RMS of gradients."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("adadelta", "Adadelta")
class Adadelta(Optimizer):
    """Adadelta optimizer (Zeiler, 2012).

    ``acc_g = rho*acc_g + (1-rho)*g**2``;
    ``delta = -sqrt(acc_d + epsilon) / sqrt(acc_g + epsilon) * g``;
    ``acc_d = rho*acc_d + (1-rho)*delta**2``; ``w += lr * delta``. Keras's defaults are
    ``learning_rate=0.001, epsilon=1e-7`` (torch.optim: 1.0 and 1e-6).

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        rho: the decay rate of both running averages.
        epsilon: small constant added under the square roots.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(1))
        >>> opt = tkeras.optimizers.Adadelta(learning_rate=1.0, rho=0.0, epsilon=1.0)
        >>> opt.apply([torch.tensor([0.0])], [w])
        >>> w.detach().tolist()
        [0.0]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("accumulated_grad", "accumulated_delta_var")]

    def _update(self, params, grads, slots, lr):
        rho, eps = self.rho, self.epsilon
        acc_g, acc_d = slots["accumulated_grad"], slots["accumulated_delta_var"]
        torch._foreach_mul_(acc_g, rho)
        torch._foreach_addcmul_(acc_g, grads, grads, value=1 - rho)
        # neg_delta = sqrt(acc_d + eps) * g / sqrt(acc_g + eps), i.e. -delta.
        neg_delta = torch._foreach_add(acc_d, eps)
        torch._foreach_sqrt_(neg_delta)
        torch._foreach_mul_(neg_delta, grads)
        rms_g = torch._foreach_add(acc_g, eps)
        torch._foreach_sqrt_(rms_g)
        torch._foreach_div_(neg_delta, rms_g)
        torch._foreach_mul_(acc_d, rho)
        torch._foreach_addcmul_(acc_d, neg_delta, neg_delta, value=1 - rho)
        torch._foreach_add_(params, neg_delta, alpha=-lr)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
