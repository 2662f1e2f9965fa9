"""Errors that teach: the common mistakes with Keras 3 idioms on tkeras name the construct, the
value received and what to do instead."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tkeras
from tkeras import ops


@pytest.fixture
def img():
    return tkeras.Input((4,), name="img")


def test_torch_function_on_a_keras_tensor_names_the_function_and_the_ops_alternative(img):
    with pytest.raises(
        TypeError,
        match=r"torch.cat\(\) got a symbolic KerasTensor \(img \(None, 4\), img \(None, 4\)\): "
        r"torch functions need real tensors\. .*\(tkeras.ops.concatenate\), or call torch "
        r"inside a layer's call\(\)",
    ):
        torch.cat([img, img], 1)
    with pytest.raises(TypeError, match=r"torch.exp\(\) got .*\(tkeras.ops.exp\)"):
        torch.exp(img)
    with pytest.raises(TypeError, match=r"torch.embedding_bag\(\) got .*\(see tkeras.ops\)"):
        torch.nn.functional.embedding_bag(img, torch.zeros(3, 2))


def test_python_casts_and_len_of_a_keras_tensor(img):
    with pytest.raises(ValueError, match=r"symbolic \(img, shape \(None, 4\)\).*to a float\. "):
        float(img)
    with pytest.raises(ValueError, match=r"cannot be converted to a int\. Call this inside"):
        int(img)
    with pytest.raises(TypeError, match=r"len\(\) of a symbolic KerasTensor \(img, shape "):
        len(img)


def test_none_dimension_in_a_symbolic_reshape_says_use_minus_one(img):
    with pytest.raises(
        ValueError,
        match=r"Operation 'reshape(_\d+)?' \(Reshape\) .* The argument \(None, 2, 2\) holds "
        r"None, an unknown dimension .* Use -1 for reshape's batch axis",
    ):
        ops.reshape(img, (ops.shape(img)[0], 2, 2))
    assert ops.reshape(img, (-1, 2, 2)).shape == (None, 2, 2)


def test_symbolic_op_shape_error_names_both_operands(img):
    with pytest.raises(
        ValueError,
        match=r"Operation 'add(_\d+)?' \(Add\) cannot be applied to symbolic inputs of shapes "
        r"\(None, 4\), \(3,\)",
    ):
        ops.add(img, np.zeros((3,), "float32"))


def test_model_without_call_names_the_class():
    class GAN(tkeras.Model):
        def __init__(self):
            super().__init__(name="gan")
            self.built = True

        def train_step(self, data):
            return {}

    with pytest.raises(
        NotImplementedError,
        match=r"Model GAN \('gan'\) does not have a `call\(\)` method implemented: define "
        r"`def call\(self, inputs\)` on GAN",
    ):
        GAN().predict(np.zeros((2, 4), "float32"), verbose=0)


def test_train_step_without_backward_says_call_backward():
    class Forgetful(tkeras.Model):
        def train_step(self, data):
            x, y = data
            grads = [v.value.grad for v in self.trainable_weights]
            self.optimizer.apply(grads, self.trainable_weights)
            return {}

    inp = tkeras.Input((4,))
    model = Forgetful(inp, tkeras.layers.Dense(1)(inp))
    model.compile(optimizer="adam")
    with pytest.raises(
        ValueError,
        match=r"no gradients provided for any variable \(all 2 gradients are None\)\. In a "
        r"custom train_step, call `loss.backward\(\)` before reading",
    ):
        model.fit(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0)
