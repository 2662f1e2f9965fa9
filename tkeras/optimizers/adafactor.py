"""Adafactor: Adam-like steps with a factored second moment (Shazeer & Stern, 2018)."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


def _rms(x: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(torch.mean(torch.square(x)))


@OPTIMIZERS.register("adafactor", "Adafactor")
class Adafactor(Optimizer):
    """Adafactor optimizer: the second moment of a >=2-D weight is kept as row and column
    averages over its last two axes, as Keras's.

    With ``t`` the step, ``rho = min(lr, 1/sqrt(t))`` (``lr`` itself capped the same way when
    ``relative_step`` and the rate is not callable), ``alpha = max(epsilon_2, rms(w)) * rho``,
    ``beta = 1 - t**beta_2_decay`` and ``g2 = g**2 + epsilon_1``: ``r = beta*r +
    (1-beta)*mean(g2, -1)``, ``c = beta*c + (1-beta)*mean(g2, -2)``, ``v = (r / mean(r)) c``
    (1-D weights: ``v = beta*v + (1-beta)*g2``); ``u = g / sqrt(v)`` and
    ``w -= alpha * u / max(1, rms(u) / clip_threshold)``.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        beta_2_decay: decay exponent of the second-moment rate.
        epsilon_1: added to the squared gradient.
        epsilon_2: lower bound of the weight's RMS in the step size.
        clip_threshold: threshold of the update's RMS clipping.
        relative_step: cap the learning rate at ``1/sqrt(t)``.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(2, 3))
        >>> tkeras.optimizers.Adafactor(learning_rate=0.1).apply([torch.ones(2, 3)], [w])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("r", "c", "velocity")]

    def _make_slot(self, name: str, param: torch.Tensor) -> torch.Tensor | None:
        if name == "velocity":
            return super()._make_slot(name, param)
        # Keras keeps a scalar placeholder for a weight of rank < 2 (listed in its variables).
        if param.dim() < 2:
            shape: tuple = ()
        elif name == "r":
            shape = tuple(param.shape[:-1])
        else:
            shape = (*param.shape[:-2], param.shape[-1])
        return torch.zeros(shape, dtype=param.dtype, device=param.device)

    def _update(self, params, grads, slots, lr):
        t = float(self.iterations + 1)
        cap = 1.0 / math.sqrt(t)
        if self.relative_step and self._lr_schedule is None:
            lr = min(lr, cap)
        rho = min(lr, cap)
        beta = 1.0 - t**self.beta_2_decay
        for w, g, r, c, v in zip(params, grads, slots["r"], slots["c"], slots["velocity"]):
            g = g.to(w.dtype)
            alpha = torch.clamp(_rms(w), min=self.epsilon_2) * rho
            g2 = torch.square(g) + self.epsilon_1
            if w.dim() >= 2:
                r.mul_(beta).add_(g2.mean(dim=-1), alpha=1 - beta)
                c.mul_(beta).add_(g2.mean(dim=-2), alpha=1 - beta)
                v.copy_((r / r.mean(dim=-1, keepdim=True)).unsqueeze(-1) * c.unsqueeze(-2))
            else:
                v.mul_(beta).add_(g2, alpha=1 - beta)
            u = g / torch.sqrt(v)
            u = u / torch.clamp(_rms(u) / self.clip_threshold, min=1.0)
            w.sub_(alpha * u)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        }
