"""Keras example programs that use the data APIs, run as written with `import tkeras as keras`
and only the data made local: the IMDB bidirectional LSTM (datasets.imdb through a local
mirror, pad_sequences), the weather timeseries forecasting example
(keras.preprocessing.timeseries_dataset_from_array, .take(1), fit with validation data), and
keras.io's "Text classification from scratch" and "Image classification from scratch"
(text/image_dataset_from_directory on folders written to tmp_path). Keras needs TensorFlow for
the dataset utilities and TextVectorization, so these run on tkeras only and assert that the
programs learn; the image example's model is also compared with Keras's."""

from __future__ import annotations

import os
import re
import shutil
import string

import numpy as np
from PIL import Image

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


def _write_reviews(root, seed):
    """aclImdb-style folders: train/{pos,neg,unsup} and test/{pos,neg}; each review holds
    words of its class among shared filler, with `<br />` tags and punctuation to strip."""
    rng = np.random.default_rng(seed)
    words = {"pos": ["great", "loved", "superb"], "neg": ["awful", "boring", "hated"]}
    filler = ["the", "movie", "plot", "actor", "scene", "film", "story", "was"]
    for split, count in (("train", 40), ("test", 8)):
        for label in ("pos", "neg", "unsup") if split == "train" else ("pos", "neg"):
            folder = root / split / label
            folder.mkdir(parents=True)
            for i in range(count):
                pick = words.get(label, words["pos"] + words["neg"])
                tokens = list(rng.choice(filler, 4)) + list(rng.choice(pick, 4))
                rng.shuffle(tokens)
                text = " ".join(tokens[:4]) + "!<br />" + " ".join(tokens[4:]).title() + "."
                (folder / f"{i}_{7 if label == 'pos' else 2}.txt").write_text(text)


def test_text_classification_from_scratch_example(tmp_path):
    """keras.io examples/nlp/text_classification_from_scratch.py (Keras 3 version, Mark
    Omernick and Francois Chollet) from "Load the data" on, with the dataset extracted into
    tmp_path (`rm -r aclImdb/train/unsup` as shutil.rmtree). Changed only where the program
    reads variables: batch_size, max_features and sequence_length smaller, epochs 5 (not 3)
    so that 64 short reviews are learned. Ported TensorFlow pieces (Keras has no equivalent): in
    custom_standardization, tf.strings.lower/regex_replace become str.lower/re.sub over the
    numpy array of str that TextVectorization passes; in vectorize_text, tf.expand_dims
    becomes np.expand_dims (the batch of strings is a numpy array)."""
    keras.utils.set_random_seed(1337)  # not in the program: fixes this test's initial weights
    _write_reviews(tmp_path / "aclImdb", seed=0)
    dataset_dir = str(tmp_path / "aclImdb")
    shutil.rmtree(os.path.join(dataset_dir, "train", "unsup"))

    batch_size = 8
    train_dir = os.path.join(dataset_dir, "train")
    test_dir = os.path.join(dataset_dir, "test")
    raw_train_ds = keras.utils.text_dataset_from_directory(
        train_dir,
        batch_size=batch_size,
        validation_split=0.2,
        subset="training",
        seed=1337,
        class_names=["pos", "neg"],
    )
    raw_val_ds = keras.utils.text_dataset_from_directory(
        train_dir,
        batch_size=batch_size,
        validation_split=0.2,
        subset="validation",
        seed=1337,
        class_names=["pos", "neg"],
    )
    raw_test_ds = keras.utils.text_dataset_from_directory(test_dir, batch_size=batch_size)
    cardinalities = [ds.cardinality() for ds in (raw_train_ds, raw_val_ds, raw_test_ds)]
    assert [int(c) for c in cardinalities] == [8, 2, 2]
    for text_batch, label_batch in raw_train_ds.take(1):
        for i in range(5):
            assert isinstance(text_batch.numpy()[i], bytes)
            assert int(label_batch.numpy()[i]) in (0, 1)

    def custom_standardization(input_data):
        lowercase = np.vectorize(str.lower, otypes=[object])(input_data)
        stripped_html = np.vectorize(lambda s: re.sub("<br />", " ", s), otypes=[object])(lowercase)
        pattern = f"[{re.escape(string.punctuation)}]"
        return np.vectorize(lambda s: re.sub(pattern, "", s), otypes=[object])(stripped_html)

    max_features = 200
    embedding_dim = 128
    sequence_length = 28
    vectorize_layer = keras.layers.TextVectorization(
        standardize=custom_standardization,
        max_tokens=max_features,
        output_mode="int",
        output_sequence_length=sequence_length,
    )
    text_ds = raw_train_ds.map(lambda x, y: x)
    vectorize_layer.adapt(text_ds)
    vocabulary = vectorize_layer.get_vocabulary()
    assert "great" in vocabulary and "<br" not in " ".join(vocabulary) and "!" not in vocabulary

    def vectorize_text(text, label):
        text = np.expand_dims(text, -1)
        return vectorize_layer(text), label

    train_ds = raw_train_ds.map(vectorize_text)
    val_ds = raw_val_ds.map(vectorize_text)
    test_ds = raw_test_ds.map(vectorize_text)
    train_ds = train_ds.cache().prefetch(buffer_size=10)
    val_ds = val_ds.cache().prefetch(buffer_size=10)
    test_ds = test_ds.cache().prefetch(buffer_size=10)

    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)
    x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    model = keras.Model(inputs, predictions)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

    epochs = 5
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=0)
    test_loss, test_accuracy = model.evaluate(test_ds, verbose=0)

    inputs = keras.Input(shape=(1,), dtype="string")
    indices = vectorize_layer(inputs)
    outputs = model(indices)
    end_to_end_model = keras.Model(inputs, outputs)
    end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    raw_loss, raw_accuracy = end_to_end_model.evaluate(raw_test_ds, verbose=0)

    losses = history.history["loss"]
    assert len(losses) == epochs and losses[-1] < losses[0]
    assert history.history["val_accuracy"][-1] >= 0.75
    # As written, the program labels its training folders with class_names=["pos", "neg"]
    # (pos is 0) but its test folders alphanumerically (neg is 0), as Keras does: a model
    # that learned scores (almost) every test review wrong.
    assert raw_train_ds.class_names == ["pos", "neg"] and raw_test_ds.class_names == ["neg", "pos"]
    assert test_accuracy <= 0.25
    np.testing.assert_allclose([raw_loss, raw_accuracy], [test_loss, test_accuracy], rtol=1e-5)


def _write_pet_images(root, count, size):
    """PetImages/{Cat,Dog}: JPEGs (Pillow writes the JFIF header), cats dark and dogs
    bright, plus one file per class without a JFIF header for the filtering loop."""
    rng = np.random.default_rng(0)
    for folder_name, base in (("Cat", 50), ("Dog", 200)):
        folder = root / folder_name
        folder.mkdir(parents=True)
        for i in range(count):
            pixels = np.clip(base + rng.normal(0, 25, (size, size, 3)), 0, 255)
            Image.fromarray(pixels.astype("uint8")).save(folder / f"{i}.jpg", "JPEG")
        (folder / "666.jpg").write_bytes(b"\x00\x01not a jpeg at all" * 4)


def _make_model(keras, layers):
    """make_model from the example, unchanged."""

    def make_model(input_shape, num_classes):
        inputs = keras.Input(shape=input_shape)

        # Entry block
        x = layers.Rescaling(1.0 / 255)(inputs)
        x = layers.Conv2D(128, 3, strides=2, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)

        previous_block_activation = x  # Set aside residual

        for size in [256, 512, 728]:
            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(size, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(size, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

            # Project residual
            residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
            x = layers.add([x, residual])  # Add back residual
            previous_block_activation = x  # Set aside next residual

        x = layers.SeparableConv2D(1024, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)

        x = layers.GlobalAveragePooling2D()(x)
        if num_classes == 2:
            units = 1
        else:
            units = num_classes

        x = layers.Dropout(0.25)(x)
        # We specify activation=None so as to return logits
        outputs = layers.Dense(units, activation=None)(x)
        return keras.Model(inputs, outputs)

    return make_model


def test_image_classification_from_scratch_example(tmp_path, monkeypatch):
    """keras.io examples/vision/image_classification_from_scratch.py (Keras 3 version,
    fchollet) from the corrupted-image filter on, in tmp_path, on small synthetic JPEGs.
    Shrunk where the program reads variables: image_size, batch_size, epochs. Left out: the
    matplotlib cells and plot_model (pydot is not installed). Ported TensorFlow pieces:
    `tf_data.AUTOTUNE` (from `from tensorflow import data as tf_data`) is a local constant
    that BatchLoader.map/prefetch accept. The model itself also runs on Keras (torch
    backend): from the same weights, its predictions on the loaded image equal Keras's."""
    import keras as real_keras

    keras.utils.set_random_seed(1337)  # not in the program: fixes this test's initial weights
    AUTOTUNE = -1  # tf.data.AUTOTUNE's value
    _write_pet_images(tmp_path / "PetImages", count=10, size=40)
    monkeypatch.chdir(tmp_path)

    num_skipped = 0
    for folder_name in ("Cat", "Dog"):
        folder_path = os.path.join("PetImages", folder_name)
        for fname in os.listdir(folder_path):
            fpath = os.path.join(folder_path, fname)
            try:
                fobj = open(fpath, "rb")
                is_jfif = b"JFIF" in fobj.peek(10)
            finally:
                fobj.close()

            if not is_jfif:
                num_skipped += 1
                # Delete corrupted image
                os.remove(fpath)
    assert num_skipped == 2

    image_size = (16, 16)
    batch_size = 8
    train_ds, val_ds = keras.utils.image_dataset_from_directory(
        "PetImages",
        validation_split=0.2,
        subset="both",
        seed=1337,
        image_size=image_size,
        batch_size=batch_size,
    )
    assert train_ds.class_names == ["Cat", "Dog"]
    for images, labels in train_ds.take(1):
        assert int(labels[0]) in (0, 1)
        assert images[0].numpy().astype("uint8").shape == image_size + (3,)

    data_augmentation_layers = [layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)]

    def data_augmentation(images):
        for layer in data_augmentation_layers:
            images = layer(images)
        return images

    for images, _ in train_ds.take(1):
        augmented_images = data_augmentation(images)
        assert tuple(augmented_images.shape) == tuple(images.shape)

    train_ds = train_ds.map(
        lambda img, label: (data_augmentation(img), label),
        num_parallel_calls=AUTOTUNE,
    )
    train_ds = train_ds.prefetch(AUTOTUNE)
    val_ds = val_ds.prefetch(AUTOTUNE)

    make_model = _make_model(keras, layers)
    model = make_model(input_shape=image_size + (3,), num_classes=2)

    epochs = 2
    callbacks = [keras.callbacks.ModelCheckpoint("save_at_{epoch}.keras")]
    model.compile(
        optimizer=keras.optimizers.Adam(3e-4),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy(name="acc")],
    )
    history = model.fit(
        train_ds, epochs=epochs, callbacks=callbacks, validation_data=val_ds, verbose=0
    )

    img = keras.utils.load_img("PetImages/Cat/6.jpg", target_size=image_size)
    img_array = keras.utils.img_to_array(img)
    img_array = keras.ops.expand_dims(img_array, 0)  # Create batch axis
    predictions = model.predict(img_array, verbose=0)
    score = float(keras.ops.sigmoid(predictions[0][0]))
    print(f"This image is {100 * (1 - score):.2f}% cat and {100 * score:.2f}% dog.")

    losses = history.history["loss"]
    assert losses[-1] < losses[0] and history.history["acc"][-1] >= 0.75
    assert sorted(os.listdir(tmp_path))[-1] == f"save_at_{epochs}.keras"
    # The model part on Keras, from the trained weights: the same predictions.
    reference = _make_model(real_keras, real_keras.layers)(image_size + (3,), 2)
    reference.set_weights(model.get_weights())
    expected = reference.predict(np.asarray(img_array), verbose=0)
    np.testing.assert_allclose(predictions, expected, rtol=1e-5, atol=1e-5)
