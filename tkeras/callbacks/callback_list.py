"""``CallbackList``: calls every hook of a list of callbacks, in order, as Keras does."""

from __future__ import annotations

from typing import Any

from tkeras.callbacks.callback import _BATCH_HOOKS, Callback, overrides
from tkeras.callbacks.history import History
from tkeras.callbacks.progbar_logger import ProgbarLogger
from tkeras.distribute.process_group import is_chief
from tkeras.trainers.logs import LazyLogs, pythonify_logs


def _flatten(callbacks: Any) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [c for item in callbacks for c in _flatten(item)]
    return [callbacks]


class CallbackList(Callback):
    """A container that calls each hook on all of its callbacks, in list order.

    ``fit()`` builds one from ``callbacks=`` and appends a ``History`` and (when verbose) a
    ``ProgbarLogger`` unless the list already holds one. Epoch-level logs are handed over as
    a new dict sorted by name with Python floats, as in Keras.

    Args:
        callbacks: a list of ``Callback`` instances.
        add_history: append a ``History`` if the list has none.
        add_progbar: append a ``ProgbarLogger`` if the list has none.
        model: the model the callbacks get through ``set_model``.
        **params: passed to every callback through ``set_params``.

    Under torchrun, the callbacks that print or write files (``ProgbarLogger``,
    ``ModelCheckpoint``, ``CSVLogger``, ``TensorBoard``) are left out on every rank but 0;
    ``BackupAndRestore`` restores on every rank and writes on rank 0.

    Differences from Keras: batch hooks run only on the callbacks that override them, and
    batch logs are read from the device only when a callback looks at them. Keras may run
    batch hooks on a background thread; tkeras runs them inline.

    Example:
        >>> import tkeras
        >>> cbs = tkeras.callbacks.CallbackList([tkeras.callbacks.Callback()], add_history=True)
        >>> [type(c).__name__ for c in cbs.callbacks]
        ['Callback', 'History']
    """

    def __init__(
        self,
        callbacks: Any = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks = _flatten(callbacks)
        for cb in self.callbacks:
            if not hasattr(cb, "on_epoch_end"):
                raise ValueError(
                    "Every entry of `callbacks` must be a tkeras.callbacks.Callback. "
                    f"Received: {cb!r} (of type {type(cb).__name__})"
                )
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        if not is_chief():  # under torchrun, only rank 0 prints and writes files
            self.callbacks = [c for c in self.callbacks if not c._chief_only]
        self._batch_hooks: dict[str, list] = {}
        self.set_model(model)
        self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)
        self._batch_hooks = {}

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model: Any) -> None:
        if not model:
            return
        super().set_model(model)
        if self._history:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _refresh(self) -> None:
        self._batch_hooks = {
            hook: [getattr(cb, hook) for cb in self.callbacks if overrides(cb, hook)]
            for hook in _BATCH_HOOKS
        }

    def hooks(self, hook: str) -> list:
        """The bound ``hook`` methods of the callbacks that override it (cached per run)."""
        if not self._batch_hooks:
            self._refresh()
        return self._batch_hooks[hook]

    # --------------------------------------------------------------- begin / end of runs

    def _run_begin(self, hook: str, logs: Any) -> None:
        self._refresh()
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(logs)

    def _call(self, hook: str, logs: Any) -> None:
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._run_begin("on_train_begin", logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._run_begin("on_test_begin", logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._run_begin("on_predict_begin", logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call("on_train_end", logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call("on_test_end", logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call("on_predict_end", logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    # --------------------------------------------------------------- batches

    def _batch(self, hook: str, batch: int, logs: Any) -> None:
        methods = self.hooks(hook)
        if not methods:
            return
        if not isinstance(logs, LazyLogs):
            logs = pythonify_logs(logs)
        for method in methods:
            method(batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs=logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs if isinstance(logs, LazyLogs) else pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        methods = self.hooks("on_predict_batch_end")
        for method in methods:
            method(batch, logs=logs)
