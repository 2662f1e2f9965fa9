"""Keras-style unique names: ``dense``, ``dense_1``, ...

The counters are per thread (``backend/global_state.py``), as Keras's ``object_name_uids``.
"""

from __future__ import annotations

import re

from tkeras.backend.global_state import thread_state


def to_snake_case(name: str) -> str:
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def uniquify(name: str) -> str:
    uids = thread_state().name_uids
    unique = f"{name}_{uids[name]}" if name in uids else name
    uids[name] += 1
    return unique


def auto_name(class_name: str) -> str:
    return uniquify(to_snake_case(class_name))


def reset_uids() -> None:
    thread_state().name_uids.clear()
