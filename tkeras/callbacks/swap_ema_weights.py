"""SwapEMAWeights: evaluate and predict with the optimizer's moving average of the weights."""

from __future__ import annotations

import torch

from tkeras.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swap the model's weights with the optimizer's EMA weights around evaluation and
    prediction (and, with ``swap_on_epoch``, at each epoch end, keeping the EMA weights after
    the last epoch), as Keras does. The optimizer needs ``use_ema=True``.

    Args:
        swap_on_epoch: also swap at every epoch end (so validation and checkpoints of that
            epoch see the EMA weights) and back at the next epoch's start.

    Example:
        >>> import tkeras
        >>> callback = tkeras.callbacks.SwapEMAWeights(swap_on_epoch=True)
    """

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_pairs(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        optimizer = self.model.optimizer
        averages = getattr(optimizer, "_slots", {}).get("average")
        if not getattr(optimizer, "use_ema", False) or averages is None:
            raise ValueError(
                "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                f"Received: use_ema={getattr(optimizer, 'use_ema', None)}"
            )
        return list(zip(optimizer._params, averages))

    @torch.no_grad()
    def _swap_variables(self) -> None:
        for weight, average in self._ema_pairs():
            held = weight.detach().clone()
            weight.copy_(average)
            average.copy_(held)

    @torch.no_grad()
    def _finalize_ema_values(self) -> None:
        for weight, average in self._ema_pairs():
            average.copy_(weight)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        # Keras's condition (swap back only if the EMA weights are *not* in the model) keeps
        # the EMA weights after predict; kept as is for parity.
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
