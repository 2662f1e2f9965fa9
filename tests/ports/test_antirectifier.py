"""Port: "Simple custom layer example: Antirectifier" (fchollet).

Source: https://keras.io/examples/keras_recipes/antirectifier/ (keras-team/keras-io,
examples/keras_recipes/antirectifier.py), Keras 3 version: the layer's `call` uses
`keras.ops` (`inputs -= ops.mean(...)`, `ops.relu`, `ops.concatenate`, `ops.matmul` on its
own kernel), `get_config` with `initializers.serialize`. MNIST replaced by 96 random
784-feature samples; 2 epochs. Run with Dropout at rate 0 in both libraries (harness),
the losses agree to 1e-4.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    ops = keras.ops

    class Antirectifier(layers.Layer):
        def __init__(self, initializer="he_normal", **kwargs):
            super().__init__(**kwargs)
            self.initializer = keras.initializers.get(initializer)

        def build(self, input_shape):
            output_dim = input_shape[-1]
            self.kernel = self.add_weight(
                shape=(output_dim * 2, output_dim),
                initializer=self.initializer,
                name="kernel",
                trainable=True,
            )

        def call(self, inputs):
            inputs -= ops.mean(inputs, axis=-1, keepdims=True)
            pos = ops.relu(inputs)
            neg = ops.relu(-inputs)
            concatenated = ops.concatenate([pos, neg], axis=-1)
            mixed = ops.matmul(concatenated, self.kernel)
            return mixed

        def get_config(self):
            base_config = super().get_config()
            config = {"initializer": keras.initializers.serialize(self.initializer)}
            return dict(list(base_config.items()) + list(config.items()))

    batch_size = 32
    epochs = 2
    x_train = np.random.randint(0, 256, size=(96, 28, 28)).astype("uint8")
    y_train = np.random.randint(0, 10, size=(96,))
    x_test, y_test = x_train[:32], y_train[:32]
    x_train = x_train.reshape(-1, 784)
    x_test = x_test.reshape(-1, 784)
    x_train = x_train.astype("float32")
    x_test = x_test.astype("float32")
    x_train /= 255
    x_test /= 255

    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(256),
            Antirectifier(),
            layers.Dense(256),
            Antirectifier(),
            layers.Dropout(0.5),
            layers.Dense(10),
        ]
    )
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.15, verbose=0
    )
    test = model.evaluate(x_test, y_test, verbose=0)
    config = model.layers[1].get_config()
    assert config["initializer"]["class_name"] == "HeNormal"
    return {
        "loss": history.history["loss"],
        "val_loss": history.history["val_loss"],
        "test": test[0],
    }


def test_antirectifier_matches_keras():
    expected, got = run_both(program, dropout=False)
    assert_close(expected, got, rtol=1e-4, atol=1e-4)
