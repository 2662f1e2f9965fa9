"""Port: "The Sequential model" (fchollet, keras.io guide), Keras 3 version.

Source: https://keras.io/guides/sequential_model/ (keras-team/keras-io,
guides/sequential_model.py). Sections run unchanged: building with `add`/`pop`, weights
created on first call, the incremental summary pattern, feature extraction with
`keras.Model(inputs=initial_model.inputs, outputs=[layer.output for layer in ...])` and
`get_layer(name=...).output`, and transfer learning by freezing all but the last layer, then
`fit` on 64 random samples.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    ops = keras.ops
    results = {}

    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    x = ops.ones((3, 3))
    y = model(x)
    results["call"] = tuple(y.shape)

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(4))
    model.pop()
    results["pop"] = len(model.layers)

    layer = layers.Dense(3)
    results["unbuilt"] = len(layer.weights)
    x = ops.ones((1, 4))
    y = layer(x)
    results["built"] = len(layer.weights)

    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    results["input_shape_summary"] = len(model.weights)

    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )
    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    results["features"] = [tuple(f.shape) for f in features]

    initial_model = keras.Sequential(
        [
            keras.Input(shape=(250, 250, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    features = feature_extractor(x)
    results["intermediate"] = tuple(features.shape)

    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10),
        ]
    )
    for layer in model.layers[:-1]:
        layer.trainable = False
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(np.random.random((64, 784)), np.random.random((64, 10)), verbose=0)
    results["transfer"] = history.history
    results["trainable"] = len(model.trainable_weights)
    return results


def test_sequential_model_guide_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
