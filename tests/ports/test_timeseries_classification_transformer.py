"""Port: "Timeseries classification with a Transformer model" (Theodoros Ntakouris).

Source: https://keras.io/examples/timeseries/timeseries_classification_transformer/
(keras-team/keras-io, examples/timeseries/timeseries_classification_transformer.py).
Unchanged model code: `transformer_encoder` blocks built functionally with `res = x + inputs`
and `x + res` on symbolic tensors and `inputs.shape[-1]`; EarlyStopping with
restore_best_weights; validation_split. FordA replaced by 80 random series of length 20;
smaller heads and blocks, 2 epochs. Dropout draws differ between the libraries, so the losses
agree to 5%.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    x_train = np.random.normal(size=(80, 20))
    y_train = np.random.choice([-1, 1], size=(80,))
    x_test = np.random.normal(size=(32, 20))
    y_test = np.random.choice([-1, 1], size=(32,))
    x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
    x_test = x_test.reshape((x_test.shape[0], x_test.shape[1], 1))
    n_classes = len(np.unique(y_train))
    idx = np.random.permutation(len(x_train))
    x_train = x_train[idx]
    y_train = y_train[idx]
    y_train[y_train == -1] = 0
    y_test[y_test == -1] = 0

    def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
        x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout)(
            inputs, inputs
        )
        x = layers.Dropout(dropout)(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
        res = x + inputs
        x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(res)
        x = layers.Dropout(dropout)(x)
        x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
        return x + res

    def build_model(
        input_shape,
        head_size,
        num_heads,
        ff_dim,
        num_transformer_blocks,
        mlp_units,
        dropout=0,
        mlp_dropout=0,
    ):
        inputs = keras.Input(shape=input_shape)
        x = inputs
        for _ in range(num_transformer_blocks):
            x = transformer_encoder(x, head_size, num_heads, ff_dim, dropout)
        x = layers.GlobalAveragePooling1D(data_format="channels_last")(x)
        for dim in mlp_units:
            x = layers.Dense(dim, activation="relu")(x)
            x = layers.Dropout(mlp_dropout)(x)
        outputs = layers.Dense(n_classes, activation="softmax")(x)
        return keras.Model(inputs, outputs)

    input_shape = x_train.shape[1:]
    model = build_model(
        input_shape,
        head_size=16,
        num_heads=2,
        ff_dim=4,
        num_transformer_blocks=2,
        mlp_units=[32],
        mlp_dropout=0.4,
        dropout=0.25,
    )
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=1e-4),
        metrics=["sparse_categorical_accuracy"],
    )
    model.summary(print_fn=lambda *a, **k: None)
    callbacks = [keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)]
    history = model.fit(
        x_train,
        y_train,
        validation_split=0.2,
        epochs=2,
        batch_size=64,
        callbacks=callbacks,
        verbose=0,
    )
    score = model.evaluate(x_test, y_test, verbose=0)
    return {
        "loss": history.history["loss"],
        "val_loss": history.history["val_loss"],
        "test": score[0],
    }


def test_timeseries_classification_transformer_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=0.05, atol=1e-3)
