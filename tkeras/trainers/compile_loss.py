"""What ``compile()`` makes of ``loss=``: the loss per output, its weights, the loss trackers.

Strings resolve through the loss registry (an unknown name fails in ``compile()``);
``'crossentropy'`` resolves on the first batch from the shapes, as in Keras. The trackers keep
their state on the device; nothing here reads a value on the host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from tkeras.trainers.data_utils import flatten

_CROSSENTROPY = ("crossentropy", "ce")


class LossTracker:
    """Keras's ``Mean`` for the loss: a batch-size-weighted mean kept on the device.

    ``add(loss, n)`` is one in-place device op; the count is a Python number, so ``result()``
    needs no host sync.
    """

    def __init__(self, name: str = "loss") -> None:
        self.name = name
        self._total: torch.Tensor | None = None
        self._count = 0.0

    def add(self, value: torch.Tensor, n: int) -> None:
        if self._total is None:
            self._total = value.detach().to(torch.float32) * n
        else:
            self._total.add_(value.detach(), alpha=n)
        self._count += n

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add ``values`` (a tensor) weighted by ``sample_weight`` (None or a number)."""
        values = torch.as_tensor(values).detach().to(torch.float32)
        weight = 1.0 if sample_weight is None else float(sample_weight)
        total = values.sum() * weight
        self._total = total if self._total is None else self._total + total
        self._count += weight * values.numel()

    def result(self) -> torch.Tensor:
        if self._total is None or not self._count:
            return torch.zeros(())
        return self._total / self._count

    def reset_state(self) -> None:
        self._total = None
        self._count = 0.0

    def to(self, device: Any) -> LossTracker:
        if self._total is not None:
            self._total = self._total.to(device)
        return self

    def __repr__(self) -> str:
        return f"<LossTracker name={self.name}>"


def is_torch_loss(loss: Any) -> bool:
    """A torch-style loss module (``nn.CrossEntropyLoss()``...), called ``(y_pred, y_true)``."""
    return isinstance(loss, nn.Module)


def _resolve_loss(identifier: Any) -> Any:
    """Check a loss identifier now (an unknown name raises, listing the valid ones); the
    shape-dependent resolution happens on the first batch."""
    if identifier is None or is_torch_loss(identifier):
        return identifier
    if not (isinstance(identifier, str) and identifier.lower() in _CROSSENTROPY):
        from tkeras import losses

        losses.get(identifier)
    return identifier


def _finish_loss(identifier: Any, y_true: torch.Tensor, y_pred: torch.Tensor) -> Any:
    if is_torch_loss(identifier):
        return identifier
    from tkeras import losses

    return losses.resolve(identifier, y_true, y_pred)


def _torch_loss_call(loss: nn.Module) -> Callable:
    def call(y_true: Any, y_pred: Any, sample_weight: Any = None) -> torch.Tensor:
        if sample_weight is not None:
            raise NotImplementedError(
                f"sample_weight and class_weight are not supported with a torch loss module "
                f"({type(loss).__name__}): it reduces over the batch before any weight could "
                "apply. Use the matching tkeras.losses loss instead."
            )
        return loss(y_pred, y_true)

    call._torch_loss = True
    return call


def _shape_error(error: Exception, y_true: Any, y_pred: Any, model_name: str) -> ValueError:
    def shapes(s: Any) -> Any:
        leaves = [tuple(t.shape) for t in flatten(s)]
        return leaves[0] if len(leaves) == 1 else leaves

    return ValueError(
        f"The targets y (shape {shapes(y_true)}) cannot be aligned with the output of model "
        f"{model_name!r} (shape {shapes(y_pred)}): {error}"
    )


def check_target_shape(
    loss: Any, y_true: Any, y_pred: Any, model_name: str, output: str | None = None
) -> None:
    """Raise Keras's ValueError when targets cannot be aligned with an output: batch sizes
    differ, or (after Keras's trailing-1 alignment) the shapes do not broadcast; a sparse loss
    takes targets shaped like the output without its class axis."""
    if not (isinstance(y_true, torch.Tensor) and isinstance(y_pred, torch.Tensor)):
        return
    t, p = tuple(y_true.shape), tuple(y_pred.shape)
    name = str(getattr(loss, "name", None) or getattr(loss, "__name__", "")).lower()
    if "sparse" in name or is_torch_loss(loss) or getattr(loss, "_torch_loss", False):
        p = p[:-1]  # class ids against per-class scores (torch losses take class ids too)
        if len(t) == len(p) + 1 and t[-1:] == (1,):
            t = t[:-1]
        ok = t[:1] == p[:1] or not p
    else:
        if len(t) == len(p) + 1 and t[-1] == 1:
            t = t[:-1]
        elif len(p) == len(t) + 1 and p[-1] == 1:
            p = p[:-1]
        try:
            ok = (not t or not p or t[0] == p[0]) and bool(torch.broadcast_shapes(t, p) == p)
        except RuntimeError:
            ok = False
    if not ok:
        where = f" output {output!r} of" if output else " the output of"
        raise ValueError(
            f"The targets y (shape {tuple(y_true.shape)}) cannot be aligned with{where} model "
            f"{model_name!r} (shape {tuple(y_pred.shape)}) for the loss {name or loss!r}."
        )


def _output_keys(y_pred: Any, output_names: list[str] | None) -> list:
    if isinstance(y_pred, dict):
        return list(y_pred)
    return list(range(len(y_pred)))


def _per_output(value: Any, keys: list, names: list[str], what: str) -> list:
    """``value`` spread over the outputs: one per output from a list or a name-keyed dict."""
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(
                f"`{what}` has keys {unknown} that are not output names; the "
                f"model's outputs are {names}."
            )
        return [value.get(n) for n in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(keys):
            raise ValueError(
                f"`{what}` must have one entry per model output ({len(keys)}); "
                f"received {len(value)}: {value!r}"
            )
        return list(value)
    return [value] * len(keys)


def _align(y_true: Any, keys: list, names: list[str]) -> Any:
    """Targets (or sample weights) of a multi-output model, indexable by the output keys."""
    if isinstance(y_true, dict) and not isinstance(keys[0], str):
        return [y_true[n] for n in names]
    if isinstance(y_true, (list, tuple)) and isinstance(keys[0], str):
        return dict(zip(keys, y_true))
    if not isinstance(y_true, (list, tuple, dict)) or len(y_true) != len(keys):
        got = type(y_true).__name__
        if isinstance(y_true, (list, tuple, dict)):
            got += f" of {len(y_true)}"
        raise ValueError(
            f"y_true and y_pred have different structures: the model has {len(keys)} outputs "
            f"{names}, but y is {got}."
        )
    return y_true


class CompileLoss:
    """The compiled loss: one loss per output (times its weight), summed.

    Args:
        loss: a loss (name, Loss, function or torch loss module), or a list / dict of them
            (one per output of a multi-output model).
        loss_weights: a float, or a list / dict of floats, scaling each output's loss.
        output_names: the model's output names (dict keys of ``loss``/``loss_weights``).
    """

    def __init__(
        self, loss: Any, loss_weights: Any = None, output_names: list[str] | None = None
    ) -> None:
        if loss_weights is not None and not isinstance(
            loss_weights, (list, tuple, dict, float, int)
        ):
            raise ValueError(
                "Expected `loss_weights` argument to be a float (single output case) or a "
                "list, tuple, or dict (multiple output case). Received instead: "
                f"loss_weights={loss_weights!r} of type {type(loss_weights).__name__}"
            )
        self._user_loss = loss
        self._user_weights = loss_weights
        self.output_names = output_names
        if isinstance(loss, dict):
            self._resolved = {k: _resolve_loss(v) for k, v in loss.items()}
        elif isinstance(loss, (list, tuple)):
            self._resolved = [_resolve_loss(v) for v in loss]
        else:
            self._resolved = _resolve_loss(loss)
        self.built = False
        self.metrics: list[LossTracker] = []
        self._fn: Callable | None = None

    def build(self, y_true: Any, y_pred: Any, model_name: str = "model") -> None:
        if not isinstance(y_pred, (list, tuple, dict)):
            losses = self._resolved
            if isinstance(losses, (list, tuple)) and len(losses) == 1:
                losses = losses[0]
            if isinstance(losses, (list, tuple, dict)):
                raise ValueError(
                    f"The model has one output but `loss` has several entries: {self._user_loss!r}"
                )
            weights = self._user_weights
            if isinstance(weights, (list, tuple)) and len(weights) == 1:
                weights = weights[0]
            if isinstance(weights, (list, tuple, dict)):
                raise ValueError(
                    f"The model has one output but `loss_weights` has several entries: {weights!r}"
                )
            self._entries = [(None, self._callable(losses, y_true, y_pred), weights)]
        else:
            self._build_multi(y_true, y_pred)
        self.built = True

    def _callable(self, resolved: Any, y_true: Any, y_pred: Any) -> Callable | None:
        if resolved is None:
            return None
        if isinstance(y_true, (list, tuple, dict)) or isinstance(y_pred, (list, tuple, dict)):
            raise NotImplementedError(
                "A loss over a nested output or target (a list/dict inside one output) is not "
                "supported yet; give one tensor per output."
            )
        resolved = _finish_loss(resolved, y_true, y_pred)
        return _torch_loss_call(resolved) if is_torch_loss(resolved) else resolved

    def _build_multi(self, y_true: Any, y_pred: Any) -> None:
        keys = _output_keys(y_pred, self.output_names)
        names = (
            [str(k) for k in keys]
            if isinstance(y_pred, dict)
            else list(self.output_names or [f"output_{i}" for i in range(len(keys))])
        )
        losses = _per_output(self._resolved, keys, names, "loss")
        weights = _per_output(self._user_weights, keys, names, "loss_weights")
        y_true = _align(y_true, keys, names)
        self._entries = []
        for key, name, loss, weight in zip(keys, names, losses, weights):
            if loss is None:
                continue
            self._entries.append((key, self._callable(loss, y_true[key], y_pred[key]), weight))
            self.metrics.append(LossTracker(f"{name}_loss"))
        if len(self.metrics) < 2:
            self.metrics = []
        self._keys, self._names = keys, names

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> torch.Tensor:
        multi = isinstance(y_pred, (list, tuple, dict))
        if multi:
            y_true = _align(y_true, self._keys, self._names)
            if isinstance(sample_weight, (list, tuple, dict)):
                sample_weight = _align(sample_weight, self._keys, self._names)
            else:
                sample_weight = (
                    {k: sample_weight for k in self._keys}
                    if isinstance(self._keys[0], str)
                    else [sample_weight] * len(self._keys)
                )
        total = None
        trackers = iter(self.metrics)
        for key, fn, weight in self._entries:
            if key is None:
                value = fn(y_true, y_pred, sample_weight)
            else:
                value = fn(y_true[key], y_pred[key], sample_weight[key])
                tracker = next(trackers, None)
                if tracker is not None:
                    batch = flatten(y_pred[key])[0].shape[0]
                    tracker.add(value, batch)
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def check_targets(self, y_true: Any, y_pred: Any, model_name: str) -> None:
        """Explicit Keras-style shape checks of every output's targets (first batch only)."""
        if not isinstance(y_pred, (list, tuple, dict)):
            check_target_shape(self._entries[0][1], y_true, y_pred, model_name)
            return
        y_true = _align(y_true, self._keys, self._names)
        for key, fn, _ in self._entries:
            name = key if isinstance(key, str) else self._names[key]
            check_target_shape(fn, y_true[key], y_pred[key], model_name, name)

    def single_output_fn(self) -> Callable | None:
        """For one output: the loss callable with its weight folded in (the fast path)."""
        if len(self._entries) != 1 or self._entries[0][0] is not None:
            return None
        _, fn, weight = self._entries[0]
        if weight is None:
            return fn
        return lambda y, p, sw: fn(y, p, sw) * weight
