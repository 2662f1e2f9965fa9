"""Layer losses: ``add_loss``, activity regularization and Keras's ``losses`` property."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from tkeras import regularizers
from tkeras.backend.variable import Variable
from tkeras.layers.call_context import _flat_tensors
from tkeras.layers.layer_call import bump_routing, note_added_loss
from tkeras.regularizers.regularizers import weight_penalty

if TYPE_CHECKING:
    from tkeras.layers.layer import Layer


def add_activity_loss(layer: Layer, regularizer: Any, output: torch.Tensor) -> None:
    """Add Keras's activity penalty of one output to ``layer``: ``regularizer(output)`` divided
    by the batch size (an empty batch adds 0, not NaN). Meta tensors (shape inference) add
    nothing."""
    if output.device.type == "meta":
        return
    loss = regularizer(output)
    if output.dim() > 0:
        batch = output.shape[0]
        loss = loss / batch if batch else loss * 0.0
    layer.add_loss(loss)


class LayerLossesMixin:
    """The added-loss half of ``Layer`` (mixed into it; not used on its own)."""

    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss term (e.g. an activity penalty) computed in ``call``.

        The terms are collected in ``model.losses`` and ``fit()`` adds their sum to the loss.
        A model clears them at the start of each of its calls, as Keras does.
        """
        if not isinstance(loss, torch.Tensor):
            loss = torch.as_tensor(loss, dtype=self.compute_dtype_torch)
        self._losses.append(loss)
        note_added_loss(self)

    @property
    def losses(self) -> list[torch.Tensor]:
        """The loss terms of this layer and its sublayers, in Keras's order: those added by
        ``add_loss`` (activity penalties included) since the last model call cleared them, then
        each trainable weight's regularizer penalty, computed from the weight's current value
        (with autograd).

        Differences from Keras: only a model clears the added terms at the start of its call;
        Keras also clears them when a layer is called on its own (outside any layer call), so
        calling a lone layer twice keeps both calls' terms here.
        """
        added: list[torch.Tensor] = []
        regularized: list[Variable] = []
        self._gather_losses(added, regularized, set(), set())
        if regularized and self.trainable:
            added.extend(weight_penalty(v.regularizer, v) for v in regularized)
        return added

    def _gather_losses(
        self, added: list, regularized: list, seen_layers: set, seen_vars: set
    ) -> None:
        added.extend(self._losses)
        for var in (*self._own_trainable, *self._own_non_trainable):
            if var.regularizer is not None and var.requires_grad and id(var) not in seen_vars:
                seen_vars.add(id(var))
                regularized.append(var)
        for layer in self._sublayers():
            if id(layer) not in seen_layers:
                seen_layers.add(id(layer))
                layer._gather_losses(added, regularized, seen_layers, seen_vars)

    @property
    def activity_regularizer(self) -> Any:
        """The regularizer applied to the layer's outputs after each call (None: none)."""
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value: Any) -> None:
        regularizer = regularizers.get(value)
        self.__dict__["_activity_regularizer"] = regularizer
        # Only a regularized layer pays for the penalty: its instance forward is wrapped, and
        # every other layer keeps the class's plain forward (call).
        if regularizer is None:
            self.__dict__.pop("forward", None)
        else:
            self.__dict__["forward"] = self._forward_with_activity_loss
            bump_routing()

    def _forward_with_activity_loss(self, *args: Any, **kwargs: Any) -> Any:
        outputs = type(self).forward(self, *args, **kwargs)
        regularizer = self._activity_regularizer
        if regularizer is not None:
            for output in _flat_tensors(outputs):
                add_activity_loss(self, regularizer, output)
        return outputs

    def _clear_losses(self) -> None:
        self._losses.clear()
        for layer in self._sublayers():
            layer._clear_losses()
