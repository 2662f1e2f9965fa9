"""Keras example programs that use the data APIs, run as written with `import tkeras as keras`
and only the data made local: the IMDB bidirectional LSTM (datasets.imdb through a local
mirror, pad_sequences) and the weather timeseries forecasting example
(keras.preprocessing.timeseries_dataset_from_array, .take(1), fit with validation data)."""

from __future__ import annotations

import numpy as np

import tkeras as keras
from tests._http import serve
from tests.test_datasets import _build_site
from tkeras import layers


def test_imdb_bidirectional_lstm_example(tmp_path, monkeypatch):
    site = tmp_path / "mirror"
    site.mkdir()
    _build_site(site)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    with serve(site) as (url, _):
        monkeypatch.setenv("TKERAS_DATASETS_ORIGIN", url)
        max_features, maxlen = 40, 12
        (x_train, y_train), (x_val, y_val) = keras.datasets.imdb.load_data(num_words=max_features)
    x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(max_features, 8)(inputs)
    x = layers.Bidirectional(layers.LSTM(4, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(4))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=4, epochs=2, validation_data=(x_val, y_val), verbose=0
    )
    assert x_train.shape == (12, maxlen) and x_train.dtype == np.int32
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_timeseries_weather_forecasting_example():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(300, 3)).astype("float32")
    split, step, past, future = 200, 2, 12, 4
    sequence_length = int(past / step)
    x_train = features[:split][: split - past - future]
    y_train = features[past + future : split + future][:, [1]]
    x_val = features[split:][: -past - future]
    y_val = features[split + past + future :][:, [1]]
    dataset_train = keras.preprocessing.timeseries_dataset_from_array(
        x_train, y_train, sequence_length=sequence_length, sampling_rate=step, batch_size=16
    )
    dataset_val = keras.preprocessing.timeseries_dataset_from_array(
        x_val, y_val, sequence_length=sequence_length, sampling_rate=step, batch_size=16
    )
    for batch in dataset_train.take(1):
        inputs, targets = batch
    assert tuple(inputs.shape) == (16, sequence_length, 3) and tuple(targets.shape) == (16, 1)
    np.testing.assert_array_equal(inputs[1].numpy(), x_train[1 : 1 + 2 * sequence_length : 2])
    inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
    lstm_out = keras.layers.LSTM(8)(inputs)
    outputs = keras.layers.Dense(1)(lstm_out)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
    es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)
    history = model.fit(
        dataset_train, epochs=2, validation_data=dataset_val, callbacks=[es_callback], verbose=0
    )
    assert len(history.history["val_loss"]) == 2
