"""Subclassed models and layers, add_loss, Masking and wrapped torch modules."""

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers


class TwoLayer(tkeras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(8, activation="relu")
        self.drop = layers.Dropout(0.5)
        self.out = layers.Dense(3)

    def call(self, inputs, training=None):
        x = self.hidden(inputs)
        x = self.drop(x, training=training)
        return self.out(x)


class Penalized(layers.Layer):
    def call(self, x):
        self.add_loss(x.abs().mean())
        return x


def test_subclassed_model_builds_on_first_call():
    model = TwoLayer()
    assert not model.built
    y = model(torch.ones(4, 5))
    assert y.shape == (4, 3) and model.built
    assert [l.name for l in model.layers] == [model.hidden.name, model.drop.name, model.out.name]
    assert len(model.weights) == 4 and model.count_params() == 5 * 8 + 8 + 8 * 3 + 3


def test_training_flag_reaches_sublayers():
    model = TwoLayer()
    x = torch.ones(64, 5)
    model(x)
    with torch.no_grad():
        model.hidden.kernel.fill_(1.0)
    assert torch.equal(model(x), model(x))  # inference: deterministic
    assert not torch.equal(model(x, training=True), model(x))


def test_add_loss_collected_and_cleared_per_call():
    inputs = tkeras.Input((3,))
    model = tkeras.Model(inputs, layers.Dense(2)(Penalized()(inputs)))
    model(torch.ones(2, 3))
    assert len(model.losses) == 1 and float(model.losses[0]) == pytest.approx(1.0)
    model(torch.full((2, 3), 2.0))
    assert len(model.losses) == 1 and float(model.losses[0]) == pytest.approx(2.0)


def test_masking_matches_keras_values_and_mask():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    km, tm = keras.layers.Masking(), layers.Masking()
    np.testing.assert_array_equal(tm(torch.tensor(x)).numpy(), keras.ops.convert_to_numpy(km(x)))
    np.testing.assert_array_equal(
        tm.compute_mask(torch.tensor(x)).numpy(), keras.ops.convert_to_numpy(km.compute_mask(x))
    )
    mv = layers.Masking(mask_value=1.0)
    assert mv.compute_mask(torch.tensor([[[1.0, 1.0], [1.0, 2.0]]])).tolist() == [[False, True]]


def test_torch_module_wrapper_lazy_module_trains_and_counts():
    model = tkeras.Sequential(
        [tkeras.Input((5,)), torch.nn.LazyLinear(4), torch.nn.Tanh(), layers.Dense(1)]
    )
    wrapped = model.layers[0]
    assert isinstance(wrapped, layers.TorchModuleWrapper)
    # The wrapped torch module keeps torch's layout; the tkeras Dense kernel has Keras's (in, out).
    assert [tuple(w.shape) for w in model.weights] == [(4, 5), (4,), (4, 1), (1,)]
    assert model.output_shape == (None, 1)
    loss = model(torch.randn(8, 5)).pow(2).mean()
    loss.backward()
    assert wrapped.module.weight.grad is not None


def test_torch_module_wrapper_rejects_non_modules():
    with pytest.raises(
        ValueError, match="TorchModuleWrapper expects a torch.nn.Module; received 3"
    ):
        layers.TorchModuleWrapper(3)


def test_torch_module_in_functional_graph():
    i = tkeras.Input((6,))
    h = layers.TorchModuleWrapper(torch.nn.Linear(6, 2), output_shape=(2,))(i)
    model = tkeras.Model(i, h)
    assert model.output_shape == (None, 2)
    assert model(torch.ones(3, 6)).shape == (3, 2)


def _masked_net(lib):
    class MaskedNet(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embed = lib.layers.Embedding(12, 4, mask_zero=True)
            self.rnn = lib.layers.LSTM(3)
            self.out = lib.layers.Dense(2)

        def call(self, inputs):
            return self.out(self.rnn(self.embed(inputs)))

    return MaskedNet()


def test_subclassed_model_passes_eager_masks_like_keras():
    ids = np.array([[3, 5, 0, 0], [0, 0, 7, 2], [1, 2, 3, 4]], "int64")
    km, tm = _masked_net(keras), _masked_net(tkeras)
    km(ids)
    tm(torch.tensor(ids))
    tm.set_weights(km.get_weights())
    np.testing.assert_allclose(
        tm(torch.tensor(ids)).detach().numpy(),
        keras.ops.convert_to_numpy(km(ids)),
        rtol=1e-5,
        atol=1e-6,
    )
    emb = tm.embed(torch.tensor(ids))
    assert emb._keras_mask.tolist() == (ids != 0).tolist()
    # Without the mask the padded steps would change the result.
    unmasked = tm.out(tm.rnn(emb, mask=torch.ones(3, 4, dtype=torch.bool)))
    assert not torch.allclose(unmasked, tm(torch.tensor(ids)))
