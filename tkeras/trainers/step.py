"""The per-batch step functions, made once per run with everything bound in closures.

The fast train step is what a hand-written torch loop does: forward, loss, zero_grad,
backward, optimizer step, then the loss tracker and the metrics update on the device. No
dict is built and nothing is read on the host; every choice (custom steps, loss scaling,
one output or several) is made once, when the closure is made. The first step of a run
builds the compiled loss and metrics from the real batch, then swaps in the fast step.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch

from tkeras import config
from tkeras.layers.layer import _LOSSES_USED
from tkeras.trainers.compile_loss import _shape_error
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
    """Build an unbuilt model (or unbuilt sublayers) by one inference-mode call on a batch."""
    with ModeGuard(model), torch.no_grad():
        model.eval()
        model(tree_map(to_tensor, x))


def add_model_losses(model: Any, loss: torch.Tensor | None) -> torch.Tensor:
    """``loss`` plus the terms layers added with ``add_loss`` in the last call (Keras's
    ``model.losses``); ValueError when there is no loss at all."""
    extra = model.losses if _LOSSES_USED[0] else ()
    for term in extra:
        term = term if term.is_floating_point() else term.to(config.floatx_torch())
        loss = term.sum() if loss is None else loss + term.sum()
    if loss is None:
        raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
    return loss


def _has_override(model: Any, name: str) -> bool:
    from tkeras.trainers.trainer import Trainer

    return getattr(type(model), name) is not getattr(Trainer, name)


def uses_fast_path(model: Any, step: str) -> bool:
    """Whether the model keeps Keras's default step logic (no custom step, loss or metrics)."""
    names = {
        "train": ("train_step", "compute_loss", "compute_metrics"),
        "test": ("test_step", "compute_loss", "compute_metrics"),
        "predict": ("predict_step",),
    }[step]
    return not any(_has_override(model, n) for n in names)


class StepRunner:
    """Holds a run's step function; the first call builds loss and metrics, then it is fast.

    ``runner.step(x, y, sw)`` runs one batch. A model that overrides ``train_step`` (or
    ``compute_loss`` / ``compute_metrics``) gets its override called Keras-style with the
    batch tuple, and the logs it returns are kept in ``runner.logs``.
    """

    def __init__(self, model: Any, kind: str) -> None:
        self.model = model
        self.kind = kind
        self.logs: Any = None
        if kind == "predict":
            self.step = self._predict if uses_fast_path(model, "predict") else self._custom
        elif uses_fast_path(model, kind):
            self.step = self._first
        else:
            self.step = self._custom

    # ------------------------------------------------------------------ custom steps

    def _custom(self, x: Any, y: Any, sw: Any) -> Any:
        method = getattr(self.model, f"{self.kind}_step")
        self.logs = method(pack(x, y, sw))
        return self.logs

    def _predict(self, x: Any, y: Any = None, sw: Any = None) -> Any:
        return self.model(x)

    # ------------------------------------------------------------------ the built-in step

    def _first(self, x: Any, y: Any, sw: Any) -> None:
        model = self.model
        y_pred = model(x)
        compile_loss = model._compile_loss
        loss = None
        if compile_loss is not None:
            try:
                if not compile_loss.built:
                    compile_loss.build(y, y_pred, model.name)
                loss = compile_loss(y, y_pred, sw)
            except NotImplementedError:
                raise
            except (ValueError, RuntimeError, IndexError) as error:
                text = str(error).lower()
                if "shape" in text or "size" in text:
                    raise _shape_error(error, y, y_pred, model.name) from error
                raise
        loss = add_model_losses(model, loss)
        metrics = model._compile_metrics
        if metrics is not None and not metrics.built:
            metrics.build(y, y_pred, loss=compile_loss)
            metrics.to(flatten(y_pred)[0].device)
        self.step = self._make_fast(compile_loss, metrics)
        self._finish(x, y, y_pred, sw, loss)

    def _finish(self, x: Any, y: Any, y_pred: Any, sw: Any, loss: torch.Tensor) -> None:
        model = self.model
        if self.kind == "train":
            _backward_and_update(model, loss)
        model._loss_tracker.add(loss, _batch_size(x))
        if model._compile_metrics is not None:
            model._compile_metrics.update_state(y, _detach(y_pred), sw)

    def _make_fast(self, compile_loss: Any, metrics: Any) -> Callable:
        model = self.model
        loss_fn = (
            _no_loss if compile_loss is None else (compile_loss.single_output_fn() or compile_loss)
        )
        used = _LOSSES_USED
        add = model._loss_tracker.add
        update = None
        if metrics is not None and metrics.metrics:
            update = metrics.single_output_update() or metrics.update_state
        if self.kind == "test":

            def test_step(x: Any, y: Any, sw: Any) -> None:
                y_pred = model(x)
                loss = loss_fn(y, y_pred, sw)
                if used[0] or loss is None:
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
            y_pred = model(x)
            loss = loss_fn(y, y_pred, sw)
            if used[0] or loss is None:
                loss = add_model_losses(model, loss)
            if has_params:
                zero_grad(set_to_none=True)
                (loss if scale is None else loss * scale).backward()
                opt_step()
            add(loss, x.shape[0] if x.__class__ is torch.Tensor else _batch_size(x))
            if update is not None:
                update(
                    y, y_pred.detach() if y_pred.__class__ is torch.Tensor else _detach(y_pred), sw
                )

        return train_step


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
