"""GPU checks (CUDA or MPS): layers give the CPU's numbers and training runs on the device.

Marked ``gpu``: skipped on machines without an accelerator (see conftest.py). Run them with
``scripts/gpu_check.sh`` on a CUDA machine.
"""

import copy

import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers

pytestmark = pytest.mark.gpu


def _device():
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("mps")


LAYERS = [
    (lambda: layers.Dense(16, activation="relu"), (8, 12)),
    (lambda: layers.Conv1D(8, 3, padding="causal", dilation_rate=2), (4, 20, 6)),
    (lambda: layers.Conv2D(8, 3, strides=2, padding="same"), (4, 15, 15, 3)),
    (lambda: layers.Conv3D(4, 2, padding="same"), (2, 6, 6, 6, 3)),
    (lambda: layers.MaxPooling2D(3, strides=2, padding="same"), (4, 9, 9, 5)),
    (lambda: layers.AveragePooling2D(2, padding="same"), (4, 7, 7, 5)),
    (lambda: layers.AveragePooling3D(2, padding="same"), (2, 5, 5, 5, 3)),
    (lambda: layers.LSTM(8, return_sequences=True), (4, 10, 6)),
    (lambda: layers.GRU(8), (4, 10, 6)),
    (lambda: layers.SimpleRNN(8, go_backwards=True), (4, 10, 6)),
    (lambda: layers.Embedding(50, 8), None),
]


@pytest.mark.parametrize("make,shape", LAYERS)
def test_layer_on_device_equals_cpu(make, shape):
    device = _device()
    layer = make()
    if shape is None:
        x = torch.randint(0, 50, (4, 7))
    else:
        x = torch.randn(shape)
    y_cpu = layer(x)
    layer_dev = copy.deepcopy(layer).to(device)
    y_dev = layer_dev(x.to(device))
    np.testing.assert_allclose(
        y_dev.detach().cpu().numpy(), y_cpu.detach().numpy(), rtol=2e-4, atol=2e-4
    )


def test_spatial_outputs_stay_channels_last_on_device():
    device = _device()
    x = torch.randn(4, 16, 16, 8, device=device)
    y = layers.Conv2D(16, 3, padding="same").to(device)(x)
    assert y.is_contiguous() or y.permute(0, 3, 1, 2).is_contiguous(
        memory_format=torch.channels_last
    )


def test_fit_runs_on_device():
    tkeras.config.set_device(_device())
    try:
        rng = np.random.default_rng(0)
        x = rng.standard_normal((256, 8, 8, 1)).astype("float32")
        y = rng.integers(0, 10, 256)
        model = tkeras.Sequential(
            [
                tkeras.Input((8, 8, 1)),
                layers.Conv2D(8, 3, activation="relu"),
                layers.Flatten(),
                layers.Dense(10),
            ]
        )
        model.compile(
            "adam",
            tkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
        assert next(model.parameters()).device.type == _device().type
        assert history.history["loss"][1] < history.history["loss"][0]
        assert model.predict(x[:5], verbose=0).shape == (5, 10)
    finally:
        tkeras.config.set_device(None)
