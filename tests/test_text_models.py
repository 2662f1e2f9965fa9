"""Text and lookup layers on a symbolic ``Input(dtype="string")`` inside functional models,
as in keras.io's "text classification from scratch" and "structured data classification"
examples: build, summary, fit on numpy string arrays and lists of strings, predict, evaluate.

Keras needs TensorFlow for these layers, so the reference is the same model run eagerly: the
preprocessing layers applied to the data, then the trainable part on their outputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers

TEXTS = np.array(
    ["the movie was great", "terrible film", "great acting, a great plot!", "boring and bad",
     "I loved it", "i hated it", "what a great film", "bad bad bad"]
)  # fmt: skip
LABELS = np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype="float32")


def _vectorizer():
    vectorize = layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    vectorize.adapt(TEXTS)
    return vectorize


def _classifier():
    inner_in = tkeras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(30, 4)(inner_in)
    x = layers.GlobalAveragePooling1D()(x)
    return tkeras.Model(inner_in, layers.Dense(1, activation="sigmoid")(x))


@pytest.mark.parametrize("shape", [(1,), ()])
def test_end_to_end_text_model_equals_vectorize_then_model(shape):
    vectorize, model = _vectorizer(), _classifier()
    inputs = tkeras.Input(shape=shape, dtype="string")
    assert inputs.dtype == "string"
    indices = vectorize(inputs)
    assert (indices.shape, indices.dtype) == ((None, 6), "int64")
    end_to_end = tkeras.Model(inputs, model(indices))
    expected = model.predict(vectorize(TEXTS), verbose=0)
    # numpy strings of shape (n,), (n, 1) and a list of str all reach the layer.
    data = TEXTS[:, None] if shape else TEXTS
    np.testing.assert_allclose(end_to_end.predict(data, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(end_to_end.predict(list(TEXTS), verbose=0), expected, rtol=1e-6)
    out = end_to_end(TEXTS[:3])
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.detach().numpy(), expected[:3], rtol=1e-6)


def test_text_model_summary_fit_evaluate_and_a_text_dataset(tmp_path, capsys):
    vectorize, model = _vectorizer(), _classifier()
    inputs = tkeras.Input(shape=(1,), dtype="string")
    end_to_end = tkeras.Model(inputs, model(vectorize(inputs)))
    end_to_end.summary()
    summary = capsys.readouterr().out
    assert "text_vectorization" in summary and "(None, 6)" in summary
    end_to_end.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = end_to_end.fit(
        TEXTS, LABELS, batch_size=3, epochs=2, shuffle=True, validation_split=0.25, verbose=0
    )
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    # The same weights give the same numbers through the two-step route.
    expected_probs = model.predict(vectorize(TEXTS), verbose=0)
    np.testing.assert_allclose(end_to_end.predict(TEXTS, verbose=0), expected_probs, rtol=1e-6)
    # keras.io's example evaluates the end-to-end model on the raw text dataset.
    for label, texts in (("neg", TEXTS[LABELS == 0]), ("pos", TEXTS[LABELS == 1])):
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}.txt").write_text(str(text))
    raw = tkeras.utils.text_dataset_from_directory(
        tmp_path, batch_size=3, shuffle=False, verbose=False
    )
    files_in_order = [open(p).read() for p in raw.file_paths]
    labels_in_order = [0.0 if "/neg/" in p else 1.0 for p in raw.file_paths]
    want = end_to_end.evaluate(np.array(files_in_order), np.array(labels_in_order), verbose=0)
    np.testing.assert_allclose(end_to_end.evaluate(raw, verbose=0), want, rtol=1e-5)


def _structured_data(n=24):
    rng = np.random.default_rng(0)
    return {
        "thal": rng.choice(["fixed", "normal", "reversible"], n),
        "sex": rng.integers(0, 2, n),
        "age": rng.uniform(20, 70, n).astype("float32"),
        "cp": rng.integers(0, 4, n),
    }


def test_structured_data_model_with_every_lookup_layer():
    data = _structured_data()
    thal = tkeras.Input(shape=(1,), name="thal", dtype="string")
    sex = tkeras.Input(shape=(1,), name="sex", dtype="int64")
    age = tkeras.Input(shape=(1,), name="age")
    cp = tkeras.Input(shape=(), name="cp", dtype="int64")
    string_lookup = layers.StringLookup(output_mode="one_hot")
    string_lookup.adapt(data["thal"])
    integer_lookup = layers.IntegerLookup(output_mode="multi_hot")
    integer_lookup.adapt(data["sex"])
    discretize = layers.Discretization(num_bins=4)
    discretize.adapt(data["age"])
    hashing = layers.Hashing(num_bins=8, output_mode="one_hot")
    crossing = layers.HashedCrossing(num_bins=10, output_mode="one_hot")
    encode_cp = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    encode_bins = layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")
    bins = discretize(age)
    assert (bins.shape, bins.dtype) == ((None, 1), "int32")
    parts = [string_lookup(thal), integer_lookup(sex), encode_cp(cp), hashing(thal),
             crossing((thal, sex)), encode_bins(bins)]  # fmt: skip
    assert [p.shape for p in parts] == [(None, 4), (None, 3), (None, 4), (None, 8), (None, 10),
                                        (None, 4)]  # fmt: skip
    assert {p.dtype for p in parts} == {"float32"}
    dense = layers.Dense(1, activation="sigmoid")
    model = tkeras.Model([thal, sex, age, cp], dense(layers.concatenate(parts)))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    y = (data["sex"] == 1).astype("float32")
    model.fit(data, y, batch_size=8, epochs=1, shuffle=True, verbose=0)
    # Eagerly, column by column (the columns are (n,), the Inputs (None, 1): Keras adds the
    # trailing axis, so the eager reference gets (n, 1) columns).
    col = {k: v[:, None] for k, v in data.items()}
    eager = torch.cat(
        [string_lookup(col["thal"]), integer_lookup(col["sex"]), encode_cp(data["cp"]),
         hashing(col["thal"]), crossing((col["thal"], col["sex"])),
         encode_bins(discretize(col["age"]))], axis=-1,
    )  # fmt: skip
    np.testing.assert_allclose(model.predict(data, verbose=0), dense(eager).detach(), rtol=1e-6)
    assert len(model.evaluate(data, y, verbose=0)) == 2


def test_lookup_output_dtypes_and_inverse_lookup_on_symbolic_inputs():
    strings = tkeras.Input(shape=(2,), dtype="string")
    lookup = layers.StringLookup(vocabulary=["a", "b"])
    ids = lookup(strings)
    assert (ids.shape, ids.dtype) == ((None, 2), "int64")
    back = layers.StringLookup(vocabulary=["a", "b"], invert=True)(ids)
    assert back.dtype == "string"
    model = tkeras.Model(strings, [ids, back])
    got_ids, got_back = model(np.array([["a", "z"], ["b", "a"]]))
    assert got_ids.tolist() == [[1, 0], [2, 1]]
    assert got_back.tolist() == [["a", "[UNK]"], ["b", "a"]]
    # call() takes no `training`: it is dropped, as Keras drops it.
    assert lookup(np.array(["b"]), training=True).tolist() == [2]
    ints = tkeras.Input(shape=(3,), dtype="int64")
    out = layers.IntegerLookup(vocabulary=[7, 9], output_mode="count")(ints)
    assert (out.shape, out.dtype) == ((None, 3), "float32")
    hashed = layers.Hashing(num_bins=3)(strings)
    assert (hashed.shape, hashed.dtype) == ((None, 2), "int64")


@pytest.mark.gpu
@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_text_model_trains_on_the_accelerator(kind):
    device = torch.device("cuda" if torch.cuda.is_available() else "mps")
    tkeras.config.set_device(device)
    try:
        vectorize, classifier = _vectorizer(), _classifier()
        if kind == "functional":
            inputs = tkeras.Input(shape=(1,), dtype="string")
            model = tkeras.Model(inputs, classifier(vectorize(inputs)))
        else:
            model = tkeras.Sequential(
                [tkeras.Input(shape=(1,), dtype="string"), vectorize, classifier]
            )
        model.compile("adam", "binary_crossentropy")
        model.fit(TEXTS, LABELS, batch_size=4, epochs=1, shuffle=True, verbose=0)
        assert next(model.parameters()).device.type == device.type
        got = model.predict(TEXTS, verbose=0)
        classifier.to("cpu")
        want = classifier.predict(vectorize(TEXTS), verbose=0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    finally:
        tkeras.config.set_device(None)


def test_sequential_starting_at_a_string_input():
    vectorize, classifier = _vectorizer(), _classifier()
    model = tkeras.Sequential([tkeras.Input(shape=(1,), dtype="string"), vectorize, classifier])
    want = classifier.predict(vectorize(TEXTS), verbose=0)
    np.testing.assert_allclose(model.predict(TEXTS[:, None], verbose=0), want, rtol=1e-6)
    np.testing.assert_allclose(model.predict(list(TEXTS), verbose=0), want, rtol=1e-6)


def test_sequential_without_an_input_first_called_on_strings():
    # As in Keras: the first call on text builds the stack on a string Input of that shape.
    vectorize, classifier = _vectorizer(), _classifier()
    want = classifier.predict(vectorize(TEXTS), verbose=0)
    model = tkeras.Sequential([vectorize, classifier])
    np.testing.assert_allclose(tkeras.ops.convert_to_numpy(model(TEXTS)), want, rtol=1e-6)
    assert model.inputs[0].dtype == "string"
    fitted = tkeras.Sequential([_vectorizer(), _classifier()])
    fitted.compile("adam", "binary_crossentropy")
    history = fitted.fit(TEXTS, LABELS, batch_size=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert fitted.predict(TEXTS, verbose=0).shape == (8, 1)
