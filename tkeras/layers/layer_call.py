"""Keras's call contract for ``Layer.__call__``: argument binding, input casting, call context.

A built layer called on one tensor takes the fast path: an input-rank check, an up-front cast
of a floating input to the compute dtype, then ``nn.Module.__call__``. Everything else takes
``_call_in_context``, which does what Keras's ``Layer.__call__`` does:

- ``training`` and ``mask`` are found by the ``call`` signature, whether passed by keyword or
  by position (``block(x, True)``), and ``training`` is passed down to sublayers called with
  ``training=None`` (per thread, in ``backend/global_state.py``);
- array-likes become tensors (text stays a numpy array of str) and floating inputs are cast
  to the compute dtype once, before ``call`` runs (``autocast``);
- the outermost layer call clears the losses its previous call added;
- masks travel on tensors (``_keras_mask``) where a model contains a mask-creating layer.

Which layers need the context is decided per layer, from its own sublayers ("routing"): a
layer whose sublayers add no losses and create no masks never touches the call state, so an
unrelated model's call (or its ``torch.export``) has no side effects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from tkeras.backend.convert import is_string_data
from tkeras.backend.global_state import PROCESS, thread_state
from tkeras.layers.call_context import _as_tensor, _attach_masks, _is_symbolic

if TYPE_CHECKING:
    from tkeras.layers.layer import Layer

_ERRORS = (RuntimeError, TypeError, IndexError)


def bump_routing() -> None:
    """Make every layer recompute its routing on its next call (a layer gained a regularizer,
    added a loss outside a tracked call, or a mask-creating layer appeared)."""
    PROCESS.route_epoch += 1


def _convert(x: Any, want: torch.dtype | None, device: torch.device | None) -> Any:
    """Keras's input conversion: array-likes to tensors, floating tensors cast to ``want``."""
    if isinstance(x, torch.Tensor):
        if want is not None and x.dtype != want and x.is_floating_point():
            return x.to(want)
        return x
    if isinstance(x, (list, tuple)):
        out = [_convert(e, want, device) for e in x]
        if all(a is b for a, b in zip(out, x)):
            return x  # nothing converted: the caller's own structure
        return out if isinstance(x, list) else tuple(out)
    if isinstance(x, dict):
        out = {k: _convert(v, want, device) for k, v in x.items()}
        return x if all(out[k] is v for k, v in x.items()) else out
    if hasattr(x, "__array__"):
        if isinstance(x, np.ndarray) and x.dtype.kind in "OUS" and is_string_data(x):
            return x  # text stays a numpy array of str: torch has no string dtype
        return _convert(_as_tensor(x).to(device) if device else _as_tensor(x), want, None)
    return x


def _first_device(x: Any) -> torch.device | None:
    if isinstance(x, torch.Tensor):
        return x.device
    if isinstance(x, (list, tuple)):
        for e in x:
            d = _first_device(e)
            if d is not None:
                return d
    if isinstance(x, dict):
        return _first_device(list(x.values()))
    return None


class LayerCallMixin:
    """The calling half of ``Layer`` (mixed into it; not used on its own)."""

    # Positions of ``training`` and ``mask`` among ``call``'s positional arguments (after the
    # inputs); None when ``call`` has no such positional parameter. Set per class.
    _training_pos: int | None = None
    _mask_pos: int | None = None
    # Routing, cached per layer and recomputed when PROCESS.route_epoch moves on.
    _route_epoch = -1
    _routes = False
    # The route epoch while the layer takes the fast path (-1: it does not).
    _fast_epoch = -1
    _loss_owners: tuple = ()
    # Set on every layer inside a layer that contains a mask-creating layer: masks are read
    # from and attached to its tensors.
    _mask_passing = False
    # Set once the layer has called add_loss.
    _adds_losses = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The fast path: a built layer that needs no context, called on one plain tensor.
        if kwargs or len(args) != 1 or self._fast_epoch != PROCESS.route_epoch:
            return self._call_general(args, kwargs)
        inputs = args[0]
        if inputs.__class__ is not torch.Tensor:
            return self._call_general(args, kwargs)
        if inputs.dim() not in self._ranks:
            self._check_input(inputs)
        # The layer's compute dtype (its dtype policy's; floatx by default).
        want = self._compute_torch
        if inputs.dtype is not want and self.autocast and want is not None:
            if inputs.is_floating_point():
                inputs = inputs.to(want)
        try:
            return self._call_impl(inputs)
        except _ERRORS as error:
            self._explain_error(error, (inputs,), kwargs)
            raise

    def _call_general(self, args: tuple, kwargs: dict) -> Any:
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        if not self.built or _is_symbolic(inputs):
            return self._first_or_symbolic_call(args, kwargs)
        if self._route_epoch != PROCESS.route_epoch:
            self._refresh_routing()
        return self._call_in_context(args, kwargs)

    def _call_in_context(self, args: tuple, kwargs: dict) -> Any:
        """Keras's full call: bind ``training``/``mask``, convert inputs, set the context."""
        if not args:
            args, kwargs = (kwargs.pop(next(iter(kwargs))),), kwargs
        inputs = args[0]
        if not isinstance(inputs, (torch.Tensor, list, tuple, dict)) and not hasattr(
            inputs, "__array__"
        ):
            inputs = _as_tensor(inputs)
        want = self._compute_torch if self.autocast else None
        device = _first_device(inputs)
        args = tuple(_convert(a, want, device) for a in (inputs, *args[1:]))
        if kwargs:
            kwargs = {k: _convert(v, want, device) for k, v in kwargs.items()}
        inputs = args[0]
        if isinstance(inputs, torch.Tensor) and inputs.dim() not in self._ranks:
            self._check_input(inputs)
        training = self._bound(args, kwargs, "training", self._training_pos)
        if "training" in kwargs and not self._call_has_training:
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        mask = self._bound(args, kwargs, "mask", self._mask_pos)
        if "mask" in kwargs and not self._call_has_mask:
            kwargs = {k: v for k, v in kwargs.items() if k != "mask"}
        in_mask = None
        if (
            mask is None
            and isinstance(inputs, torch.Tensor)
            and (self._mask_passing or self._call_has_mask)
        ):
            in_mask = getattr(inputs, "_keras_mask", None)
            if in_mask is not None and self._call_has_mask:
                kwargs = {**kwargs, "mask": in_mask}
        state = thread_state()
        outermost = state.outer is None
        if outermost:
            for layer in self._loss_owners:
                if layer._losses:
                    layer._losses.clear()
            state.outer = self
        previous = state.training
        if training is not None:
            state.training = bool(training)
        try:
            out = self._call_impl(*args, **kwargs)
        except _ERRORS as error:
            self._explain_error(error, args, kwargs)
            raise
        finally:
            state.training = previous
            if outermost:
                state.outer = None
        mask = in_mask if mask is None else mask
        if (
            (self._mask_passing or self._creates_mask)
            and self._supports_masking
            and (self._creates_mask or mask is not None)
            and isinstance(inputs, torch.Tensor)
        ):
            _attach_masks(out, self.compute_mask(inputs, mask))
        return out

    @staticmethod
    def _bound(args: tuple, kwargs: dict, name: str, position: int | None) -> Any:
        value = kwargs.get(name)
        if value is None and position is not None and len(args) > position:
            value = args[position]
        return value

    def _explain_error(self, error: Exception, args: tuple, kwargs: dict) -> None:
        """Hook: raise a Keras-style error for a torch ``error`` raised by ``call`` on these
        arguments (the input-spec check by default); returning lets the torch error through."""
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        if isinstance(inputs, torch.Tensor):
            self._check_input(inputs)

    def _refresh_routing(self) -> None:
        """Decide from the sublayers whether calls need the context (losses, masks)."""
        layers = [m for m in self.modules() if isinstance(m, LayerCallMixin)]
        owners = tuple(layer for layer in layers if layer._may_add_losses())
        makes_masks = any(layer._creates_mask for layer in layers)
        if makes_masks:
            for layer in layers:
                layer._mask_passing = True
                layer._routes = True
                layer._fast_epoch = -1
        self._loss_owners = owners
        self._routes = bool(owners) or makes_masks or self._mask_passing
        self._route_epoch = PROCESS.route_epoch
        self._fast_epoch = -1 if self._routes or not self.built else self._route_epoch

    def _collects_losses(self) -> bool:
        """Whether ``losses`` can hold anything: some layer under this one (itself included)
        adds losses or has a regularizer. Per layer, from the routing (refreshed if stale), so
        one model adding losses never changes what another model's train step does."""
        if self._route_epoch != PROCESS.route_epoch:
            self._refresh_routing()
        return bool(self._loss_owners)

    def _may_add_losses(self) -> bool:
        if self._adds_losses or self._activity_regularizer is not None:
            return True
        return any(
            v.regularizer is not None for v in (*self._own_trainable, *self._own_non_trainable)
        )


def settle_routing(root: Any) -> None:
    """Refresh the routing of every layer under ``root`` now, so that a traced call
    (``torch.export``, ``torch.compile``) finds it settled and writes no attribute."""
    for module in root.modules():
        if isinstance(module, LayerCallMixin) and module._route_epoch != PROCESS.route_epoch:
            module._refresh_routing()


def note_added_loss(layer: Layer) -> None:
    """Record that ``layer`` added a loss: the enclosing outermost call clears it next time."""
    outer = thread_state().outer
    if outer is not None and layer not in outer._loss_owners:
        outer._loss_owners = (*outer._loss_owners, layer)
    if not layer._adds_losses:
        # Once per layer: every layer around it routes its calls from now on.
        layer._adds_losses = True
        bump_routing()
