"""tkeras.random against keras.random (torch backend): the same seed gives the same numbers.

One table of draws; each is compared exactly with Keras for an int seed (stateless), over three
calls of a SeedGenerator (stateful) and over three unseeded calls after set_random_seed.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

import tkeras

LOGITS = np.log(np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]], "float32"))
X = np.arange(24, dtype="float32").reshape(4, 6)

DRAWS = {
    "normal": lambda m, s: m.normal((3, 4), mean=1.0, stddev=2.0, seed=s),
    "normal-f64": lambda m, s: m.normal((5,), dtype="float64", seed=s),
    "uniform": lambda m, s: m.uniform((3, 4), minval=-1.0, maxval=3.0, seed=s),
    "uniform-scalar": lambda m, s: m.uniform((), seed=s),
    "randint": lambda m, s: m.randint((6,), 0, 10, seed=s),
    "randint-int64": lambda m, s: m.randint((2, 3), -5, 5, dtype="int64", seed=s),
    "truncated_normal": lambda m, s: m.truncated_normal((50,), mean=0.5, stddev=3.0, seed=s),
    "categorical": lambda m, s: m.categorical(torch.from_numpy(LOGITS), 7, seed=s),
    "dropout": lambda m, s: m.dropout(torch.from_numpy(X), 0.4, seed=s),
    "dropout-noise-shape": lambda m, s: m.dropout(
        torch.from_numpy(X), 0.5, noise_shape=(None, 1), seed=s
    ),
    "shuffle": lambda m, s: m.shuffle(torch.from_numpy(X), seed=s),
    "shuffle-axis1": lambda m, s: m.shuffle(torch.from_numpy(X), axis=1, seed=s),
    "gamma": lambda m, s: m.gamma((4, 3), alpha=2.5, seed=s),
    "beta": lambda m, s: m.beta((4, 3), alpha=0.5, beta=2.0, seed=s),
    "binomial": lambda m, s: m.binomial((4, 3), counts=10, probabilities=0.3, seed=s),
}


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _same(a, b):
    a, b = _np(a), _np(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_array_equal(a, b)


def test_every_random_function_has_a_draw():
    names = {name.split("-")[0] for name in DRAWS}
    assert names == set(tkeras.random.__all__) - {"SeedGenerator"}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_int_seed_matches_keras_and_is_stateless(name):
    draw = DRAWS[name]
    ours = draw(tkeras.random, 1337)
    _same(ours, draw(keras.random, 1337))
    _same(draw(tkeras.random, 1337), ours)


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_seed_generator_matches_keras_call_after_call(name):
    draw = DRAWS[name]
    ours_gen, theirs_gen = tkeras.random.SeedGenerator(7), keras.random.SeedGenerator(7)
    ours = [draw(tkeras.random, ours_gen) for _ in range(3)]
    for a in ours:
        _same(a, draw(keras.random, theirs_gen))
    assert not np.array_equal(_np(ours[0]), _np(ours[1])) or name.startswith("dropout-noise")


def test_unseeded_draws_follow_set_random_seed_like_keras():
    results = []
    for lib in (keras, tkeras):
        lib.utils.set_random_seed(2024)
        results.append(
            [
                lib.random.normal((4,)),
                lib.random.uniform((2, 2)),
                lib.random.normal((4,)),
                lib.random.dropout(torch.ones(8), 0.5),  # torch's global generator
            ]
        )
    for a, b in zip(*results):
        _same(a, b)
    assert not np.array_equal(_np(results[1][0]), _np(results[1][2]))


def test_seed_generator_state_and_config():
    gen = tkeras.random.SeedGenerator(5, name="g")
    assert gen.state.dtype == torch.int32 and not gen.state.requires_grad
    assert gen.state.tolist() == [5, 0]
    tkeras.random.normal((1,), seed=gen)
    assert gen.state.tolist() == [5, 1]
    assert gen.get_config() == {"seed": 5, "name": "g"}
    clone = tkeras.random.SeedGenerator.from_config(gen.get_config())
    assert clone.state.tolist() == [5, 0]
    assert tkeras.random.SeedGenerator().get_config()["seed"] is None


def test_distributions_have_keras_moments():
    gen = tkeras.random.SeedGenerator(0)
    n = (20000,)
    tn = tkeras.random.truncated_normal(n, seed=gen)
    assert tn.abs().max() < 2 and abs(float(tn.std()) - 0.88) < 0.02
    g = tkeras.random.gamma(n, alpha=3.0, seed=gen)
    assert abs(float(g.mean()) - 3.0) < 0.1
    b = tkeras.random.binomial(n, counts=10, probabilities=0.25, seed=gen)
    assert b.dtype == torch.float32 and abs(float(b.mean()) - 2.5) < 0.1


def test_random_ops_compile():
    fn = torch.compile(lambda x: x + tkeras.random.normal((3,), seed=3), backend="eager")
    np.testing.assert_array_equal(_np(fn(torch.zeros(3))), _np(keras.random.normal((3,), seed=3)))


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: tkeras.random.normal((2,), seed="a"), "`seed` must be either an integer"),
        (lambda: tkeras.random.SeedGenerator(1.5), r"must be an integer. Received: seed=1.5"),
        (lambda: tkeras.random.SeedGenerator(1, foo=2), "Unrecognized keyword arguments"),
        (lambda: tkeras.random.uniform((2,), dtype="int32"), "requires a floating point"),
        (lambda: tkeras.random.randint((2,), 0, 3, dtype="float32"), "requires an integer"),
        (lambda: tkeras.random.categorical(np.zeros(3), 2), r"2-D tensor .* logits.shape=\(3,\)"),
    ],
)
def test_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def _seeded_layer_model(lib):
    @lib.saving.register_keras_serializable(package="sg_test")
    class Noisy(lib.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.sg = lib.random.SeedGenerator(3)
            self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")

        def call(self, x):
            return x * self.scale + lib.random.normal((1, 3), seed=self.sg)

    inputs = lib.Input((3,))
    return lib.Model(inputs, Noisy()(inputs)), Noisy


def test_seed_generator_state_is_not_in_weight_files_as_in_keras(tmp_path):
    """Keras 3.15 lists a SeedGenerator's ``state`` among a layer's ``variables`` but writes
    no seed state to ``.weights.h5``/``.keras`` files (its layer group holds only weights):
    the files move both ways, and a loaded layer draws from its initial seed again."""
    import h5py

    x = np.ones((1, 3), "float32")
    k_model, _ = _seeded_layer_model(keras)
    t_model, _ = _seeded_layer_model(tkeras)
    for _ in range(2):  # advance both generators
        k_model(x)
        t_model(x)
    k_model.save_weights(tmp_path / "k.weights.h5")
    t_model.save_weights(tmp_path / "t.weights.h5")
    names = []
    for path in ("k.weights.h5", "t.weights.h5"):
        with h5py.File(tmp_path / path) as f:
            items = []
            f.visititems(lambda n, o, items=items: items.append(n))
            names.append(items)
    assert names[0] == names[1]
    assert not any("seed" in n for n in names[1])
    k_fresh, _ = _seeded_layer_model(keras)
    t_fresh, _ = _seeded_layer_model(tkeras)
    k_fresh.load_weights(tmp_path / "t.weights.h5")
    t_fresh.load_weights(tmp_path / "k.weights.h5")
    first_k = keras.ops.convert_to_numpy(k_fresh(x))
    first_t = t_fresh(x).detach().numpy()
    np.testing.assert_allclose(first_t, first_k, rtol=1e-6, atol=1e-6)
