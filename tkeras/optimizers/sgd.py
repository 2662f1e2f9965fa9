"""SGD: gradient descent with optional (Nesterov) momentum, Keras's formulation."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("sgd", "SGD")
class SGD(Optimizer):
    """Stochastic gradient descent optimizer, with optional momentum and Nesterov momentum.

    Without momentum: ``w -= lr * g``. With momentum: ``m = momentum * m - lr * g``, then
    ``w += m`` (or, with Nesterov, ``w += momentum * m - lr * g``). Keras keeps the learning
    rate inside the velocity; torch.optim.SGD does not, so they differ when the rate changes.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        momentum: a float in [0, 1]; 0 is plain gradient descent.
        nesterov: use Nesterov momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.zeros(2))
        >>> opt = tkeras.optimizers.SGD(learning_rate=0.5, momentum=0.5)
        >>> for _ in range(2):
        ...     opt.apply([torch.ones(2)], [w])
        >>> w.detach().tolist()
        [-1.25, -1.25]
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
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
        # Keras requires a float here (momentum=0 as an int is rejected too).
        if not isinstance(momentum, float) or not 0 <= momentum <= 1:
            raise ValueError(
                f"SGD: `momentum` must be a float between [0, 1]. Received: momentum={momentum!r}"
            )
        self.momentum = momentum
        self.nesterov = nesterov

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum",)] if self.momentum != 0 else []

    def _update(self, params, grads, slots, lr):
        if self.momentum == 0:
            torch._foreach_add_(params, grads, alpha=-lr)
            return
        m = slots["momentum"]
        torch._foreach_mul_(m, self.momentum)
        torch._foreach_add_(m, grads, alpha=-lr)
        if self.nesterov:
            torch._foreach_add_(params, grads, alpha=-lr)
            torch._foreach_add_(params, m, alpha=self.momentum)
        else:
            torch._foreach_add_(params, m)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
