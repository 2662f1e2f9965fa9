"""Adapted vocabularies, idf weights and Discretization boundaries in ``.keras`` files.

Keras writes a lookup layer's adapted vocabulary with its ``save_assets`` hook to
``assets/<layer path>/vocabulary.txt`` and tf-idf weights with ``save_own_variables`` to
``<layer path>/vars/idf_weights``. Keras's TextVectorization/StringLookup need TensorFlow (not
installed), so the file layout is checked with Keras's own store classes (``DiskIOStore``,
``H5IOStore`` from ``keras.src.saving.saving_lib``): they read tkeras's archives, and they
write a reference archive in Keras's layout that tkeras loads."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from keras.src.saving import saving_lib

import tkeras
from tkeras import layers

TEXTS = np.array(["a b c", "b c", "c d e f", "f f"])


def _model():
    vectorize = layers.TextVectorization(output_sequence_length=4, name="vec")
    vectorize.adapt(TEXTS)
    tfidf = layers.TextVectorization(output_mode="tf_idf", pad_to_max_tokens=True, max_tokens=9,
                                     name="tfidf")  # fmt: skip
    tfidf.adapt(TEXTS)
    strings = layers.StringLookup(num_oov_indices=2, output_mode="count", name="strings")
    strings.adapt(np.array(["x", "y", "y", "é"]))
    ints = layers.IntegerLookup(mask_token=0, name="ints")
    ints.adapt(np.array([5, 7, 7]))
    given = layers.StringLookup(
        vocabulary=["p", "q"], name="given"
    )  # lives in the config, not in assets
    bins = layers.Discretization(num_bins=3, name="bins")
    bins.adapt(np.arange(12.0))
    text = tkeras.Input(shape=(1,), dtype="string")
    number = tkeras.Input(shape=(1,), dtype="int64")
    value = tkeras.Input(shape=(1,))
    outputs = [vectorize(text), tfidf(text), strings(text), ints(number), given(text), bins(value)]
    return tkeras.Model([text, number, value], outputs)


DATA = [np.array(["a b q", "x f é"]), np.array([7, 3]), np.array([[2.5], [9.0]])]
ASSET_PATHS = [
    "layers/integer_lookup",
    "layers/string_lookup",
    "layers/text_vectorization",
    "layers/text_vectorization/_lookup_layer",
    "layers/text_vectorization_1",
    "layers/text_vectorization_1/_lookup_layer",
]


def _same_outputs(a, b):
    for x, y in zip(a.predict(DATA, verbose=0), b.predict(DATA, verbose=0)):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("zipped", [True, False])
def test_adapted_layers_round_trip_through_keras_files(tmp_path, zipped):
    model = _model()
    path = tmp_path / ("m.keras" if zipped else "m_dir")
    model.save(path, zipped=zipped)
    loaded = tkeras.saving.load_model(path)
    _same_outputs(model, loaded)
    for name in ("vec", "tfidf", "strings", "ints"):
        assert loaded.get_layer(name).get_vocabulary() == model.get_layer(name).get_vocabulary()
    boundaries = model.get_layer("bins").bin_boundaries
    assert len(boundaries) == 2 and loaded.get_layer("bins").bin_boundaries == boundaries


def test_adapted_discretization_files_move_between_keras_and_tkeras(tmp_path):
    import keras

    bins = layers.Discretization(num_bins=4)
    bins.adapt(np.arange(20.0))
    model = tkeras.Sequential([tkeras.Input((3,)), bins])
    x = np.array([[0.5, 7.0, 19.0], [5.0, 10.0, 15.0]], dtype="float32")
    model.save(tmp_path / "t.keras")
    in_keras = keras.saving.load_model(tmp_path / "t.keras")
    assert in_keras.layers[0].bin_boundaries == bins.bin_boundaries
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(in_keras(x)), model(x).numpy())
    in_keras.save(tmp_path / "k.keras")
    back = tkeras.saving.load_model(tmp_path / "k.keras")
    np.testing.assert_array_equal(back(x).numpy(), model(x).numpy())


def test_archive_layout_is_what_keras_store_classes_read(tmp_path):
    model = _model()
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        members = sorted(n for n in zf.namelist() if n.startswith("assets/"))
        assert members == sorted(f"assets/{p}/vocabulary.txt" for p in ASSET_PATHS)
        store = saving_lib.DiskIOStore("assets", archive=zf, mode="r")
        try:
            folder = store.get("layers/text_vectorization/_lookup_layer")
            with open(f"{folder}/vocabulary.txt", encoding="utf-8") as f:
                # Keras's format: special tokens first, "\n"-joined, no trailing newline.
                assert f.read() == "\n[UNK]\nf\nc\nb\ne\nd\na"
            folder = store.get("layers/string_lookup")
            with open(f"{folder}/vocabulary.txt", encoding="utf-8") as f:
                assert f.read() == "[UNK]\n[UNK]\ny\né\nx"  # ties: descending token
            assert store.get("layers/string_lookup_1") is None  # given vocabulary: config
        finally:
            store.close()
        weights = saving_lib.H5IOStore(saving_lib._VARS_FNAME_H5, archive=zf, mode="r")
        try:
            idf = weights.get("layers/text_vectorization_1")["idf_weights"]
            assert idf.shape == (9,)  # padded to max_tokens, as Keras pads it
            np.testing.assert_allclose(idf, model.get_layer("tfidf")._lookup_layer.idf_weights)
        finally:
            weights.close()


def test_archive_written_by_keras_store_classes_loads(tmp_path):
    """A reference archive in Keras's layout: tkeras's config.json (Keras's configs for these
    layers), vocabularies and idf weights written by Keras's DiskIOStore / H5IOStore as
    Keras's IndexLookup.save_assets / save_own_variables write them."""
    source = _model()
    config = json.dumps(tkeras.saving.serialize_keras_object(source))
    path = str(tmp_path / "ref.keras")
    lookups = {
        "layers/integer_lookup": source.get_layer("ints"),
        "layers/string_lookup": source.get_layer("strings"),
        "layers/text_vectorization": source.get_layer("vec")._lookup_layer,
        "layers/text_vectorization/_lookup_layer": source.get_layer("vec")._lookup_layer,
        "layers/text_vectorization_1": source.get_layer("tfidf")._lookup_layer,
        "layers/text_vectorization_1/_lookup_layer": source.get_layer("tfidf")._lookup_layer,
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        zf.writestr("config.json", config)
        weights = saving_lib.H5IOStore(saving_lib._VARS_FNAME_H5, archive=zf, mode="w")
        assets = saving_lib.DiskIOStore("assets", archive=zf, mode="w")
        try:
            for layer_path in [
                "layers/input_layer",
                "layers/input_layer_1",
                "layers/input_layer_2",
                *lookups,
            ]:
                weights.make(layer_path)
            for layer_path, lookup in lookups.items():
                if lookup.output_mode == "tf_idf":
                    weights.make(layer_path)["idf_weights"] = lookup.idf_weights
                vocabulary = lookup.get_vocabulary(include_special_tokens=True)
                with open(f"{assets.make(layer_path)}/vocabulary.txt", "w") as f:
                    f.write("\n".join([str(w) for w in vocabulary]))
            weights.make("layers/discretization")
        finally:
            weights.close()
            assets.close()
    loaded = tkeras.saving.load_model(path)
    _same_outputs(source, loaded)


def test_missing_vocabulary_asset_is_a_clear_error(tmp_path):
    model = _model()
    path = str(tmp_path / "m.keras")
    model.save(path)
    stripped = str(tmp_path / "stripped.keras")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w") as dst:
        for name in src.namelist():
            if name != "assets/layers/string_lookup/vocabulary.txt":
                dst.writestr(name, src.read(name))
    with pytest.raises(
        ValueError,
        match=r"'strings' \(StringLookup\).*vocabulary.txt.*assets/layers/string_lookup/",
    ):
        tkeras.saving.load_model(stripped)


def test_asset_paths_escaping_the_archive_are_refused(tmp_path):
    model = _model()
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("assets/../../evil.txt", "x")
    with pytest.raises(ValueError, match=r"Invalid asset path.*escapes"):
        tkeras.saving.load_model(path)
