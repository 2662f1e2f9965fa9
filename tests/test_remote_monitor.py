"""callbacks.RemoteMonitor against Keras's: the same POST requests (path, headers, body) to a
local HTTP server in a thread, one per epoch in fit(); warnings and errors as Keras's."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests._http import closed_port_url
from tkeras.callbacks import remote_monitor


class _Recorder(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append(
            (self.path, self.headers.get("Content-Type"), self.headers.get("X-Run"), body)
        )
        self.send_response(200)
        self.end_headers()


@contextlib.contextmanager
def _server() -> Iterator[tuple[str, list]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.posts = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.posts
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


LOGS = {"loss": np.float32(0.25), "accuracy": 0.5, "val_loss": np.array(1.5)}


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"path": "/events/", "field": "payload", "headers": {"X-Run": "7"}},
        {"send_as_json": True, "headers": {"X-Run": "8"}},
    ],
)
def test_posts_what_keras_posts(kwargs):
    with _server() as (root, posts):
        keras.callbacks.RemoteMonitor(root=root, **kwargs).on_epoch_end(3, dict(LOGS))
        ours = tkeras.callbacks.RemoteMonitor(root=root, **kwargs)
        ours.on_epoch_end(3, {**LOGS, "loss": torch.tensor(0.25)})
    assert len(posts) == 2
    assert posts[1] == posts[0]
    assert posts[0][0] == kwargs.get("path", "/publish/epoch/end/")


def test_fit_posts_once_per_epoch():
    model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    with _server() as (root, posts):
        monitor = tkeras.callbacks.RemoteMonitor(root=root, send_as_json=True)
        history = model.fit(x, y, epochs=2, verbose=0, callbacks=[monitor])
    sent = [json.loads(body) for _, _, _, body in posts]
    assert [s["epoch"] for s in sent] == [0, 1]
    np.testing.assert_allclose([s["loss"] for s in sent], history.history["loss"], rtol=1e-6)


def test_unreachable_server_warns_like_keras():
    url = closed_port_url()
    with pytest.warns(UserWarning, match=f"Could not reach RemoteMonitor root server at {url}"):
        tkeras.callbacks.RemoteMonitor(root=url).on_epoch_end(0, {"loss": 1.0})


def test_missing_requests_raises_at_epoch_end(monkeypatch):
    monitor = tkeras.callbacks.RemoteMonitor()
    monkeypatch.setattr(remote_monitor, "_requests", lambda: None)
    with pytest.raises(ImportError, match=r"RemoteMonitor requires the `requests` library\."):
        monitor.on_epoch_end(0, {})
