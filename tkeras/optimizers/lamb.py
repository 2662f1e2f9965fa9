"""Lamb: layer-wise adaptive large-batch optimization (You et al., 2019)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("lamb", "Lamb")
class Lamb(Optimizer):
    """Lamb optimizer: Adam's step rescaled per weight by ``||w|| / ||step||`` (trust ratio).

    ``m = b1*m + (1-b1)*g``, ``v = b2*v + (1-b2)*g**2``,
    ``u = (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + epsilon)``,
    ``w -= lr * r * u`` with ``r = ||w|| / ||u||`` (1 when either norm is 0), as Keras.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the second moment.
        epsilon: small constant added to the root of the second moment.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> tkeras.optimizers.Lamb(learning_rate=0.1).apply([torch.ones(2)], [w])
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
        return [("momentum", "velocity")]

    def _update(self, params, grads, slots, lr):
        t = self.iterations + 1
        m, v = slots["momentum"], slots["velocity"]
        torch._foreach_lerp_(m, grads, 1 - self.beta_1)
        torch._foreach_mul_(v, self.beta_2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - self.beta_2)
        c1, c2 = 1.0 - self.beta_1**t, 1.0 - self.beta_2**t
        for w, m_i, v_i in zip(params, m, v):
            update = (m_i / c1) / (torch.sqrt(v_i / c2) + self.epsilon)
            w_norm = torch.linalg.vector_norm(w)
            u_norm = torch.linalg.vector_norm(update)
            # The trust ratio stays on the device: no host sync per weight.
            ratio = torch.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm, 1.0)
            w.sub_(ratio * lr * update)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
