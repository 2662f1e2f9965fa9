"""Keras-style customization of training (guides' patterns), input conversion and data checks."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
import torch

import tkeras


def _data(n=32, d=4):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, d)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def _functional(cls=tkeras.Model, **kwargs):
    inputs = tkeras.Input((4,), name="x")
    return cls(inputs, tkeras.layers.Dense(1)(inputs), **kwargs)


def test_functional_subclass_with_positional_and_keyword_arguments():
    class CustomModel(tkeras.Model):
        def train_step(self, data):
            return super().train_step(data)

    model = _functional(CustomModel)
    assert isinstance(model, tkeras.Model) and model.name.startswith("custom_model")
    named = _functional(CustomModel, name="mine")
    assert named.name == "mine" and named.output_shape == (None, 1)
    model.compile("sgd", "mse")
    x, y = _data()
    assert len(model.fit(x, y, epochs=2, verbose=0).history["loss"]) == 2


def test_super_train_step_is_the_default_step():
    class CustomModel(tkeras.Model):
        calls = 0

        def train_step(self, data):
            CustomModel.calls += 1
            return super().train_step(data)

    x, y = _data()
    plain, custom = _functional(), _functional(CustomModel)
    custom.set_weights(plain.get_weights())
    for m in (plain, custom):
        m.compile("adam", "mse", metrics=["mae"])
    hp = plain.fit(x, y, epochs=2, shuffle=False, verbose=0).history
    hc = custom.fit(x, y, epochs=2, shuffle=False, verbose=0).history
    assert CustomModel.calls == 2 and hp.keys() == hc.keys()
    for k in hp:
        np.testing.assert_allclose(hc[k], hp[k], rtol=1e-6)
    logs = custom.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"}


def test_compute_loss_override_with_or_without_training():
    seen = []

    class Old(tkeras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            seen.append("old")
            return tkeras.ops.mean((y - y_pred) ** 2)

    class New(tkeras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            seen.append(training)
            return super().compute_loss(x, y, y_pred, sample_weight, training)

    x, y = _data()
    for cls in (Old, New):
        model = _functional(cls)
        model.compile("sgd", "mse")
        model.fit(x, y, batch_size=32, verbose=0)
        model.evaluate(x, y, batch_size=32, verbose=0)
    assert seen == ["old", "old", True, False]


def test_compute_loss_returning_a_non_scalar_raises():
    class Bad(tkeras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            return (y - y_pred) ** 2

    model = _functional(Bad)
    model.compile("sgd")
    with pytest.raises(ValueError, match=r"Bad.compute_loss must return a scalar.*\(32, 1\)"):
        model.fit(*_data(), verbose=0)


def test_train_step_returning_a_non_dict_raises():
    class Bad(tkeras.Model):
        def train_step(self, data):
            return 1.0

    model = _functional(Bad)
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match=r"Bad.train_step must return a dict.*returned float"):
        model.fit(*_data(), verbose=0)


def test_metric_attributes_are_model_metrics_and_reset_each_epoch():
    class CustomModel(tkeras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = tkeras.metrics.Mean(name="loss")

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            loss = tkeras.ops.mean((self(x, training=True) - y) ** 2)
            loss.backward()
            weights = self.trainable_weights
            with torch.no_grad():
                self.optimizer.apply_gradients(zip([v.value.grad for v in weights], weights))
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

    model = _functional(CustomModel)
    model.compile("sgd")
    assert model.metrics == [model._loss_tracker, model.loss_tracker]
    x, y = _data()
    history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    # One batch per epoch: a reset tracker reports exactly that batch's loss.
    assert history["loss"][1] < history["loss"][0]
    assert int(model.loss_tracker.count) == 1


def test_compiled_loss_and_compiled_metrics_shims():
    class Old(tkeras.Model):
        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            loss.backward()
            with torch.no_grad():
                weights = self.trainable_weights
                self.optimizer.apply([v.value.grad for v in weights], weights)
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    model = _functional(Old)
    model.compile("sgd", "mse", metrics=["mae"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        logs = model.fit(*_data(), verbose=0).history
    assert {"compiled_loss", "compiled_metrics"} <= {
        w for c in caught for w in ("compiled_loss", "compiled_metrics") if w in str(c.message)
    }
    assert "loss" in logs


def test_fit_without_targets_on_a_model_with_a_loss_raises():
    model = _functional()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"compiled with a loss but received no targets `y`"):
        model.fit(_data()[0], verbose=0)


def test_fit_on_zero_samples_raises():
    model = _functional()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"at least one sample; received arrays with 0"):
        model.fit(np.zeros((0, 4), "float32"), np.zeros((0, 1), "float32"), verbose=0)


def test_class_weight_keys_must_be_classes_of_y():
    inputs = tkeras.Input((4,))
    model = tkeras.Model(inputs, tkeras.layers.Dense(3, activation="softmax")(inputs))
    model.compile("sgd", "sparse_categorical_crossentropy")
    x = _data()[0]
    y = np.array([0, 1] * 16)
    with pytest.raises(ValueError, match=r"`class_weight` has keys \[7\] that are not classes"):
        model.fit(x, y, class_weight={0: 1.0, 7: 2.0}, verbose=0)


def test_targets_that_do_not_match_the_output_raise_explicitly():
    model = _functional()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"targets y \(shape \(32, 3\)\) cannot be aligned"):
        model.fit(_data()[0], np.zeros((32, 3)), verbose=0)
    with pytest.raises(ValueError, match=r"targets y \(shape \(32, 2\)\) cannot be aligned"):
        model.train_on_batch(np.zeros((32, 4)), np.zeros((32, 2)))


# ------------------------------------------------------------------ input conversion


def test_bool_one_hot_inputs_and_targets_as_keras():
    def build(K):
        model = K.Sequential([K.Input((5, 3)), K.layers.LSTM(4), K.layers.Dense(3, "softmax")])
        model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
        return model

    rng = np.random.default_rng(1)
    x = rng.random((16, 5, 3)) > 0.5
    y = np.eye(3, dtype=bool)[rng.integers(0, 3, 16)]
    km, tm = build(keras), build(tkeras)
    tm.set_weights(km.get_weights())
    hk = km.fit(x, y, epochs=1, shuffle=False, verbose=0).history
    ht = tm.fit(x, y, epochs=1, shuffle=False, verbose=0).history
    for k in hk:
        np.testing.assert_allclose(ht[k], hk[k], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float64", "float16"])
def test_arrays_of_any_dtype_become_the_inputs_dtype(dtype):
    inputs = tkeras.Input((3,))
    model = tkeras.Model(inputs, tkeras.layers.Lambda(lambda t: t * 1)(inputs))
    out = model(np.ones((2, 3), dtype=dtype))
    assert out.dtype == torch.float32
    ids = tkeras.Input((3,), dtype="int32")
    model = tkeras.Model(ids, tkeras.layers.Embedding(5, 2)(ids))
    assert model.predict(np.ones((2, 3), dtype="int64"), verbose=0).shape == (2, 3, 2)


@pytest.mark.parametrize("as_list", [False, True])
def test_single_input_models_take_every_form(as_list):
    def build(K):
        x = K.Input((4,), name="feat")
        out = K.layers.Dense(2)(x)
        return K.Model([x] if as_list else x, [out] if as_list else out)

    km, tm = build(keras), build(tkeras)
    tm.set_weights(km.get_weights())
    data = _data(n=3)[0]
    for form in (data, [data], {"feat": data}):
        want = km.predict(form, verbose=0)
        got = tm.predict(form, verbose=0)
        assert type(got) is type(want)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"expects an input named 'feat'; received keys \['x'\]"):
        tm({"x": data})


# ------------------------------------------------------------------ custom layers in graphs


def test_sublayers_and_weights_made_in_call_on_keras_input_are_real():
    class Block(tkeras.layers.Layer):
        def call(self, x):
            if not hasattr(self, "inner"):
                self.inner = tkeras.layers.Dense(3)
            positions = tkeras.ops.arange(0, tkeras.ops.shape(x)[-1])
            return self.inner(x) + tkeras.ops.cast(positions[:3], "float32")

    inputs = tkeras.Input((3,))
    model = tkeras.Model(inputs, Block()(inputs))
    assert all(p.device.type == "cpu" for p in model.parameters())
    assert len(model.trainable_weights) == 2
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 3)


def test_assign_inside_call_and_shape_of_a_variable():
    class Masked(tkeras.layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

        def call(self, x):
            self.kernel.assign(self.kernel * 0.5)
            assert tkeras.ops.shape(self.kernel) == (3, 2)
            return tkeras.ops.matmul(x, self.kernel)

    inputs = tkeras.Input((3,))
    model = tkeras.Model(inputs, Masked()(inputs))
    out = model.predict(np.ones((1, 3)), verbose=0)
    assert out.shape == (1, 2)
