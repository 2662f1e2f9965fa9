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

import torch

from tkeras.backend.variable import Variable
from tkeras.optimizers._state import (
    _ITERATION_DTYPE,
    _SCALAR_DTYPE,
    OptimizerStateMixin,
)
from tkeras.optimizers._updating import OptimizerUpdateMixin, _describe
from tkeras.optimizers.schedules import _base as schedules
from tkeras.utils.naming import auto_name
from tkeras.utils.registry import Registry

__all__ = [
    "OPTIMIZERS",
    "_ITERATION_DTYPE",
    "_SCALAR_DTYPE",
    "Optimizer",
    "_describe",
]

OPTIMIZERS = Registry("optimizer")


class Optimizer(OptimizerUpdateMixin, OptimizerStateMixin):
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
    projected in place with it, as Keras's optimizer does.

    ``learning_rate`` (float32) and ``iterations`` (int64) are ``tkeras.Variable`` objects, as
    in Keras: ``opt.learning_rate.assign(1e-4)`` changes the rate of the next update.

    Differences from Keras: only variables that have a ``constraint`` when the optimizer is
    built are constrained (Keras reads every variable's at each step); in ``variables``, the
    iteration count, the learning rate and Nadam's ``u_product`` are read-only snapshots, while
    the slot tensors are live (each with its variable's Keras shape).

    Example:
        >>> import torch, tkeras
        >>> w = torch.nn.Parameter(torch.ones(3))
        >>> opt = tkeras.optimizers.SGD(learning_rate=0.1)
        >>> opt.build([w])
        >>> w.grad = torch.ones(3)
        >>> opt.step()
        >>> w.detach().tolist(), int(opt.iterations)
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
        # Keras's optimizer variables, on the CPU whatever the model's device, so the hot path
        # reads them (``_lr``, ``_iterations``) without waiting on an accelerator.
        self._iterations_var = Variable(
            torch.zeros((), dtype=torch.int64),
            trainable=False,
            name="iteration",
            path=f"{self.name}/iteration",
        )
        self._lr_var = Variable(
            torch.zeros((), dtype=torch.float32),
            trainable=False,
            name="learning_rate",
            path=f"{self.name}/learning_rate",
        )
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

    def _make_slot(self, name: str, param: torch.Tensor) -> torch.Tensor | None:
        """The slot ``name`` of ``param``: by default shaped like it, filled with
        ``_slot_initial_value``. An optimizer whose slot differs in shape, or that has none
        for some parameters (None: not in ``variables``, as Keras's), overrides it."""
        fill = self._slot_initial_value(name)
        return torch.full_like(param, fill, memory_format=torch.preserve_format).detach()

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
    def _lr(self) -> float:
        return self._lr_var.item()

    @_lr.setter
    def _lr(self, value: float) -> None:
        self._lr_var.fill_(value)

    @property
    def _iterations(self) -> int:
        return self._iterations_var.item()

    @_iterations.setter
    def _iterations(self, value: int) -> None:
        self._iterations_var.fill_(value)

    @property
    def learning_rate(self) -> torch.Tensor:
        """The learning rate, as in Keras: the float32 ``tkeras.Variable`` (``assign``,
        ``numpy()``, ``float()``, arithmetic; assigning it changes the rate used by the next
        update) or, with a schedule, its current value as a tensor."""
        if self._lr_schedule is None:
            return self._lr_var
        return torch.tensor(self._current_learning_rate(), dtype=torch.float32)

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

    def _step_count(self) -> int:
        """``iterations`` as a Python int (what the hot path reads)."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    @property
    def iterations(self) -> torch.Tensor:
        """The number of updates applied, Keras's int64 ``tkeras.Variable`` (with gradient
        accumulation: the number of completed updates, as a tensor)."""
        if self.gradient_accumulation_steps:
            steps = self._iterations // self.gradient_accumulation_steps
            return torch.tensor(steps, dtype=torch.int64)
        return self._iterations_var

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
                self._slots[name] = [self._make_slot(name, p) for p in variables]
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
        first = next(iter(self._slots.values()), None) or []
        pairs = [(p, slot) for p, slot in zip(self._params, first) if slot is not None]
        self._probe = pairs[0] if pairs else None

    @torch.no_grad()
    def _follow_parameters(self) -> None:
        """Move every slot to its parameter's current device and dtype, keeping its values."""
        for slot in self._slots.values():
            for i, p in enumerate(self._params):
                if slot[i] is not None:
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

    def __repr__(self) -> str:
        lr = self._current_learning_rate()
        return (
            f"<{type(self).__name__} name={self.name}, learning_rate={lr:g}, "
            f"iterations={self._step_count()}>"
        )
