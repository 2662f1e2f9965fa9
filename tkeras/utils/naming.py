"""Keras-style unique names: ``dense``, ``dense_1``, ..."""

from __future__ import annotations

import re
from collections import defaultdict

_UIDS: defaultdict[str, int] = defaultdict(int)


def to_snake_case(name: str) -> str:
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def uniquify(name: str) -> str:
    unique = f"{name}_{_UIDS[name]}" if name in _UIDS else name
    _UIDS[name] += 1
    return unique


def auto_name(class_name: str) -> str:
    return uniquify(to_snake_case(class_name))


def reset_uids() -> None:
    _UIDS.clear()


def next_uid(prefix: str) -> int:
    """Keras's ``get_uid``: bump ``prefix``'s counter (shared with ``uniquify``), return it."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]
