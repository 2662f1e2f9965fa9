"""Port: "The Functional API" (fchollet, keras.io guide), Keras 3 version.

Source: https://keras.io/guides/functional_api/ (keras-team/keras-io, guides/functional_api.py).
Sections run unchanged (with `keras.ops` where the guide's Keras 3 text uses it): the toy
ResNet (`layers.add` residuals, RMSprop, `metrics=["acc"]`, validation_split), a shared
Embedding over two int32 inputs, `CustomDense` with `get_config` rebuilt by
`keras.Model.from_config(config, custom_objects=...)`, and the custom RNN layer written from
scratch used in a functional model with a static `batch_shape`. CIFAR-10 replaced by 80 random
32x32 images; Dropout at rate 0 in both libraries (harness).
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    ops = keras.ops
    results = {}

    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs, outputs, name="toy_resnet")
    model.summary(print_fn=lambda *a, **k: None)

    x_train = np.random.randint(0, 256, size=(80, 32, 32, 3)).astype("uint8")
    y_train = np.random.randint(0, 10, size=(80, 1))
    x_train = x_train.astype("float32") / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    history = model.fit(
        x_train[:1000], y_train[:1000], batch_size=64, epochs=1, validation_split=0.2, verbose=0
    )
    results["resnet"] = history.history

    shared_embedding = layers.Embedding(1000, 128)
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)
    results["shared"] = [tuple(encoded_input_a.shape), tuple(encoded_input_b.shape)]

    class CustomDense(layers.Layer):
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

    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    results["from_config"] = [tuple(new_model.output_shape), len(new_model.weights)]

    units = 32
    timesteps = 10
    input_dim = 5
    batch_size = 16

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = layers.Dense(1)

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            return self.classifier(features)

    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)
    model = keras.Model(inputs, outputs)
    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, 10, 5)))
    results["rnn"] = [tuple(model.output_shape), tuple(_.shape)]
    return results


def test_functional_api_guide_matches_keras():
    expected, got = run_both(program, dropout=False)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
