"""Port: "Simple MNIST convnet" (fchollet).

Source: https://keras.io/examples/vision/mnist_convnet/ (keras-team/keras-io,
examples/vision/mnist_convnet.py). Unchanged model and training code (Sequential convnet,
`to_categorical`, categorical crossentropy, validation_split, evaluate). MNIST replaced by 96
random uint8 images; 2 epochs. Run with Dropout at rate 0 in both libraries (harness).
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    num_classes = 10
    input_shape = (28, 28, 1)
    x_train = np.random.randint(0, 256, size=(96, 28, 28)).astype("uint8")
    y_train = np.random.randint(0, 10, size=(96,))
    x_test, y_test = x_train[:32], y_train[:32]
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    x_train = np.expand_dims(x_train, -1)
    x_test = np.expand_dims(x_test, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.summary(print_fn=lambda *a, **k: None)
    batch_size = 32
    epochs = 2
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0
    )
    score = model.evaluate(x_test, y_test, verbose=0)
    return {**history.history, "score": score}


def test_mnist_convnet_matches_keras():
    expected, got = run_both(program, dropout=False)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
