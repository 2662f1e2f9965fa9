"""Test setup: real Keras 3 on its torch backend is the reference (a dev dependency)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TKERAS_DEVICE", "cpu")

import pytest  # noqa: E402
import torch  # noqa: E402


def pytest_collection_modifyitems(config, items):
    has_gpu = torch.cuda.is_available() or (
        getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    )
    if has_gpu:
        return
    skip = pytest.mark.skip(reason="needs a CUDA or MPS device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
