"""Safe mode and lambdas: whether a load may run Python bytecode stored in a file (per thread,
in backend/global_state.py), and Keras's bytecode format for lambdas (``func_dump``/``func_load``).
"""

from __future__ import annotations

import base64
import builtins
import codecs
import marshal
import types
from typing import Any

import numpy as np
import torch

from tkeras.backend.global_state import thread_state


class SafeModeScope:
    """Set the safe mode of every nested deserialization inside a ``with`` block."""

    def __init__(self, safe_mode: bool | None = True) -> None:
        self.safe_mode = safe_mode

    def __enter__(self) -> SafeModeScope:
        state = thread_state()
        self._previous = state.safe_mode
        if self.safe_mode is not None:
            state.safe_mode = bool(self.safe_mode)
        return self

    def __exit__(self, *exc: Any) -> None:
        thread_state().safe_mode = self._previous


def enable_unsafe_deserialization() -> None:
    """Allow lambdas to be deserialized everywhere (Keras's ``keras.config`` switch).

    Example:
        >>> import tkeras
        >>> tkeras.saving.enable_unsafe_deserialization()
        >>> tkeras.saving.safe_mode.in_safe_mode()
        False
        >>> tkeras.backend.global_state.thread_state().safe_mode = None  # back to the default

    Differences from Keras: none; as in Keras the switch holds for the calling thread only.
    """
    thread_state().safe_mode = False


def in_safe_mode() -> bool:
    """Whether lambdas are refused (the default)."""
    return thread_state().safe_mode is not False


def check_lambda_allowed(what: str) -> None:
    """Raise unless safe mode is off: loading a lambda runs code stored in the file."""
    if in_safe_mode():
        raise ValueError(
            f"Requested the deserialization of {what}. This carries a potential risk of "
            "arbitrary code execution and thus it is disallowed by default. If you trust the "
            "source of the file, pass `safe_mode=False` to the loading function, or call "
            "`tkeras.saving.enable_unsafe_deserialization()`."
        )


def func_dump(fn: Any) -> tuple[str, Any, Any]:
    """A function's bytecode (base64 of ``marshal``), defaults and closure, as Keras dumps it."""
    code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return code, fn.__defaults__, closure


def func_load(code: Any, defaults: Any = None, closure: Any = None) -> Any:
    """The function of a ``func_dump`` (runs stored bytecode: only with safe_mode=False)."""
    if isinstance(code, (list, tuple)):
        code, defaults, closure = code
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(types.CellType(value) for value in closure)
    raw = base64.b64decode(code.encode("ascii"))
    code_obj = marshal.loads(raw)
    return types.FunctionType(
        code_obj, _lambda_globals(), name=code_obj.co_name, argdefs=defaults, closure=closure
    )


def _lambda_globals() -> dict[str, Any]:
    import tkeras

    # A lambda saved by Keras refers to `keras`, `ops` or `np`; here they are tkeras's.
    return {
        "__builtins__": builtins,
        "keras": tkeras,
        "tkeras": tkeras,
        "torch": torch,
        "np": np,
        "numpy": np,
        "ops": getattr(tkeras, "ops", None),
    }
