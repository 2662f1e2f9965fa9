"""``LambdaCallback``: a callback built from plain functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tkeras.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given (any other hook may be given by name).

    Args:
        on_epoch_begin: called as ``f(epoch, logs)``.
        on_epoch_end: called as ``f(epoch, logs)``.
        on_train_begin: called as ``f(logs)``.
        on_train_end: called as ``f(logs)``.
        on_train_batch_begin: called as ``f(batch, logs)``.
        on_train_batch_end: called as ``f(batch, logs)``.
        **kwargs: any other hook, e.g. ``on_test_end=lambda logs: ...``.

    Example:
        >>> import tkeras
        >>> seen = []
        >>> cb = tkeras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
