"""Port: "Making new layers and models via subclassing" (fchollet, keras.io guide), Keras 3.

Source: https://keras.io/guides/making_new_layers_and_models_via_subclassing/ (keras-team/
keras-io, guides/making_new_layers_and_models_via_subclassing.py). Sections run unchanged:
`Linear` with `add_weight` in `__init__`, a non-trainable `ComputeSum` weight updated with
`assign_add`, lazy `build`, recursively composed `MLPBlock`, `ActivityRegularizationLayer` /
`OuterLayer` with `add_loss` (losses reset per call), `get_config`/`from_config`, then the
MLPBlock trained in a functional model (64 random samples). The `CustomDropout` and VAE
sections need `keras.random` (not in tkeras yet) and are left out.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    ops = keras.ops
    results = {}

    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            self.w = self.add_weight(
                shape=(input_dim, units), initializer="random_normal", trainable=True
            )
            self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    x = ops.ones((2, 2))
    linear_layer = Linear(4, 2)
    y = linear_layer(x)
    results["linear"] = [tuple(y.shape), len(linear_layer.weights)]

    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(ops.sum(inputs, axis=0))
            return self.total

    x = ops.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    y = my_sum(x)
    results["sum"] = np.array(y)
    results["sum_weights"] = [
        len(my_sum.weights),
        len(my_sum.non_trainable_weights),
        len(my_sum.trainable_weights),
    ]

    class Linear(keras.layers.Layer):  # noqa: F811 (the guide redefines it)
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = keras.activations.relu(x)
            x = self.linear_2(x)
            x = keras.activations.relu(x)
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))
    results["mlp"] = [len(mlp.weights), len(mlp.trainable_weights)]

    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.mean(inputs))
            return inputs

    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    assert len(layer.losses) == 0
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1

    layer = Linear(64)
    config = layer.get_config()
    new_layer = Linear.from_config(config)
    results["config"] = [config, new_layer.units]

    inputs = keras.Input(shape=(64,))
    outputs = MLPBlock()(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(np.random.random((32, 64)), np.random.random((32, 1)), verbose=0)
    results["fit"] = history.history
    return results


def test_making_new_layers_guide_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
