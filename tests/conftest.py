"""Test setup: real Keras 3 on its torch backend is the reference (a dev dependency)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TKERAS_DEVICE", "cpu")

import random  # noqa: E402
import sys  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402


@pytest.fixture(autouse=True)
def _seed_every_test(request):
    """Each test starts from the same global RNG state, whatever ran before it.

    Many tests draw inputs with unseeded ``torch.randn`` / ``np.random``, and unseeded
    initializers (Keras's and tkeras's) draw their seed from Python's ``random``. Seeding per
    test (from its id, so tests do not all share one stream) keeps every draw the same on
    every run, in any order, under ``-k`` or ``-x``, on a busy machine or not.
    """
    seed = zlib.crc32(request.node.nodeid.encode()) % (2**31)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if "keras" in sys.modules:  # Keras's global SeedGenerator (keras.random without a seed)
        sys.modules["keras"].utils.set_random_seed(seed)


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--runslow"):
        skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip_slow)
    has_gpu = torch.cuda.is_available() or (
        getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    )
    if has_gpu:
        return
    skip = pytest.mark.skip(reason="needs a CUDA or MPS device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
