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


# ---------------------------------------------------------------------- get / (de)serialize
# The one implementation behind each family's ``get``, ``serialize`` and ``deserialize``
# (losses, metrics, constraints), so a name means the same thing everywhere.


def serialize_function(fn: Callable[..., Any]) -> dict[str, Any]:
    """Keras's config for a plain function: ``{'class_name': 'function', 'config': name, ...}``."""
    return {
        "module": "builtins",
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": "function",
    }


def serialize_object(obj: Any, base: type, module: str, kind: str, expected: str) -> dict[str, Any]:
    """Keras's config of a ``base`` instance (classes in ``module``) or of a plain function."""
    if isinstance(obj, base):
        return {
            "module": module,
            "class_name": type(obj).__name__,
            "config": obj.get_config(),
            "registered_name": None,
        }
    if callable(obj) and hasattr(obj, "__name__"):
        return serialize_function(obj)
    raise TypeError(f"Could not serialize {kind} {obj!r}: expected {expected}.")


def deserialize_object(
    config: Any,
    custom_objects: dict[str, Any] | None,
    kind: str,
    classes: Registry,
    functions: Registry,
) -> Any:
    """The object a name or a ``serialize_object`` config names; ``custom_objects`` first."""
    custom_objects = custom_objects or {}

    def find(name: str, registry: Registry) -> Any:
        return custom_objects[name] if name in custom_objects else registry.lookup(name)

    if isinstance(config, str):
        return find(config, classes)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Could not deserialize {kind} {config!r}: expected a name or a dict with 'class_name'."
        )
    if config["class_name"] == "function":
        return find(config["config"], functions)
    return find(config["class_name"], classes).from_config(config.get("config") or {})


def get_object(
    identifier: Any,
    registry: Registry,
    deserialize: Callable[[Any], Any],
    kind: str,
    expected: str,
) -> Any:
    """``get()``: None stays None, a name or config is looked up, a class is instantiated with
    its defaults, a callable (instance or function) is returned unchanged."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = registry.lookup(identifier)
    else:
        obj = identifier
    if isinstance(obj, type):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}. Expected {expected}.")
