"""``TerminateOnNaN``: stop training when the loss becomes NaN or infinite."""

from __future__ import annotations

import math

from tkeras.callbacks.callback import Callback
from tkeras.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Stops ``fit()`` at the first batch whose running loss is NaN or infinite.

    Reads the loss every batch, so it costs one device sync per step.

    Args:
        raise_error: raise a RuntimeError instead of stopping quietly.

    Example:
        >>> import tkeras
        >>> guard = tkeras.callbacks.TerminateOnNaN()
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and (math.isnan(loss) or math.isinf(loss)):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately."
                )
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
