"""Port: "Bidirectional LSTM on IMDB" (fchollet).

Source: https://keras.io/examples/nlp/bidirectional_lstm_imdb/ (keras-team/keras-io,
examples/nlp/bidirectional_lstm_imdb.py). Unchanged model code: an int32 `keras.Input` of
variable length, Embedding, two Bidirectional LSTMs, a sigmoid Dense, binary crossentropy.
IMDB replaced by 32 random reviews of 12 token ids (already of length maxlen, so the
`pad_sequences` calls are left out); smaller vocabulary; 1 epoch.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    max_features = 500
    maxlen = 12
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(max_features, 128)(inputs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.summary(print_fn=lambda *a, **k: None)

    x_train = np.random.randint(1, max_features, size=(32, maxlen))
    y_train = np.random.randint(0, 2, size=(32,))
    x_val = np.random.randint(1, max_features, size=(32, maxlen))
    y_val = np.random.randint(0, 2, size=(32,))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=32, epochs=1, validation_data=(x_val, y_val), verbose=0
    )
    return history.history


def test_bidirectional_lstm_imdb_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
