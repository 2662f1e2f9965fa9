"""``Callback``: the base class of objects that hook into fit, evaluate and predict."""

from __future__ import annotations

from typing import Any


class Callback:
    """Hooks into the stages of ``fit()``, ``evaluate()`` and ``predict()``; override the ones
    you need.

    Every hook of Keras's ``Callback`` exists with the same name and arguments. ``logs`` holds
    Python floats. ``on_train_batch_begin``/``on_train_batch_end`` call ``on_batch_begin``/
    ``on_batch_end`` by default, as in Keras.

    Attributes:
        params: the run's parameters, ``{"verbose": ..., "epochs": ..., "steps": ...}``.
        model: the model being trained.

    Differences from Keras: batch logs are read from the device lazily. A callback that
    overrides a batch hook but never looks at ``logs`` costs no device-to-host copy; hooks
    nobody overrides are never called.

    Example:
        >>> import tkeras
        >>> class Stop(tkeras.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         if logs["loss"] < 0.1:
        ...             self.model.stop_training = True
    """

    # Writes files or prints: under torchrun it runs on rank 0 only (see CallbackList).
    _chief_only = False

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """A backwards-compatible alias of ``on_train_batch_begin``."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """A backwards-compatible alias of ``on_train_batch_end``."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of an epoch (training only)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of an epoch with the epoch's metrics, ``val_`` ones included."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a training batch."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a training batch with the metrics aggregated so far this epoch."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before an evaluation (or validation) batch."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after an evaluation (or validation) batch with the metrics so far."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a prediction batch."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a prediction batch; ``logs["outputs"]`` holds the batch's outputs."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``fit()``."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``fit()`` with the last epoch's logs."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``evaluate()`` and of each validation run."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``evaluate()`` and of each validation run."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``predict()``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``predict()``."""


# A batch hook runs only for callbacks that override it (or the alias it calls by default).
_BATCH_HOOKS = {
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


def overrides(callback: Any, hook: str) -> bool:
    """Whether ``callback`` replaces the base class's no-op ``hook`` (or its alias)."""
    if not isinstance(callback, Callback):
        return True
    for name in _BATCH_HOOKS.get(hook, (hook,)):
        if name in vars(callback):
            return True
        if getattr(type(callback), name) is not getattr(Callback, name):
            return True
    return False
