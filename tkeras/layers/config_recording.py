"""Config recording: subclass ``__init__`` wrappers that record constructor arguments."""

from __future__ import annotations

import functools
import inspect
from typing import Any

_BASE_KEYS = ("name", "trainable", "dtype", "autocast", "activity_regularizer")


def _recording_init(init: Any) -> Any:
    """Wrap a subclass ``__init__`` so the most-derived call records its arguments for config."""
    sig = inspect.signature(init)

    @functools.wraps(init)
    def wrapped(self, *args: Any, **kwargs: Any) -> None:
        if "_init_config" not in self.__dict__:
            try:
                bound = sig.bind(self, *args, **kwargs)
            except TypeError:
                bound = None
            if bound is not None:
                bound.apply_defaults()
                cfg = {}
                for pname, value in list(bound.arguments.items())[1:]:
                    kind = sig.parameters[pname].kind
                    if kind is inspect.Parameter.VAR_KEYWORD:
                        cfg.update({k: v for k, v in value.items() if k not in _BASE_KEYS})
                    elif kind is not inspect.Parameter.VAR_POSITIONAL and pname not in _BASE_KEYS:
                        cfg[pname] = value
                object.__setattr__(self, "_init_config", cfg)
        init(self, *args, **kwargs)

    wrapped._records_config = True
    return wrapped
