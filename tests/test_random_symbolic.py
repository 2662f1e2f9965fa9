"""``tkeras.random`` on symbolic tensors: draws recorded in functional models."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import tkeras
from tkeras import ops


def _np(t):
    return ops.convert_to_numpy(t)


def test_ops_shape_of_keras_tensor_is_keras_tuple():
    z = tkeras.Input((2, 3))
    shape = ops.shape(z)
    assert shape == (None, 2, 3)
    assert type(shape[1:]) is tuple
    assert type(copy.deepcopy(shape)) is tuple


def test_normal_with_symbolic_shape_draws_the_run_time_shape():
    z = tkeras.Input((2,))
    gen = tkeras.random.SeedGenerator(3)
    eps = tkeras.random.normal(shape=ops.shape(z), seed=gen)
    assert eps.shape == (None, 2)
    assert _np(gen.state).tolist() == [3, 0]  # building draws nothing
    model = tkeras.Model(z, z + eps)
    x = np.zeros((4, 2), "float32")
    first, second = _np(model(x)), _np(model(x))
    assert first.shape == (4, 2)
    np.testing.assert_array_equal(first, _np(tkeras.random.normal((4, 2), seed=3)))
    assert not np.allclose(first, second)  # a SeedGenerator advances on each call
    assert _np(gen.state).tolist() == [3, 2]


def test_int_seeded_draws_repeat_and_keep_dtype():
    z = tkeras.Input((5,))
    u = tkeras.random.uniform(ops.shape(z), minval=1.0, maxval=2.0, seed=7)
    r = tkeras.random.randint(ops.shape(z), 0, 4, seed=7)
    assert (u.dtype, r.dtype) == ("float32", "int32")
    model = tkeras.Model(z, [u, r])
    x = np.zeros((3, 5), "float32")
    (u1, r1), (u2, r2) = model(x), model(x)
    np.testing.assert_array_equal(_np(r1), _np(r2))
    np.testing.assert_array_equal(_np(u1), _np(u2))
    np.testing.assert_array_equal(_np(r1), _np(tkeras.random.randint((3, 5), 0, 4, seed=7)))
    assert r1.dtype == torch.int32


def test_dropout_shuffle_categorical_on_keras_tensors():
    z = tkeras.Input((6,))
    outs = [
        tkeras.random.dropout(z, 0.5, seed=1),
        tkeras.random.shuffle(z, axis=1, seed=2),
        tkeras.random.categorical(z, 3, seed=4),
    ]
    assert [o.shape for o in outs] == [(None, 6), (None, 6), (None, 3)]
    model = tkeras.Model(z, outs)
    x = np.arange(12, dtype="float32").reshape(2, 6)
    got = [_np(t) for t in model(x)]
    t = torch.from_numpy(x)
    want = [
        tkeras.random.dropout(t, 0.5, seed=1),
        tkeras.random.shuffle(t, axis=1, seed=2),
        tkeras.random.categorical(t, 3, seed=4),
    ]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, _np(w))


def test_random_nodes_save_load_and_clone(tmp_path):
    z = tkeras.Input((2,))
    eps = tkeras.random.normal(shape=ops.shape(z), stddev=0.5, seed=5)
    dropped = tkeras.random.dropout(z, 0.5, seed=tkeras.random.SeedGenerator(2))
    model = tkeras.Model(z, [z + eps, dropped])
    path = str(tmp_path / "m.keras")
    model.save(path)
    x = np.ones((3, 2), "float32")
    loaded = tkeras.saving.load_model(path)
    clone = tkeras.models.clone_model(model)
    want = [_np(t) for t in model(x)]
    for other in (loaded, clone):
        got = other(x)
        np.testing.assert_array_equal(_np(got[0]), want[0])
        assert _np(got[1]).shape == (3, 2)
    # the file's SeedGenerator starts from its seed: the loaded model redraws the first mask
    fresh = tkeras.Model(z, tkeras.random.dropout(z, 0.5, seed=tkeras.random.SeedGenerator(2)))
    np.testing.assert_array_equal(_np(tkeras.saving.load_model(path)(x)[1]), _np(fresh(x)))


def test_unknown_dimension_without_source_raises():
    with pytest.raises(ValueError, match=r"keras.random.normal` got shape=\(None, 2\) with an"):
        tkeras.random.normal(shape=(None, 2))
    z = tkeras.Input((2,))
    with pytest.raises(ValueError, match=r"random.uniform` got shape=\(None,\).*ops.shape\(x\)"):
        tkeras.random.uniform(ops.shape(z)[:1])


class _Sampling:
    """The Sampling layer of keras.io's VAE example, built for ``keras``."""

    @staticmethod
    def build(keras):
        class Sampling(keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.seed_generator = keras.random.SeedGenerator(1337)

            def call(self, inputs):
                z_mean, z_log_var = inputs
                batch = keras.ops.shape(z_mean)[0]
                dim = keras.ops.shape(z_mean)[1]
                eps = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
                return z_mean + keras.ops.exp(0.5 * z_log_var) * eps

        a, b = keras.Input((2,)), keras.Input((2,))
        layer = Sampling()
        model = keras.Model([a, b], layer([a, b]))
        x = np.linspace(-1, 1, 6, dtype="float32").reshape(3, 2)
        outs = [model([x, x]), model([x, x])]
        return [keras.ops.convert_to_numpy(o) for o in outs], keras.ops.convert_to_numpy(
            layer.seed_generator.state
        )


def test_sampling_layer_in_functional_model_matches_keras():
    keras = pytest.importorskip("keras")
    (want, want_state), (got, got_state) = _Sampling.build(keras), _Sampling.build(tkeras)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(got_state, want_state)
    assert got_state.tolist() == [1337, 2]  # building the model drew nothing
