"""Models: ``Sequential`` and ``Model``."""

from __future__ import annotations

from typing import Any

__all__ = [
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_json",
    "save_model",
]

_SAVING = ("clone_model", "load_model", "model_from_json", "save_model")


def __getattr__(name: str) -> Any:
    # Lazy, so layers can import models.symbolic without importing the model classes.
    if name == "Model":
        from tkeras.models.model import Model

        return Model
    if name == "Sequential":
        from tkeras.models.sequential import Sequential

        return Sequential
    if name in _SAVING:
        from tkeras import saving

        return getattr(saving, name)
    raise AttributeError(f"module 'tkeras.models' has no attribute {name!r}")
