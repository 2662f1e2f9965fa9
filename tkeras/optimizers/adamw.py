"""AdamW: Adam with decoupled weight decay ``w -= w * weight_decay * lr`` (default 0.004)."""

from __future__ import annotations

from typing import Any

from tkeras.optimizers._base import OPTIMIZERS
from tkeras.optimizers.adam import Adam


# AdamW subclasses Adam because Keras's does: `isinstance(AdamW(), Adam)` holds in both.
@OPTIMIZERS.register("adamw", "AdamW")
class AdamW(Adam):
    """AdamW optimizer: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before each Adam update, ``w -= w * weight_decay * lr`` (the learning rate includes any
    schedule). torch.optim.AdamW decays the same way but with its own epsilon placement and a
    default decay of 0.01; Keras's default is 0.004.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        weight_decay: the decoupled weight decay rate (required, a float).
        beta_1, beta_2, epsilon, amsgrad: as for ``Adam``.
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
            loss_scale_factor, gradient_accumulation_steps, name: as for
            ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(1))
        >>> opt = tkeras.optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
        >>> opt.apply([torch.zeros(1)], [w])
        >>> w.detach().tolist()
        [0.949999988079071]
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
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
        if self.weight_decay is None:
            raise ValueError(
                "AdamW: argument `weight_decay` must be a float. Received: weight_decay=None"
            )
