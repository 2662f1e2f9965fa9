"""``RemoteMonitor``: post each epoch's logs to an HTTP server."""

from __future__ import annotations

import importlib
import json
import warnings
from typing import Any

import numpy as np
import torch

from tkeras.callbacks.callback import Callback


def _requests() -> Any:
    try:
        return importlib.import_module("requests")
    except ImportError:
        return None


class RemoteMonitor(Callback):
    """Streams epoch-end events to a server with an HTTP POST (needs ``requests``).

    Each epoch posts ``{"epoch": epoch, **logs}`` to ``root + path``: as JSON when
    ``send_as_json``, else JSON-encoded in the form field ``field``, as Keras's. An unreachable
    server gives a warning, not an error.

    Args:
        root: root URL of the server.
        path: path under ``root`` the events are posted to.
        field: form field that holds the JSON data (``send_as_json=False`` only).
        headers: optional dict of HTTP headers.
        send_as_json: post ``application/json`` instead of a form.

    Example:
        >>> import tkeras
        >>> monitor = tkeras.callbacks.RemoteMonitor(root="http://localhost:9000")
    """

    def __init__(
        self,
        root: str = "http://localhost:9000",
        path: str = "/publish/epoch/end/",
        field: str = "data",
        headers: dict | None = None,
        send_as_json: bool = False,
    ) -> None:
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        requests = _requests()
        if requests is None:
            raise ImportError("RemoteMonitor requires the `requests` library.")
        send: dict[str, Any] = {"epoch": epoch}
        for key, value in (logs or {}).items():
            # Arrays, numpy scalars and tensors are not JSON: send their Python value.
            if isinstance(value, (np.ndarray, np.generic, torch.Tensor)):
                value = value.item()
            send[key] = value
        url = self.root + self.path
        try:
            if self.send_as_json:
                requests.post(url, json=send, headers=self.headers)
            else:
                requests.post(url, {self.field: json.dumps(send)}, headers=self.headers)
        except requests.exceptions.RequestException:
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
