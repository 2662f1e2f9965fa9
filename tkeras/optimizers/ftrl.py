"""Ftrl: follow-the-regularized-leader (McMahan et al., 2013), as Keras implements it."""

from __future__ import annotations

from typing import Any

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("ftrl", "Ftrl")
class Ftrl(Optimizer):
    """FTRL-Proximal optimizer with L1, L2 and L2-shrinkage regularization.

    Per weight: ``n' = n + g**2``; ``z += g + 2*l2s*w - (n'**-p - n**-p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n'**-p / lr + 2*(l2 + beta / (2*lr)))``; ``n = n'``
    (``p`` = ``learning_rate_power``), exactly Keras's update.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        learning_rate_power: <= 0, how the per-coordinate rate decays (-0.5: 1/sqrt).
        initial_accumulator_value: the accumulators' starting value (non-negative).
        l1_regularization_strength: L1 strength (>= 0).
        l2_regularization_strength: L2 strength (>= 0).
        l2_shrinkage_regularization_strength: L2 shrinkage applied to the gradient (>= 0).
        beta: the beta of the per-coordinate rate (Keras's default 0).
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            as for ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> tkeras.optimizers.Ftrl(learning_rate=0.1).apply([torch.ones(2)], [w])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
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
        checks = {
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
        }
        for arg, value in checks.items():
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError(
                "`learning_rate_power` needs to be negative or zero. Received: "
                f"learning_rate_power={learning_rate_power}."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("accumulator", "linear")]

    def _slot_initial_value(self, name: str) -> float:
        return self.initial_accumulator_value if name == "accumulator" else 0.0

    def _update(self, params, grads, slots, lr):
        p = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrink = 2 * self.l2_shrinkage_regularization_strength
        for w, g, n, z in zip(params, grads, slots["accumulator"], slots["linear"]):
            new_n = n + g * g
            n_pow, new_pow = n.pow(p), new_n.pow(p)
            z.add_(g + shrink * w - (new_pow - n_pow) / lr * w)
            quadratic = new_pow / lr + 2 * l2
            w.copy_((z.clamp(-l1, l1) - z) / quadratic)
            n.copy_(new_n)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
