"""Logs for callbacks: Python floats, sorted by name, read from the device only when needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch


def pythonify_logs(logs: Any) -> dict[str, Any]:
    """A new dict of ``logs`` sorted by key, nested dicts flattened, scalars as floats.

    Scalar tensors are read in one device-to-host copy (one sync however many metrics).
    """
    if isinstance(logs, LazyLogs):
        return dict(logs.items())
    flat: dict[str, Any] = {}
    _flatten(logs or {}, flat)
    scalars = [k for k, v in flat.items() if isinstance(v, torch.Tensor) and v.numel() == 1]
    if scalars:
        tensors = [flat[k].detach().reshape(()) for k in scalars]
        if len({(t.device, t.dtype) for t in tensors}) == 1:
            values = torch.stack(tensors).tolist()  # one copy to the host for all of them
        else:
            values = [t.item() for t in tensors]
        for k, v in zip(scalars, values):
            flat[k] = float(v)
    out = {}
    for key in sorted(flat):
        value = flat[key]
        if not isinstance(value, float):
            try:
                value = float(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
            except (TypeError, ValueError, RuntimeError):
                pass
        out[key] = value
    return out


def _flatten(logs: dict, out: dict) -> None:
    for key, value in logs.items():
        if isinstance(value, dict):
            _flatten(value, out)
        elif isinstance(value, np.ndarray) and value.ndim == 0:
            out[key] = value.item()
        else:
            out[key] = value


class LazyLogs(dict):
    """A batch's logs dict that reads the metric values from the device on first access.

    The trainer hands one of these to every batch hook. Callbacks that never look at it (the
    progress bar between redraws, a user hook that only counts batches) cost no host sync.
    """

    __slots__ = ("_fetch",)

    def __init__(self, fetch: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self._fetch: Callable[[], dict[str, Any]] | None = fetch

    def _load(self) -> None:
        fetch = self._fetch
        if fetch is not None:
            self._fetch = None
            dict.update(self, pythonify_logs(fetch()))

    def __getitem__(self, key: str) -> Any:
        self._load()
        return dict.__getitem__(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._load()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._load()
        dict.__delitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self._load()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._load()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._load()
        return dict.__len__(self)

    def __eq__(self, other: object) -> bool:
        self._load()
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._load()
        return dict.__repr__(self)

    def __reduce__(self):
        self._load()
        return (dict, (dict(self.items()),))

    def keys(self):
        self._load()
        return dict.keys(self)

    def values(self):
        self._load()
        return dict.values(self)

    def items(self):
        self._load()
        return dict.items(self)

    def get(self, key: str, default: Any = None) -> Any:
        self._load()
        return dict.get(self, key, default)

    def copy(self) -> dict[str, Any]:
        self._load()
        return dict(dict.items(self))

    def pop(self, key: str, *default: Any) -> Any:
        self._load()
        return dict.pop(self, key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._load()
        return dict.setdefault(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._load()
        dict.update(self, *args, **kwargs)
