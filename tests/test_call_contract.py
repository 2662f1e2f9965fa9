"""Keras's call contract in ``Layer.__call__``: ``training``/``mask`` bound by position, inputs
cast once up front, losses reset at each outermost call, shape inference without side effects."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch
from torch import nn

import tkeras


class Block(tkeras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drop = tkeras.layers.Dropout(0.5, seed=3)

    def call(self, x, training=None):
        return self.drop(x)


def test_training_passed_by_position_reaches_inner_dropout():
    block = Block()
    x = torch.ones(1, 1000)
    assert torch.equal(block(x), x)  # eval mode: identity
    dropped = block(x, True)
    assert 300 < int((dropped == 0).sum()) < 700
    assert torch.equal(block(x, False), x)
    assert block.training is False and block.drop.training is False


class KerasBlock(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drop = keras.layers.Dropout(0.5, seed=3)

    def call(self, x, training=None):
        return self.drop(x)


def test_positional_training_keras_refuses_and_tkeras_binds():
    # Differences from Keras: Keras refuses a non-tensor positional argument; tkeras binds it
    # by the call signature (torch style), so it reaches the inner Dropout rather than failing.
    x = np.ones((1, 1000), "float32")
    with pytest.raises(ValueError, match="Only input tensors may be passed as positional"):
        KerasBlock()(x, True)
    k = keras.ops.convert_to_numpy(KerasBlock()(x, training=True))
    t = Block()(torch.as_tensor(x), True).numpy()
    assert 300 < (k == 0).sum() < 700 and 300 < (t == 0).sum() < 700
    assert set(np.unique(k)) == set(np.unique(t)) == {0.0, 2.0}


class Counting(tkeras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = 0
        self.dtypes = []

    def call(self, x):
        self.calls += 1
        self.dtypes.append(x.dtype)
        self.add_loss(x.sum())
        return x * 2


def test_a_float64_input_is_cast_up_front_and_call_runs_once():
    layer = Counting()
    layer(torch.ones(2, 3))  # build
    layer.calls, layer.dtypes = 0, []
    out = layer(torch.ones(2, 3, dtype=torch.float64))
    assert layer.calls == 1 and layer.dtypes == [torch.float32]
    assert out.dtype == torch.float32
    assert len(layer.losses) == 1


def test_numpy_and_keyword_inputs_are_converted_once():
    layer = Counting()
    layer(np.ones((2, 3)))
    layer.calls, layer.dtypes = 0, []
    out = layer(x=np.ones((2, 3), "float64"))
    assert layer.calls == 1 and layer.dtypes == [torch.float32] and out.dtype == torch.float32


def test_autocast_false_keeps_the_input_dtype():
    layer = Counting(autocast=False)
    layer(torch.ones(2, 3))
    out = layer(torch.ones(2, 3, dtype=torch.float64))
    assert out.dtype == torch.float64


def test_integer_inputs_are_not_cast():
    emb = tkeras.layers.Embedding(5, 2)
    out = emb(torch.tensor([[1, 2]]))
    assert out.shape == (1, 2, 2)


class Holder(nn.Module):
    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        return self.layer(x)


@pytest.mark.parametrize(
    "make",
    [
        lambda: tkeras.layers.Dense(2, activity_regularizer="l2"),
        Counting,
        lambda: tkeras.Sequential([tkeras.Input((3,)), Counting()]),
    ],
    ids=["activity", "add_loss", "nested"],
)
def test_losses_reset_at_each_outermost_call_inside_a_plain_torch_module(make):
    holder = Holder(make())
    x = torch.ones(4, 3)
    for _ in range(1000):
        holder(x)
    assert len(holder.layer.losses) == 1


def test_losses_reset_like_keras_for_a_lone_layer():
    x = np.ones((4, 3), "float32")
    k = keras.layers.Dense(2, activity_regularizer="l2")
    t = tkeras.layers.Dense(2, activity_regularizer="l2")
    for _ in range(3):
        k(x)
        t(torch.as_tensor(x))
    assert len(k.losses) == len(t.losses) == 1


def test_inner_calls_accumulate_within_one_outer_call():
    class Twice(tkeras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Counting()

        def call(self, x):
            return self.inner(self.inner(x))

    twice = Twice()
    for _ in range(3):
        twice(torch.ones(1, 2))
    assert len(twice.losses) == 2  # both inner calls of the last outer call


def test_shape_inference_keeps_each_submodule_mode_and_losses():
    class Wrap(tkeras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.bn = tkeras.layers.BatchNormalization()
            self.extra = Counting()

        def call(self, x):
            return self.extra(self.bn(x))

    wrap = Wrap()
    wrap(torch.ones(2, 4))
    wrap.train()
    wrap.bn.eval()  # frozen by hand inside a training block
    assert len(wrap.losses) == 1
    assert wrap.compute_output_shape((None, 4)) == (None, 4)
    assert wrap.training is True and wrap.extra.training is True
    assert wrap.bn.training is False
    assert len(wrap.losses) == 1


def test_shape_inference_of_a_training_model_keeps_its_frozen_bn():
    class Net(tkeras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tkeras.layers.Dense(4)
            self.bn = tkeras.layers.BatchNormalization()

        def call(self, x):
            return self.bn(self.dense(x))

    model = Net()
    model(torch.ones(2, 3))
    model.train()
    model.bn.eval()
    assert model.compute_output_shape((None, 3)) == (None, 4)
    assert model.training is True and model.dense.training is True
    assert model.bn.training is False


def test_mask_passed_by_position_is_not_passed_twice():
    class Masked(tkeras.layers.Layer):
        def call(self, x, mask=None):
            return x if mask is None else x * mask[..., None]

        def compute_mask(self, x, mask=None):
            return mask

    emb = tkeras.layers.Embedding(5, 2, mask_zero=True)
    layer = Masked()
    ids = torch.tensor([[1, 0, 2]])
    x = emb(ids)
    explicit = torch.tensor([[True, True, False]])
    out = layer(x, explicit)
    assert torch.equal(out[0, 2], torch.zeros(2)) and not torch.equal(out[0, 1], torch.zeros(2))
