"""``keras.name_scope`` and ``keras.device``: scopes for variable paths and tensor placement."""

from __future__ import annotations

import contextlib

import torch

from tkeras import config
from tkeras.backend import global_state
from tkeras.backend.global_state import PROCESS


def _stack() -> list:
    """This thread's open name scopes (a per-thread attribute, as in Keras's global_state)."""
    return global_state.get_global_attribute("name_scope_stack", default=[], set_to_default=True)


class name_scope:  # noqa: N801  (Keras's spelling)
    """Open a sub-namespace of variable paths: ``with name_scope('block'): ...``.

    Args:
        name: the scope's name (no ``/``).
        caller: the object opening it; re-entering the same name from the same caller
            does not nest again when ``deduplicate`` is True.
        deduplicate: skip re-entering the parent scope (same name and caller).
        override_parent: an absolute path that replaces the enclosing scopes.

    Example:
        >>> with tkeras.name_scope("encoder"):
        ...     tkeras.backend.scopes.current_path()
        'encoder'

    Differences from Keras: ``current_path()`` follows Keras's rules, but tkeras variables
    created inside the scope keep their layer-relative path.
    """

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name}"
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        if override_parent is None and deduplicate:
            self.override_parent = getattr(caller, "_parent_path", None)
        self._pop_on_exit = False

    def __enter__(self):
        stack = _stack()
        if self.deduplicate and stack and self.caller is not None:
            parent = stack[-1]
            if self.caller is parent.caller and self.name == parent.name:
                return self
        stack.append(self)
        self._pop_on_exit = True
        return self

    def __exit__(self, *exc):
        if self._pop_on_exit and _stack():
            _stack().pop()


def current_path() -> str:
    """The ``/``-joined path of the open name scopes ('' outside any)."""
    parts: list[str] = []
    for entry in _stack():
        if entry.override_parent is not None:
            parts = [p for p in entry.override_parent.split("/") if p]
        parts.append(entry.name)
    return "/".join(parts)


@contextlib.contextmanager
def device(device_name):
    """Place the tensors and layers created inside on ``device_name`` (``'cpu'``, ``'gpu:0'``).

    Example:
        >>> with tkeras.device("cpu"):
        ...     x = tkeras.ops.ones((2,))
    """
    if not isinstance(device_name, str):
        raise ValueError(
            "Invalid value for argument `device_name`. Expected a string like 'gpu:0' or "
            f"'cpu'. Received: device_name='{device_name}'"
        )
    name = device_name.lower().replace("gpu", "cuda")
    previous = PROCESS.device
    config.set_device(name)
    try:
        yield torch.device(name)
    finally:
        PROCESS.device = previous
