"""One lookup from names to objects, shared by compile() strings, deserialization and ``get()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Registry:
    """A name -> object table with aliases and one error message listing the valid names."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Any] = {}
        self._aliases: dict[str, str] = {}

    def register(self, name: str, *aliases: str) -> Callable[[Any], Any]:
        def decorator(obj: Any) -> Any:
            self.add(name, obj, *aliases)
            return obj

        return decorator

    def add(self, name: str, obj: Any, *aliases: str) -> None:
        self._entries[name] = obj
        for alias in aliases:
            self._aliases[alias] = name

    def canonical(self, name: str) -> str:
        """The registered name for ``name`` or one of its aliases; raises ValueError if unknown."""
        key = self._aliases.get(name, name)
        if key not in self._entries:
            raise ValueError(
                f"Unknown {self.kind}: {name!r}. Expected one of: {', '.join(self.names())}."
            )
        return key

    def lookup(self, name: str) -> Any:
        return self._entries[self.canonical(name)]

    def names(self) -> list[str]:
        return sorted(set(self._entries) | set(self._aliases))

    def __contains__(self, name: object) -> bool:
        return name in self._entries or name in self._aliases

    def items(self):
        return self._entries.items()
