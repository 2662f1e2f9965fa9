"""The optimizer update: ``step``/``apply`` in Keras's order (unscale, accumulate, clip, decay,
update, EMA, constraints), mixed into ``Optimizer``."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import torch

from tkeras.constraints.constraints import apply_constraint
from tkeras.optimizers._clipping import clip_by_global_norm, clip_by_norm, clip_by_value


class OptimizerUpdateMixin:
    """The update half of ``Optimizer`` (mixed into it; not used on its own)."""

    @torch.no_grad()
    def step(self) -> None:
        """Apply one update from each built parameter's ``.grad`` (None grads are skipped)."""
        if not self.built:
            raise ValueError(
                f"Optimizer {self.name!r} is not built: call `optimizer.build(variables)` "
                "before `step()`, or use `apply(grads, variables)`, which builds on first use."
            )
        params = self._params
        grads = [p.grad for p in params]
        idx = None
        if any(g is None for g in grads):
            idx = [i for i, g in enumerate(grads) if g is not None]
            if not idx:
                raise ValueError(
                    f"Optimizer {self.name!r}: no gradients provided for any variable (every "
                    "built parameter's `.grad` is None). Did the loss depend on the weights, "
                    "and did `backward()` run?"
                )
            params = [params[i] for i in idx]
            grads = [grads[i] for i in idx]
        self._apply_update(params, grads, idx)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the built parameters' gradients: set them to None, or zero them in place."""
        for p in self._params:
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.detach_()
                p.grad.zero_()

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, torch.Tensor]]) -> int:
        """Apply one update from ``(gradient, variable)`` pairs (Keras's API); returns the
        iteration count."""
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)
        return self._iterations

    def apply(
        self, grads: Sequence[Any], trainable_variables: Sequence[torch.Tensor] | None = None
    ) -> None:
        """Apply one update from explicit gradients (Keras's API), building on first use.

        Args:
            grads: one gradient (tensor or array, in torch's layout) or None per variable.
            trainable_variables: the variables; None: the ones the optimizer was built with.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"Optimizer {self.name!r}: when passing `grads` without `variables`, the "
                    "optimizer must already be built on a list of variables. Call "
                    "`optimizer.build(trainable_variables)` first."
                )
            variables = self._params
            if len(grads) != len(variables):
                raise ValueError(
                    f"Optimizer {self.name!r}: when passing `grads` without `variables`, the "
                    "gradients must match the built variables one-to-one. Received "
                    f"{len(grads)} gradients for {len(variables)} variables."
                )
        else:
            variables = list(trainable_variables)
            if len(grads) != len(variables):
                raise ValueError(
                    f"Optimizer {self.name!r}: received {len(grads)} gradients for "
                    f"{len(variables)} variables; they must match one-to-one."
                )
            self.build(variables)
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not pairs:
            raise ValueError(
                f"Optimizer {self.name!r}: no gradients provided for any variable (all "
                f"{len(variables)} gradients are None). In a custom train_step, call "
                "`loss.backward()` before reading `[v.value.grad for v in weights]`, and check "
                "that the loss depends on those weights."
            )
        if len(pairs) < len(variables):
            missing = [_describe(v) for g, v in zip(grads, variables) if g is None]
            warnings.warn(
                f"Gradients do not exist for variables [{', '.join(missing)}] when minimizing the "
                "loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=2,
            )
        params = [v for _, v in pairs]
        grads = [torch.as_tensor(g).to(device=v.device, dtype=v.dtype) for g, v in pairs]
        for g, v in zip(grads, params):
            if g.shape != v.shape:
                raise ValueError(
                    f"Optimizer {self.name!r}: the gradient for variable {_describe(v)} has "
                    f"shape {tuple(g.shape)}, expected the variable's shape "
                    f"{tuple(v.shape)}."
                )
        idx = [self._index[id(v)] for v in params]
        if idx == list(range(len(self._params))):
            idx = None
        with torch.no_grad():
            self._apply_update(params, grads, idx)

    def _apply_update(
        self, params: list[torch.Tensor], grads: list[torch.Tensor], idx: list[int] | None
    ) -> None:
        """Keras's ``apply`` after gradient filtering; ``idx``: positions among the built
        parameters (None: all of them, the hot path)."""
        probe = self._probe
        if probe is not None and (
            probe[0].device != probe[1].device or probe[0].dtype != probe[1].dtype
        ):
            self._follow_parameters()
        if self.loss_scale_factor is not None:
            grads = torch._foreach_div(grads, self.loss_scale_factor)
        lr = self._current_learning_rate()
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = self._select("gradient_accumulator", idx)
            if (self._iterations + 1) % steps:
                torch._foreach_add_(accumulators, grads)
            else:
                grads = torch._foreach_add(grads, accumulators)
                torch._foreach_div_(grads, float(steps))
                self._update_once(params, grads, idx, lr)
                torch._foreach_zero_(self._slots["gradient_accumulator"])
        else:
            self._update_once(params, grads, idx, lr)
        if self.use_ema:
            self._update_ema()
        if self._constrained:
            self._apply_constraints(idx)
        self._iterations += 1

    @torch.no_grad()
    def _apply_constraints(self, idx: list[int] | None) -> None:
        # Keras projects the variables that received a gradient, after the update (and EMA).
        updated = None if idx is None else set(idx)
        for i, param in self._constrained:
            constraint = param.constraint
            if constraint is not None and (updated is None or i in updated):
                apply_constraint(param, constraint)

    def _update_once(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        idx: list[int] | None,
        lr: float,
    ) -> None:
        grads = self._clip(grads)
        self._decay(params, idx, lr)
        if idx is None:
            slots = self._update_slots
        else:
            slots = {name: [slot[i] for i in idx] for name, slot in self._update_slots.items()}
        self._update(params, grads, slots, lr)

    def _decayed(self, params: list[torch.Tensor], idx: list[int] | None) -> list[torch.Tensor]:
        """The parameters among ``params`` that weight decay applies to."""
        if idx is None:
            return self._decay_params
        return [p for p, i in zip(params, idx) if self._decay_mask[i]]

    def _decay(self, params: list[torch.Tensor], idx: list[int] | None, lr: float) -> None:
        """Keras's decoupled weight decay ``w -= w * weight_decay * lr`` (Muon overrides it)."""
        if self.weight_decay is not None:
            decayed = self._decayed(params, idx)
            if decayed:
                torch._foreach_mul_(decayed, 1.0 - self.weight_decay * lr)

    def _select(self, name: str, idx: list[int] | None) -> list[torch.Tensor]:
        slot = self._slots[name]
        return slot if idx is None else [slot[i] for i in idx]

    def _clip(self, grads: list[torch.Tensor]) -> list[torch.Tensor]:
        # Keras's precedence and its "set and > 0" test (clipnorm=0 means no clipping).
        if self.clipnorm and self.clipnorm > 0:
            return clip_by_norm(grads, self.clipnorm)
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return clip_by_value(grads, self.clipvalue)
        return grads

    def _update_ema(self) -> None:
        averages = self._slots["average"]
        iteration = self._step_count()
        if iteration == 0:
            # Keras's momentum is 0 on the first step: the average starts at the weights.
            torch._foreach_copy_(averages, self._params)
        else:
            torch._foreach_mul_(averages, self.ema_momentum)
            torch._foreach_add_(averages, self._params, alpha=1.0 - self.ema_momentum)
        frequency = self.ema_overwrite_frequency
        if frequency and (iteration + 1) % frequency == 0:
            torch._foreach_copy_(self._params, averages)

    @torch.no_grad()
    def finalize_variable_values(self, var_list: Sequence[torch.Tensor]) -> None:
        """With ``use_ema``, overwrite ``var_list`` with the moving averages of the weights.

        Args:
            var_list: the built variables, in the order they were built with.
        """
        if not self.use_ema:
            return
        averages = self._slots.get("average", [])
        if len(var_list) != len(averages):
            raise ValueError(
                f"Optimizer {self.name!r}: the length of model variables ({len(var_list)}) to "
                "override does not match the length of model variables stored in the optimizer "
                f"({len(averages)}). Please check if the optimizer was called on your model."
            )
        for v, average in zip(var_list, averages):
            v.copy_(average)

    def scale_loss(self, loss: Any) -> Any:
        """The loss times ``loss_scale_factor`` (unchanged when it is None)."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss


def _describe(v: Any) -> str:
    name = getattr(v, "path", None) or getattr(v, "name", None)
    shape = tuple(v.shape) if hasattr(v, "shape") else "?"
    return f"{name!r} of shape {shape}" if name else f"a tensor of shape {shape}"
