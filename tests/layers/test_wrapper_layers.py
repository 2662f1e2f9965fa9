"""Layers that take layers (Wrapper, SpectralNormalization, Pipeline): parity with Keras 3.

Both libraries build their own nested layers from ``Sub`` specs; Keras's weights are copied
into tkeras *before* either layer is called, so training calls (which update weights:
SpectralNormalization assigns the normalized kernel and ``vector_u``) start from the same
state, and the weights are compared again after the call.
"""

from __future__ import annotations

import json
from typing import Any

import keras
import numpy as np
import pytest
import torch

import tkeras
from tests.layers.test_rnn_wrappers import Sub, _build, _check_weights, _close, _grads
from tests.parity import Case, assert_same_variables, make_input

CASES = [
    Case("SpectralNormalization", {"layer": Sub("Dense", {"units": 3})}, (4, 5)),
    Case(
        "SpectralNormalization",
        {"layer": Sub("Dense", {"units": 4, "activation": "tanh"}), "power_iterations": 3},
        (4, 5),
        training=True,
    ),
    Case(
        "SpectralNormalization",
        {"layer": Sub("Conv2D", {"filters": 3, "kernel_size": 2})},
        (2, 5, 5, 2),
        training=True,
    ),
    Case(
        "SpectralNormalization",
        {"layer": Sub("Embedding", {"input_dim": 7, "output_dim": 3}), "power_iterations": 2},
        (2, 4),
        data=("int", 7),
        training=True,
    ),
    Case(
        "Pipeline",
        {
            "layers": [
                Sub("Dense", {"units": 4}),
                Sub("LayerNormalization"),
                Sub("Dense", {"units": 2}),
            ]
        },
        (3, 5),
        id="Pipeline-dense-norm-dense",
    ),
    Case(
        "Pipeline",
        {"layers": [Sub("Rescaling", {"scale": 0.5}), Sub("BatchNormalization")], "name": "pp"},
        (4, 3),
        training=True,
        id="Pipeline-training",
    ),
]


def _pair(case: Case) -> tuple[Any, Any]:
    k_kwargs = {k: _build("keras", v) for k, v in case.kwargs.items()}
    t_kwargs = {k: _build("tkeras", v) for k, v in case.kwargs.items()}
    return getattr(keras.layers, case.layer)(**k_kwargs), getattr(tkeras.layers, case.layer)(
        **t_kwargs
    )


def check_nested_case(case: Case, seed: int = 0) -> tuple[Any, Any]:
    k_layer, t_layer = _pair(case)
    x = make_input(case, seed)
    k_layer.build(tuple(x.shape))
    if case.layer == "Pipeline":  # Keras's Pipeline builds its layers on the first call only
        k_layer(torch.tensor(x), training=False)
    t_layer.build_from_shape(tuple(x.shape))
    t_layer.set_weights(k_layer.get_weights())
    assert_same_variables(k_layer, t_layer)
    grad = case.data == "float"
    xk, xt = torch.tensor(x, requires_grad=grad), torch.tensor(x, requires_grad=grad)
    call = {"training": case.training}
    yk, yt = k_layer(xk, **call), t_layer(xt, **call)
    _close(yt, yk)
    _check_weights(k_layer, t_layer)
    assert_same_variables(k_layer, t_layer)  # the training call updated both alike
    if grad:
        (gt,), (gk,) = _grads(yt, [xt], seed + 1), _grads(yk, [xk], seed + 1)
        np.testing.assert_allclose(gt.numpy(), gk.numpy(), rtol=1e-5, atol=1e-5)
    return k_layer, t_layer


@pytest.mark.filterwarnings("ignore:`build\\(\\)` was called on layer")
@pytest.mark.parametrize("case", CASES, ids=str)
def test_parity(case):
    k_layer, t_layer = check_nested_case(case)
    k_cfg, t_cfg = k_layer.get_config(), t_layer.get_config()
    json.dumps(t_cfg)
    # Keras writes the nested layers' names with its own counters and build configs.
    strip = json.loads(json.dumps(k_cfg).replace(k_layer.name, "X"))
    assert set(t_cfg) == set(k_cfg)
    revived = type(t_layer).from_config(k_cfg)
    assert type(revived) is type(t_layer) and set(revived.get_config()) == set(strip)


def test_spectral_normalization_trains_to_unit_spectral_norm():
    layer = tkeras.layers.SpectralNormalization(tkeras.layers.Dense(6), power_iterations=20)
    for _ in range(5):  # each call continues the power method from the stored vector_u
        layer(torch.randn(3, 4), training=True)
    assert abs(float(torch.linalg.matrix_norm(layer.kernel.detach(), ord=2)) - 1.0) < 1e-3
    before = layer.kernel.numpy().copy()
    layer(torch.randn(3, 4))  # inference: the kernel stays
    np.testing.assert_array_equal(layer.kernel.numpy(), before)


def test_spectral_normalization_leaves_an_all_zero_kernel_alone():
    layer = tkeras.layers.SpectralNormalization(tkeras.layers.Dense(3, kernel_initializer="zeros"))
    layer.build_from_shape((2, 4))
    u = layer.vector_u.numpy().copy()
    layer(torch.ones(2, 4), training=True)
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)
    assert not layer.kernel.numpy().any()


def test_spectral_normalization_saves_and_loads_with_keras(tmp_path):
    t_model = tkeras.Sequential(
        [tkeras.Input((4,)), tkeras.layers.SpectralNormalization(tkeras.layers.Dense(3))]
    )
    t_model.layers[0](torch.randn(2, 4), training=True)
    t_model.save(tmp_path / "t.keras")
    k_model = keras.saving.load_model(tmp_path / "t.keras")
    assert_same_variables(k_model.layers[0], t_model.layers[0])
    k_model.layers[0](np.random.default_rng(0).standard_normal((2, 4)).astype("f"), training=True)
    k_model.save(tmp_path / "k.keras")
    back = tkeras.models.load_model(tmp_path / "k.keras")
    assert_same_variables(k_model.layers[0], back.layers[0])


@pytest.mark.parametrize(
    "call, error, pattern",
    [
        (
            lambda L: L.SpectralNormalization(L.Dense(2), power_iterations=0),
            ValueError,
            r"`power_iterations` should be greater than zero. Received: power_iterations=0",
        ),
        (
            lambda L: L.SpectralNormalization(L.ReLU()).build_from_shape((2, 3)),
            ValueError,
            r"ReLU object has no attribute 'kernel' nor 'embeddings'",
        ),
        (
            lambda L: L.SpectralNormalization("dense"),
            ValueError,
            r"Layer 'dense' supplied to SpectralNormalization isn't a supported layer",
        ),
        (lambda L: L.Pipeline(L.Dense(2)), ValueError, r"Pipeline 'pipeline\w*': `layers` must"),
        (
            lambda L: L.Pipeline.from_config({"name": "p"}),
            ValueError,
            r"`Pipeline` config must contain a `layers` key",
        ),
    ],
)
def test_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(tkeras.layers)


def test_wrapper_base_builds_and_serializes_like_kerass():
    k = keras.layers.Wrapper(keras.layers.Dense(3, name="d"), name="w")
    t = tkeras.layers.Wrapper(tkeras.layers.Dense(3, name="d"), name="w")
    k.build((2, 4))
    t.build_from_shape((2, 4))
    assert [w.path for w in t.layer.weights] == [w.path for w in k.layer.weights]
    assert t.get_config()["layer"]["config"] == k.get_config()["layer"]["config"] | {
        "build_config": t.get_config()["layer"]["config"].get("build_config")
    } or set(t.get_config()) == set(k.get_config())
    revived = tkeras.layers.Wrapper.from_config(k.get_config())
    assert isinstance(revived.layer, tkeras.layers.Dense) and revived.layer.units == 3
    assert isinstance(
        tkeras.layers.SpectralNormalization(tkeras.layers.Dense(2)), tkeras.layers.Wrapper
    )


def test_pipeline_passes_masks_and_lists_layers():
    L = tkeras.layers
    pipe = L.Pipeline([L.Embedding(5, 3, mask_zero=True), L.LSTM(2)])
    ids = torch.tensor([[1, 2, 0, 0], [3, 0, 0, 0]])
    lstm = L.LSTM(2)
    lstm.build_from_shape((2, 4, 3))
    out = pipe(ids)
    lstm.set_weights(pipe.layers[1].get_weights())
    emb = pipe.layers[0](ids)
    np.testing.assert_allclose(
        out.detach().numpy(), lstm(emb, mask=ids != 0).detach().numpy(), 1e-6, 1e-6
    )
    assert [type(x).__name__ for x in pipe.layers] == ["Embedding", "LSTM"]
