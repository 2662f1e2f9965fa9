"""The one train/test step (``DefaultStep``) and the runner that picks a model's own step.

The fast train step is what a hand-written torch loop does: forward, loss, zero_grad,
backward, optimizer step, then the loss tracker and the metrics update on the device. No
dict is built and nothing is read on the host; every choice (custom loss or metrics, loss
scaling, one output or several) is made once, when the closure is made. The first step
builds the compiled loss and metrics from the real batch and checks the target shapes
explicitly, then swaps in the fast step. ``Trainer.train_step`` runs the same object, so
``super().train_step(data)`` in a user's override is this step too.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import torch

from tkeras import config
from tkeras.backend import global_state
from tkeras.trainers.data_utils import flatten, pack, to_tensor, tree_map
from tkeras.trainers.optim import is_torch_optimizer


def resolve_device(model: Any) -> torch.device:
    """Where a run happens: where the model already is if that is not the CPU (the user moved
    it), else ``tkeras.config.device()``."""
    for tensor in model.parameters():
        if tensor.device.type != "cpu":
            return tensor.device
        break
    return config.device()


def _batch_size(x: Any) -> int:
    if isinstance(x, torch.Tensor):
        return x.shape[0]
    return flatten(x)[0].shape[0]


def _detach(y: Any) -> Any:
    if isinstance(y, torch.Tensor):
        return y.detach()
    return tree_map(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, y)


class ModeGuard:
    """Records every submodule's train/eval mode and puts them all back on exit."""

    def __init__(self, model: torch.nn.Module) -> None:
        self._modes = [(m, m.training) for m in model.modules()]

    def __enter__(self) -> ModeGuard:
        return self

    def __exit__(self, *exc: Any) -> None:
        for module, mode in self._modes:
            module.training = mode


def build_model(model: Any, x: Any) -> None:
    """Build an unbuilt model (or unbuilt sublayers) by one inference-mode call on a batch;
    stateless, as Keras's symbolic build: its random draws advance no SeedGenerator."""
    with ModeGuard(model), torch.no_grad(), global_state.stateless_scope():
        model.eval()
        model(tree_map(to_tensor, x))


def add_model_losses(model: Any, loss: torch.Tensor | None) -> torch.Tensor:
    """``loss`` plus the terms layers added with ``add_loss`` in the last call (Keras's
    ``model.losses``); ValueError when there is no loss at all."""
    extra = model.losses if model._collects_losses() else ()
    for term in extra:
        term = term if term.is_floating_point() else term.to(config.floatx_torch())
        loss = term.sum() if loss is None else loss + term.sum()
    if loss is None:
        raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
    return loss


def _has_override(model: Any, name: str) -> bool:
    from tkeras.trainers.trainer import Trainer

    return getattr(type(model), name) is not getattr(Trainer, name)


def compute_loss_takes_training(model: Any) -> bool:
    """Whether ``model.compute_loss`` accepts ``training`` (Keras checks the signature: an
    override written before Keras 3.3 has none)."""
    params = inspect.signature(model.compute_loss).parameters
    return "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def call_compute_loss(model: Any, x: Any, y: Any, y_pred: Any, sw: Any, training: bool) -> Any:
    """``model.compute_loss`` called as Keras calls it (``training`` only if it takes it),
    checked to return a scalar."""
    if compute_loss_takes_training(model):
        loss = model.compute_loss(x, y, y_pred, sw, training=training)
    else:
        loss = model.compute_loss(x, y, y_pred, sw)
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        got = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise ValueError(
            f"{type(model).__name__}.compute_loss must return a scalar loss tensor; it returned "
            f"{got}. Reduce it, e.g. with tkeras.ops.mean(...)."
        )
    return loss


class DefaultStep:
    """Keras's default train/test step, the only one: ``fit``, ``evaluate``,
    ``train_on_batch``/``test_on_batch`` and a user's ``super().train_step(data)`` all run it.

    ``step(x, y, sw)`` runs one batch: forward, loss (the compiled loss plus ``model.losses``,
    or the model's own ``compute_loss``), for training zero_grad/backward/optimizer step, then
    the loss tracker and the metrics update, all on the device. The first call builds the
    compiled loss and metrics from the real batch and checks the targets' shapes explicitly;
    later calls run a closure with every choice already made (no dict, no host read).
    ``logs`` holds what an overridden ``compute_metrics`` returned (else None).
    """

    def __init__(self, model: Any, kind: str) -> None:
        self.model = model
        self.kind = kind
        self.logs: Any = None
        self.custom_loss = _has_override(model, "compute_loss")
        self.custom_metrics = _has_override(model, "compute_metrics")
        self.step = self._first

    def __call__(self, x: Any, y: Any, sw: Any) -> None:
        self.step(x, y, sw)

    def _first(self, x: Any, y: Any, sw: Any) -> None:
        model = self.model
        y_pred = model(x, training=self.kind == "train")
        compile_loss = model._compile_loss
        if compile_loss is not None and y is None and not self.custom_loss:
            raise ValueError(
                f"Model {model.name!r} was compiled with a loss but received no targets `y`: "
                "pass `y` to fit()/evaluate() (or yield (x, y) batches), or compile without a "
                "loss and add losses with `add_loss`."
            )
        if compile_loss is not None and not compile_loss.built:
            compile_loss.build(y, y_pred, model.name)
        if compile_loss is not None:
            compile_loss.check_targets(y, y_pred, model.name)
        metrics = model._compile_metrics
        if metrics is not None and not metrics.built:
            metrics.build(y, y_pred, loss=compile_loss)
            metrics.to(flatten(y_pred)[0].device)
        if self.custom_loss or self.custom_metrics:
            self.step = self._general
            self._general(x, y, sw, y_pred)
            return
        self.step = self._make_fast(compile_loss, metrics)
        loss = compile_loss(y, y_pred, sw) if compile_loss is not None else None
        loss = add_model_losses(model, loss)
        if self.kind == "train":
            _backward_and_update(model, loss)
        model._loss_tracker.add(loss, _batch_size(x))
        if metrics is not None:
            metrics.update_state(y, _detach(y_pred), sw)

    def _general(self, x: Any, y: Any, sw: Any, y_pred: Any = None) -> None:
        # A model overriding compute_loss or compute_metrics: Keras's step, calling them.
        model = self.model
        if y_pred is None:
            y_pred = model(x, training=self.kind == "train")
        training = self.kind == "train"
        loss = call_compute_loss(model, x, y, y_pred, sw, training)
        if training:
            _backward_and_update(model, loss)
        model._loss_tracker.add(loss, _batch_size(x))
        self.logs = model.compute_metrics(x, y, _detach(y_pred), sample_weight=sw)
        if not self.custom_metrics:
            self.logs = None

    def _make_fast(self, compile_loss: Any, metrics: Any) -> Callable:
        model = self.model
        loss_fn = (
            _no_loss if compile_loss is None else (compile_loss.single_output_fn() or compile_loss)
        )
        collects = model._collects_losses
        add = model._loss_tracker.add
        update = None
        if metrics is not None and metrics.metrics:
            update = metrics.single_output_update() or metrics.update_state
        forward = _forward_and_loss(model, loss_fn, self.kind)
        if self.kind == "test":

            def test_step(x: Any, y: Any, sw: Any) -> None:
                y_pred, loss = forward(x, y, sw)
                if loss is None or collects():
                    loss = add_model_losses(model, loss)
                add(loss, x.shape[0] if x.__class__ is torch.Tensor else _batch_size(x))
                if update is not None:
                    update(y, y_pred, sw)

            return test_step
        optimizer = model.optimizer
        has_params = _has_trainable(model)
        zero_grad = optimizer.zero_grad
        opt_step = optimizer.step
        scale = None if is_torch_optimizer(optimizer) else optimizer.loss_scale_factor

        def train_step(x: Any, y: Any, sw: Any) -> None:
            y_pred, loss = forward(x, y, sw)
            if loss is None or collects():
                loss = add_model_losses(model, loss)
            if has_params:
                zero_grad(set_to_none=True)
                # Under torchrun the gradient buckets average over ranks during backward.
                (loss if scale is None else loss * scale).backward()
                opt_step()
            add(loss, x.shape[0] if x.__class__ is torch.Tensor else _batch_size(x))
            if update is not None:
                update(
                    y, y_pred.detach() if y_pred.__class__ is torch.Tensor else _detach(y_pred), sw
                )

        return train_step


def default_step(model: Any, kind: str) -> DefaultStep:
    """The model's default step for ``kind`` ('train' or 'test'), made once per compile()."""
    cache = model.__dict__.get("_default_steps")
    if cache is None:
        cache = {}
        object.__setattr__(model, "_default_steps", cache)
    step = cache.get(kind)
    if step is None:
        step = cache[kind] = DefaultStep(model, kind)
    return step


class StepRunner:
    """A run's step: the model's own ``train_step``/``test_step``/``predict_step`` override,
    called Keras-style with the batch tuple (its logs kept in ``runner.logs``), else the
    default step (``DefaultStep``)."""

    def __init__(self, model: Any, kind: str) -> None:
        self.model = model
        self.kind = kind
        self.logs: Any = None
        self._default: DefaultStep | None = None
        if kind == "predict":
            custom = _has_override(model, "predict_step")
            self.step = self._custom if custom else self._predict
        elif _has_override(model, f"{kind}_step"):
            self.step = self._custom
        else:
            self._default = default_step(model, kind)
            self.step = self._run_default

    def _run_default(self, x: Any, y: Any, sw: Any) -> None:
        default = self._default
        default.step(x, y, sw)
        self.logs = default.logs

    def _custom(self, x: Any, y: Any, sw: Any) -> Any:
        method = getattr(self.model, f"{self.kind}_step")
        logs = method(pack(x, y, sw))
        if self.kind != "predict" and not isinstance(logs, Mapping):
            raise TypeError(
                f"{type(self.model).__name__}.{self.kind}_step must return a dict of metric "
                f"names to values (e.g. {{m.name: m.result() for m in self.metrics}}); it "
                f"returned {type(logs).__name__}."
            )
        self.logs = logs
        return logs

    def _predict(self, x: Any, y: Any = None, sw: Any = None) -> Any:
        if self.model._jit_compile:
            from tkeras.trainers.jit import compile_step

            compiled = compile_step(self.model, self.model, "predict")
            self.step = lambda x, y=None, sw=None: compiled(x)
            return compiled(x)
        return self.model(x, training=False)


def _forward_and_loss(model: Any, loss_fn: Callable, kind: str) -> Callable:
    """The step's forward pass and loss: one function, torch-compiled under jit_compile."""

    def forward(x: Any, y: Any, sw: Any) -> tuple[Any, Any]:
        y_pred = model(x, training=kind == "train")
        return y_pred, loss_fn(y, y_pred, sw)

    if model._jit_compile:
        from tkeras.trainers.jit import compile_step

        return compile_step(model, forward, kind)
    return forward


def _has_trainable(model: Any) -> bool:
    # requires_grad, not trainable_weights: a torch optimizer may train raw torch submodules.
    return any(p.requires_grad for p in model.parameters())


def _no_loss(y: Any, y_pred: Any, sw: Any) -> None:
    return None


def _backward_and_update(model: Any, loss: torch.Tensor) -> None:
    optimizer = model.optimizer
    if not _has_trainable(model):
        warnings.warn("The model does not have any trainable weights.", stacklevel=3)
        return
    optimizer.zero_grad(set_to_none=True)
    if not is_torch_optimizer(optimizer):
        loss = optimizer.scale_loss(loss)
    loss.backward()
    optimizer.step()
