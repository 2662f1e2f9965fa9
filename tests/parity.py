"""The parity harness: the same layer config in Keras 3 and tkeras, Keras's weights copied in.

A ``Case`` names a public layer, its constructor kwargs and an input shape. ``check_case``
builds the layer in both libraries, copies Keras's weights into tkeras with ``set_weights``,
checks that every Variable then has Keras's shape and values, and compares the outputs, the
input gradients and the sum of ``layer.losses`` (weight and activity regularizers) to 1e-5
(float32). Every family's test module defines ``CASES``; ``tests/test_meta.py`` checks that
every public layer has a case and every ``__init__`` argument gets a non-default value in some
case.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import keras
import numpy as np
import torch

import tkeras

RTOL = ATOL = 1e-5


@dataclasses.dataclass
class Case:
    layer: str
    kwargs: dict[str, Any]
    input_shape: tuple[int, ...]
    # "float" (normal data), or ("int", high) for integer ids in [0, high)
    data: Any = "float"
    training: bool = False
    grad: bool = True
    id: str = ""

    def __str__(self) -> str:
        return self.id or f"{self.layer}-{self.kwargs}-{self.input_shape}"


def make_input(case: Case, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if case.data == "float":
        return rng.standard_normal(case.input_shape).astype("float32")
    kind, high = case.data
    return rng.integers(0, high, size=case.input_shape).astype("int64")


def _flat(y: Any) -> list:
    if isinstance(y, (list, tuple)):
        return [t for e in y for t in _flat(e)]
    return [y]


def assert_same_variables(k_layer: Any, t_layer: Any, values: bool = True) -> None:
    """Every tkeras Variable has its Keras twin's shape, trainability and (``values``) values,
    in Keras's order (``weights``, ``trainable_weights``, ``non_trainable_weights``)."""
    for attr in ("weights", "trainable_weights", "non_trainable_weights"):
        t_vars, k_vars = getattr(t_layer, attr), getattr(k_layer, attr)
        assert len(t_vars) == len(k_vars), (attr, len(t_vars), len(k_vars))
        for t, k in zip(t_vars, k_vars):
            assert tuple(t.shape) == tuple(k.shape), (attr, t.path, k.path)
            assert t.trainable == k.trainable, (attr, t.path)
            if not values:
                continue
            want = keras.ops.convert_to_numpy(k.value)
            np.testing.assert_allclose(t.numpy(), want, rtol=1e-6, atol=1e-6)


def check_case(case: Case, seed: int = 0, rtol: float = RTOL, atol: float = ATOL) -> tuple:
    """Assert tkeras == Keras for one case: outputs, input gradients and the sum of the layer
    losses; returns the (Keras, tkeras) layers."""
    x = make_input(case, seed)
    k_layer = getattr(keras.layers, case.layer)(**case.kwargs)
    t_layer = getattr(tkeras.layers, case.layer)(**case.kwargs)

    grad = case.grad and case.data == "float"
    xk = torch.tensor(x, requires_grad=grad)
    yk = k_layer(xk, training=case.training) if case.training else k_layer(xk)
    t_layer.build_from_shape(tuple(x.shape))
    t_layer.set_weights(k_layer.get_weights())
    assert_same_variables(k_layer, t_layer)
    xt = torch.tensor(x, requires_grad=grad)
    yt = t_layer(xt, training=case.training) if case.training else t_layer(xt)

    yk_list, yt_list = _flat(yk), _flat(yt)
    assert len(yk_list) == len(yt_list), (len(yk_list), len(yt_list))
    for a, b in zip(yk_list, yt_list):
        a_np = keras.ops.convert_to_numpy(a)
        b_np = b.detach().numpy()
        assert a_np.shape == b_np.shape, (a_np.shape, b_np.shape)
        np.testing.assert_allclose(b_np, a_np, rtol=rtol, atol=atol)
    k_losses, t_losses = k_layer.losses, t_layer.losses
    assert len(t_losses) == len(k_losses), (len(t_losses), len(k_losses))
    if k_losses:
        k_total = sum(float(keras.ops.convert_to_numpy(loss)) for loss in k_losses)
        t_total = sum(float(loss.detach()) for loss in t_losses)
        np.testing.assert_allclose(t_total, k_total, rtol=rtol, atol=atol)
    if grad:
        rng = np.random.default_rng(seed + 1)
        cots = [rng.standard_normal(tuple(a.shape)).astype("float32") for a in yk_list]
        sk = sum((a * torch.tensor(c)).sum() for a, c in zip(yk_list, cots))
        st = sum((b * torch.tensor(c)).sum() for b, c in zip(yt_list, cots))
        (gk,) = torch.autograd.grad(sk, xk)
        (gt,) = torch.autograd.grad(st, xt)
        np.testing.assert_allclose(gt.numpy(), gk.detach().numpy(), rtol=rtol, atol=atol)
    return k_layer, t_layer
