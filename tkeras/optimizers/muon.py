"""Muon: momentum orthogonalized by Newton-Schulz for 2-D weights, AdamW for the rest."""

from __future__ import annotations

import re
from typing import Any

import torch

from tkeras.optimizers._base import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("muon", "Muon")
class Muon(Optimizer):
    """Muon optimizer (Jordan et al., 2024), with Keras's AdamW fallback and Moonlight scaling.

    A 2-D weight (not an embedding when ``exclude_embeddings``, not matching ``exclude_layers``)
    takes ``m = momentum*m + g``, ``u = NS5(g + momentum*m)`` (``NS5(m)`` without
    ``nesterov``: ``ns_steps`` quintic Newton-Schulz steps with coefficients ``muon_a/b/c``
    on the matrix normalized by its norm, transposed when it has more rows than columns) and
    ``w -= lr * u * sqrt(max(rows, cols)) * rms_rate`` (no scaling when ``rms_rate`` is None).
    Every other weight takes Keras's Adam step at ``lr * adam_lr_ratio`` with ``adam_beta_1``,
    ``adam_beta_2`` and ``epsilon``. Weight decay ``w -= w * wd * lr`` uses ``weight_decay``
    for Muon weights and ``adam_weight_decay`` for the others, as Keras's.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` or a callable.
        adam_beta_1, adam_beta_2, epsilon: the AdamW fallback's constants.
        adam_weight_decay: weight decay of the AdamW-updated weights.
        weight_decay: weight decay of the Muon-updated weights.
        exclude_layers: regular expressions; a weight whose path matches one uses AdamW.
        exclude_embeddings: embeddings (``'embedding'`` in the path) use AdamW.
        muon_a, muon_b, muon_c: the Newton-Schulz coefficients.
        adam_lr_ratio: learning-rate ratio of the AdamW weights.
        momentum: Muon's momentum.
        ns_steps: Newton-Schulz iterations.
        nesterov: use Nesterov momentum.
        rms_rate: Moonlight's update RMS scale (None: no scaling).
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
            loss_scale_factor, gradient_accumulation_steps, name: as for
            ``tkeras.optimizers.Optimizer``.

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(3, 2))
        >>> tkeras.optimizers.Muon(learning_rate=0.01).apply([torch.ones(3, 2)], [w])
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        adam_beta_1: float = 0.9,
        adam_beta_2: float = 0.999,
        adam_weight_decay: float = 0.004,
        epsilon: float = 1e-7,
        weight_decay: float | None = 0.004,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        exclude_layers: list[str] | None = None,
        exclude_embeddings: bool = True,
        muon_a: float = 3.4445,
        muon_b: float = -4.7750,
        muon_c: float = 2.0315,
        adam_lr_ratio: float = 1,
        momentum: float = 0.95,
        ns_steps: int = 5,
        nesterov: bool = True,
        rms_rate: float | None = 0.2,
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
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, param: torch.Tensor) -> bool:
        if param.dim() != 2:
            return True
        path = getattr(param, "path", None) or getattr(param, "name", None) or ""
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def _slot_groups(self) -> list[tuple[str, ...]]:
        return [("momentum", "velocity")]

    def _make_slot(self, name: str, param: torch.Tensor) -> torch.Tensor | None:
        if name == "velocity" and not self._should_use_adamw(param):
            return None  # a Muon weight has no second moment (nor a Keras variable for one)
        return super()._make_slot(name, param)

    def _decay(self, params: list[torch.Tensor], idx: list[int] | None, lr: float) -> None:
        for p in self._decayed(params, idx):
            wd = self.adam_weight_decay if self._should_use_adamw(p) else self.weight_decay
            if wd is not None:
                p.mul_(1.0 - wd * lr)

    def _update(self, params, grads, slots, lr):
        t = float(self.iterations + 1)
        for w, g, m, v in zip(params, grads, slots["momentum"], slots["velocity"]):
            if v is not None:
                self._adamw_step(w, g.to(w.dtype), m, v, lr * self.adam_lr_ratio, t)
            else:
                self._muon_step(w, g, m, lr)

    def _adamw_step(self, w, g, m, v, lr, t):
        b1, b2 = self.adam_beta_1, self.adam_beta_2
        alpha = lr * (1 - b2**t) ** 0.5 / (1 - b1**t)
        m.add_((g - m) * (1 - b1))
        v.add_((torch.square(g) - v) * (1 - b2))
        w.sub_(m * alpha / (torch.sqrt(v) + self.epsilon))

    def _muon_step(self, w, g, m, lr):
        m.add_(g + m * (self.momentum - 1))
        update = self._newton_schulz(g + self.momentum * m if self.nesterov else m)
        update = lr * update
        if self.rms_rate is not None:
            update = update * max(update.shape[0], update.shape[1]) ** 0.5 * self.rms_rate
        w.sub_(update)

    def _newton_schulz(self, x: torch.Tensor) -> torch.Tensor:
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = x.transpose(-2, -1)
        x = x / (torch.linalg.matrix_norm(x, keepdim=True) + 1e-7)
        for _ in range(self.ns_steps):
            gram = x @ x.transpose(-2, -1)
            x = a * x + (b * gram + c * gram @ gram) @ x
        return x.transpose(-2, -1) if tall else x

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }
