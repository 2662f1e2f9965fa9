"""Port: "Timeseries classification from scratch" (hfawaz).

Source: https://keras.io/examples/timeseries/timeseries_classification_from_scratch/
(keras-team/keras-io, examples/timeseries/timeseries_classification_from_scratch.py), Keras 3
version (checkpoint file `best_model.keras`). Unchanged model and training code: a fully
convolutional net (Conv1D, BatchNormalization, ReLU, GlobalAveragePooling1D) with
ModelCheckpoint(save_best_only), ReduceLROnPlateau and EarlyStopping, then `load_model` of the
best checkpoint and `predict`. FordA replaced by 64 random series of length 40; 2 epochs;
plotting and sklearn left out.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    x_train = np.random.normal(size=(64, 40))
    y_train = np.random.choice([-1, 1], size=(64,))
    x_test = np.random.normal(size=(16, 40))
    y_test = np.random.choice([-1, 1], size=(16,))
    x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
    x_test = x_test.reshape((x_test.shape[0], x_test.shape[1], 1))
    num_classes = len(np.unique(y_train))
    idx = np.random.permutation(len(x_train))
    x_train = x_train[idx]
    y_train = y_train[idx]
    y_train[y_train == -1] = 0
    y_test[y_test == -1] = 0

    def make_model(input_shape):
        input_layer = keras.layers.Input(input_shape)
        conv1 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(input_layer)
        conv1 = keras.layers.BatchNormalization()(conv1)
        conv1 = keras.layers.ReLU()(conv1)
        conv2 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(conv1)
        conv2 = keras.layers.BatchNormalization()(conv2)
        conv2 = keras.layers.ReLU()(conv2)
        conv3 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(conv2)
        conv3 = keras.layers.BatchNormalization()(conv3)
        conv3 = keras.layers.ReLU()(conv3)
        gap = keras.layers.GlobalAveragePooling1D()(conv3)
        output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)
        return keras.models.Model(inputs=input_layer, outputs=output_layer)

    model = make_model(input_shape=x_train.shape[1:])
    epochs = 2
    batch_size = 32
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            "best_model.keras", save_best_only=True, monitor="val_loss"
        ),
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=20, min_lr=0.0001
        ),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=50, verbose=0),
    ]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        callbacks=callbacks,
        validation_split=0.2,
        verbose=0,
    )
    model = keras.models.load_model("best_model.keras")
    probs = model.predict(x_test, verbose=0)
    y_pred = probs.argmax(axis=1)
    assert y_pred.shape == y_test.shape
    return {**history.history, "probs": probs}


def test_timeseries_classification_from_scratch_matches_keras(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected, got = run_both(program)
    expected.pop("learning_rate", None), got.pop("learning_rate", None)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
