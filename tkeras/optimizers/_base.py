"""The optimizer base: Keras's optimizer API and update order over torch ``_foreach_*`` kernels.

Each public optimizer subclasses ``Optimizer`` and supplies its slot names and one ``_update``
over lists of parameters. This base owns everything Keras's ``BaseOptimizer`` does around that
update, in Keras's order: loss-scale unscaling, gradient accumulation, clipping, decoupled weight
decay, the learning-rate schedule, EMA of the weights, the variables' constraints and the
iteration counter.

The hot path (``step()``) never reads a tensor on the host: the iteration count is a Python int,
the learning rate a Python float, bias corrections are computed in Python, and every branch is
on Python values, so a GPU step never waits.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch

from tkeras.constraints.constraints import apply_constraint
from tkeras.optimizers._clipping import clip_by_global_norm, clip_by_norm, clip_by_value
from tkeras.optimizers.schedules import _base as schedules
from tkeras.utils.naming import auto_name
from tkeras.utils.registry import Registry

OPTIMIZERS = Registry("optimizer")

# Keras's scalar optimizer variables (iteration count, learning rate, Nadam's u_product) are
# float32/int32 tensors; tkeras keeps them as Python numbers and reports them in these dtypes.
_ITERATION_DTYPE = torch.int32
_SCALAR_DTYPE = torch.float32


def _keras_layout(param: torch.Tensor) -> Any:
    """The ``backend.layout`` object of a tkeras Variable; None for a plain tensor."""
    return getattr(param, "keras_layout", None)


class Optimizer:
    """Optimizer base class: Keras's optimizer API (``apply``, ``build``, ``learning_rate``, ...).

    Use a subclass (``Adam``, ``SGD``, ...). An optimizer is constructed without parameters, as
    in Keras; ``build(variables)`` binds it to a list of torch Parameters (tkeras Variables or
    plain ``nn.Parameter``s) and creates its slots next to each one. ``step()`` then applies one
    update from each parameter's ``.grad``, torch-style, and ``apply(grads, variables)`` /
    ``apply_gradients(grads_and_vars)`` do the same from explicit gradients, Keras-style.

    Args:
        learning_rate: a float, a ``LearningRateSchedule`` (evaluated at ``iterations`` before
            each update), or a zero-argument callable returning the rate.
        weight_decay: if set, decoupled weight decay ``w -= w * weight_decay * lr`` before each
            update.
        clipnorm: if set, clip each gradient to this L2 norm.
        clipvalue: if set, clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: if set, scale all gradients together so their global norm is at most
            this value. At most one of the three clipping arguments may be set.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: the EMA momentum: ``average = m * average + (1 - m) * weight``.
        ema_overwrite_frequency: if set, overwrite the weights with their average every this
            many iterations; otherwise call ``finalize_variable_values`` at the end.
        loss_scale_factor: if set, ``scale_loss`` multiplies the loss by it and each update
            divides the gradients by it.
        gradient_accumulation_steps: an int >= 2: accumulate gradients over this many steps
            and update with their mean on the last one.
        name: the optimizer's name (default: from the class name, e.g. ``'adam'``).

    After each update, every updated variable with a ``constraint`` (set by ``add_weight``) is
    projected in place with it, on its Keras-layout view, as Keras's optimizer does.

    Differences from Keras: ``iterations`` is a Python int and ``learning_rate`` reads as a
    Python float (not Variables); only variables that have a ``constraint`` when the optimizer
    is built are constrained (Keras reads every variable's at each step); in ``variables``, the
    iteration count, the learning rate and Nadam's ``u_product`` are read-only snapshots, while
    the slot tensors are live and in torch's layout (``save_own_variables`` writes Keras's
    layout).

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(3))
        >>> opt = tkeras.optimizers.SGD(learning_rate=0.1)
        >>> opt.build([w])
        >>> w.grad = torch.ones(3)
        >>> opt.step()
        >>> w.detach().tolist(), opt.iterations
        ([0.8999999761581421, 0.8999999761581421, 0.8999999761581421], 1)
    """

    # Names of Python-float state that Keras keeps as extra scalar variables after the slots.
    _scalar_state: tuple[str, ...] = ()

    def __init__(
        self,
        learning_rate: Any,
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
        cls = type(self).__name__
        if kwargs.pop("decay", None) is not None:
            # Keras 3 accepts and ignores the Keras 2 argument with this warning.
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=2
            )
        if kwargs:
            raise ValueError(f"{cls}: argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and (
            not isinstance(gradient_accumulation_steps, int) or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                f"{cls}: `gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps!r}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(
                    f"{cls}: `ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    f"{cls}: `ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency!r}"
                )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{cls}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.name = name if name is not None else auto_name(cls)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._iterations = 0
        self._lr = 0.0
        self._lr_schedule: Callable[..., Any] | None = None
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            self._lr_schedule = learning_rate
        elif isinstance(learning_rate, float):
            self._lr = learning_rate
        else:
            raise ValueError(
                f"{cls}: argument `learning_rate` should be a float, a LearningRateSchedule, or "
                "a callable returning the learning rate. "
                f"Received instead: learning_rate={learning_rate!r}"
            )
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern | None = None
        self._params: list[torch.Tensor] = []
        self._index: dict[int, int] = {}
        self._groups: list[tuple[str, ...]] = []
        self._slots: dict[str, list[torch.Tensor]] = {}
        self._update_slots: dict[str, list[torch.Tensor]] = {}
        self._probe: tuple[torch.Tensor, torch.Tensor] | None = None
        self._decay_mask: list[bool] = []
        self._decay_params: list[torch.Tensor] = []
        # (position among the built parameters, parameter) of each constrained parameter.
        self._constrained: list[tuple[int, torch.Tensor]] = []

    # ------------------------------------------------------------------ subclass hooks

    def _slot_groups(self) -> list[tuple[str, ...]]:
        """The optimizer's slots, grouped as Keras creates them (each group interleaved per
        variable), so ``variables`` lists them in Keras's order."""
        return []

    def _slot_initial_value(self, name: str) -> float:
        return 0.0

    def _update(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        slots: dict[str, list[torch.Tensor]],
        lr: float,
    ) -> None:
        """One update of ``params`` in place from clipped ``grads``; ``slots`` align with them."""
        raise NotImplementedError(
            f"{type(self).__name__}: `Optimizer` is the base class and has no update rule; "
            "use a subclass such as tkeras.optimizers.Adam."
        )

    # ------------------------------------------------------------------ learning rate

    @property
    def learning_rate(self) -> float:
        """The current learning rate as a float (a schedule is evaluated at ``iterations``)."""
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            self._lr_schedule = value
            return
        if isinstance(self._lr_schedule, schedules.LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__}: this optimizer was created with a "
                "`LearningRateSchedule` object as its `learning_rate` constructor argument, "
                "hence its learning rate is not settable. If you need the learning rate to be "
                "settable, you should instantiate the optimizer with a float `learning_rate` "
                f"argument. Received: learning_rate={value!r}"
            )
        self._lr = float(value)
        self._lr_schedule = None

    def _current_learning_rate(self) -> float:
        schedule = self._lr_schedule
        if schedule is None:
            return self._lr
        # Keras evaluates a schedule at the raw step count, even with gradient accumulation.
        if isinstance(schedule, schedules.LearningRateSchedule):
            return float(schedule(self._iterations))
        return float(schedule())

    @property
    def iterations(self) -> int:
        """The number of updates applied (with gradient accumulation: of completed updates)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    # ------------------------------------------------------------------ building

    def build(self, variables: Iterable[torch.Tensor]) -> None:
        """Bind the optimizer to ``variables`` and create its slots next to each one.

        Building again with the same variables, or a subset of them, does nothing.

        Args:
            variables: torch Parameters (tkeras Variables or ``nn.Parameter``s), e.g.
                ``model.trainable_weights``.
        """
        variables = list(variables)
        if self.built:
            unknown = [v for v in variables if id(v) not in self._index]
            if unknown:
                raise ValueError(
                    f"Optimizer {self.name!r} was built for {len(self._params)} variables and "
                    f"{len(unknown)} of the {len(variables)} variables given are not among them "
                    f"(first: {_describe(unknown[0])}). An optimizer can only update the "
                    "variables it was built with; create a new optimizer instance for new ones."
                )
            return
        index: dict[int, int] = {}
        for i, v in enumerate(variables):
            if not isinstance(v, torch.Tensor):
                raise TypeError(
                    f"Optimizer {self.name!r} can only be built on torch tensors (tkeras "
                    f"Variables or nn.Parameters). Received at position {i}: {type(v).__name__}"
                )
            if id(v) in index:
                raise ValueError(
                    f"Optimizer {self.name!r}: variable {_describe(v)} appears twice in the "
                    f"variables to build (positions {index[id(v)]} and {i}); it would be "
                    "updated twice per step."
                )
            index[id(v)] = i
        self._params = variables
        self._index = index
        groups: list[tuple[str, ...]] = []
        if self.use_ema:
            groups.append(("average",))
        if self.gradient_accumulation_steps:
            groups.append(("gradient_accumulator",))
        groups += self._slot_groups()
        self._groups = groups
        self._slots = {}
        for group in groups:
            for name in group:
                fill = self._slot_initial_value(name)
                self._slots[name] = [
                    torch.full_like(p, fill, memory_format=torch.preserve_format).detach()
                    for p in variables
                ]
        # The slots the update rule reads (EMA averages and accumulators belong to this base).
        self._update_slots = {
            name: self._slots[name] for group in self._slot_groups() for name in group
        }
        self._set_probe()
        self._constrained = [
            (i, p) for i, p in enumerate(variables) if getattr(p, "constraint", None) is not None
        ]
        self.built = True
        self._refresh_decay_mask()

    def _set_probe(self) -> None:
        # One (parameter, slot) pair checked per step: a model moved with .to() after the
        # optimizer was built keeps its Parameter objects but changes their device or dtype.
        first = next(iter(self._slots.values()), None)
        self._probe = (self._params[0], first[0]) if first and self._params else None

    @torch.no_grad()
    def _follow_parameters(self) -> None:
        """Move every slot to its parameter's current device and dtype, keeping its values."""
        for slot in self._slots.values():
            for i, p in enumerate(self._params):
                slot[i] = slot[i].to(device=p.device, dtype=p.dtype)
        self._set_probe()

    def exclude_from_weight_decay(
        self, var_list: Sequence[torch.Tensor] | None = None, var_names: Sequence[str] | None = None
    ) -> None:
        """Exclude variables from weight decay, by identity or by a substring of their name.

        Args:
            var_list: variables never to decay.
            var_names: strings; a variable whose ``name`` contains one is not decayed (e.g.
                ``['bias']``).
        """
        self._exclude_ids = {id(v) for v in var_list} if var_list else set()
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._refresh_decay_mask()

    def _refresh_decay_mask(self) -> None:
        def decays(v: torch.Tensor) -> bool:
            if id(v) in self._exclude_ids:
                return False
            pattern = self._exclude_pattern
            return pattern is None or pattern.search(getattr(v, "name", "") or "") is None

        self._decay_mask = [decays(v) for v in self._params]
        self._decay_params = [v for v, d in zip(self._params, self._decay_mask) if d]

    # ------------------------------------------------------------------ updating

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
            raise ValueError(f"Optimizer {self.name!r}: no gradients provided for any variable.")
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
                    f"shape {tuple(g.shape)}, expected the variable's torch shape "
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
        if self.weight_decay is not None:
            if idx is None:
                decayed = self._decay_params
            else:
                decayed = [p for p, i in zip(params, idx) if self._decay_mask[i]]
            if decayed:
                torch._foreach_mul_(decayed, 1.0 - self.weight_decay * lr)
        if idx is None:
            slots = self._update_slots
        else:
            slots = {name: [slot[i] for i in idx] for name, slot in self._update_slots.items()}
        self._update(params, grads, slots, lr)

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
        iteration = self.iterations
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

    # ------------------------------------------------------------------ state

    @property
    def variables(self) -> list[torch.Tensor]:
        """The optimizer's variables in Keras's order: iteration, learning rate (for a float
        rate), then the slots (live, torch layout), then scalar state such as Nadam's."""
        out = [torch.tensor(self._iterations, dtype=_ITERATION_DTYPE)]
        if self._lr_schedule is None:
            out.append(torch.tensor(self._lr, dtype=_SCALAR_DTYPE))
        if self.built:
            for group in self._groups:
                for i in range(len(self._params)):
                    out.extend(self._slots[name][i] for name in group)
            out.extend(
                torch.tensor(getattr(self, a), dtype=_SCALAR_DTYPE) for a in self._scalar_state
            )
        return out

    def _slot_references(self) -> list[torch.Tensor | None]:
        """For each entry of ``variables``: the parameter a slot belongs to, else None."""
        refs: list[torch.Tensor | None] = [None] * (1 + (self._lr_schedule is None))
        if self.built:
            for group in self._groups:
                for p in self._params:
                    refs.extend(p for _ in group)
            refs.extend(None for _ in self._scalar_state)
        return refs

    def save_own_variables(self, store: Any) -> None:
        """Write ``variables`` into ``store`` as ``'0'``, ``'1'``, ... in Keras's layout."""
        for i, (v, ref) in enumerate(zip(self.variables, self._slot_references())):
            layout = _keras_layout(ref) if ref is not None else None
            if layout is not None:
                v = layout.to_keras(v)
            store[str(i)] = v.detach().cpu().numpy()

    @torch.no_grad()
    def load_own_variables(self, store: Any) -> None:
        """Read ``variables`` from a ``store`` written by ``save_own_variables`` or Keras."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if not self.built:
                message += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        self._iterations = int(np.asarray(store["0"]))
        position = 1
        if self._lr_schedule is None:
            self._lr = float(np.asarray(store["1"]))
            position = 2
        refs = self._slot_references()
        n_scalars = len(self._scalar_state)
        for i in range(position, len(variables) - n_scalars):
            value = torch.as_tensor(np.asarray(store[str(i)]))
            layout = _keras_layout(refs[i])
            if layout is not None:
                value = layout.from_keras(value)
            variables[i].copy_(value)
        for j, attr in enumerate(self._scalar_state):
            setattr(self, attr, float(np.asarray(store[str(len(variables) - n_scalars + j)])))

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, with Keras's keys; a schedule is serialized as in Keras."""
        schedule = self._lr_schedule
        if schedule is None:
            learning_rate: Any = self._lr
        elif isinstance(schedule, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(schedule)
        else:
            learning_rate = schedule
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Optimizer:
        """The optimizer ``cls(**config)``, deserializing a schedule given as a dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} name={self.name}, learning_rate={self.learning_rate:g}, "
            f"iterations={self.iterations}>"
        )


def _describe(v: Any) -> str:
    name = getattr(v, "path", None) or getattr(v, "name", None)
    shape = tuple(v.shape) if hasattr(v, "shape") else "?"
    return f"{name!r} of shape {shape}" if name else f"a tensor of shape {shape}"
