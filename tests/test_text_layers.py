"""Text and lookup layers without TensorFlow. Keras's StringLookup, IntegerLookup and
TextVectorization need TensorFlow (not installed), so their expected values are those printed
in Keras's own docstring examples plus hand-computed cases from Keras's documented rules;
CategoryEncoding and Discretization run in Keras without TensorFlow and are compared with it."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers

VOCAB = ["a", "b", "c", "d"]
DATA = [["a", "c", "d"], ["d", "z", "b"]]
DATA4 = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]
IVOCAB = [12, 36, 1138, 42]
IDATA4 = np.array([[12, 1138, 42, 42], [42, 7, 36, 7]])


def _eq(out, expected):
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), rtol=1e-6, atol=1e-6)


# Keras's docstring examples: (layer factory, input, expected output).
DOCSTRING_EXAMPLES = [
    (lambda: layers.StringLookup(vocabulary=VOCAB), DATA, [[1, 3, 4], [4, 0, 2]]),
    (lambda: layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot"),
     ["a", "b", "c", "d", "z"], np.eye(5)[[1, 2, 3, 4, 0]]),
    (lambda: layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot"), DATA4,
     np.float32([[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])),
    (lambda: layers.StringLookup(vocabulary=VOCAB, output_mode="count"), DATA4,
     np.float32([[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])),
    (lambda: layers.StringLookup(vocabulary=VOCAB, invert=True), [[1, 3, 4], [4, 0, 2]],
     [["a", "c", "d"], ["d", "[UNK]", "b"]]),
    (lambda: layers.IntegerLookup(vocabulary=IVOCAB), [[12, 1138, 42], [42, 1000, 36]],
     [[1, 3, 4], [4, 0, 2]]),
    (lambda: layers.IntegerLookup(vocabulary=IVOCAB, num_oov_indices=2),
     [[12, 1138, 42], [37, 1000, 36]], [[2, 4, 5], [1, 0, 3]]),
    (lambda: layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4),
     [100, 300, 700, 1100, 1700, 2000], [0, 0, 0, 0, 0, 0]),
    (lambda: layers.IntegerLookup(vocabulary=IVOCAB, output_mode="one_hot"),
     [12, 36, 1138, 42, 7], np.eye(5)[[1, 2, 3, 4, 0]]),
    (lambda: layers.IntegerLookup(vocabulary=IVOCAB, output_mode="multi_hot"), IDATA4,
     np.float32([[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])),
    (lambda: layers.IntegerLookup(vocabulary=IVOCAB, output_mode="count"), IDATA4,
     np.float32([[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])),
    (lambda: layers.IntegerLookup(output_mode="tf_idf", vocabulary=IVOCAB,
                                  idf_weights=[0.25, 0.75, 0.6, 0.4]), IDATA4,
     [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]]),
    (lambda: layers.IntegerLookup(output_mode="tf_idf", vocabulary=[-1, *IVOCAB],
                                  idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4]), IDATA4,
     [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]]),
    (lambda: layers.IntegerLookup(vocabulary=IVOCAB, invert=True), [[1, 3, 4], [4, 0, 2]],
     [[12, 1138, 42], [42, -1, 36]]),
    (lambda: layers.IntegerLookup(vocabulary=[-1, *IVOCAB], invert=True),
     [[1, 3, 4], [4, 0, 2]], [[12, 1138, 42], [42, -1, 36]]),
    (lambda: layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4,
                                  oov_method="farmhash"),
     [100, 300, 700, 1100, 1700, 2000], [3, 3, 2, 2, 0, 1]),
    (lambda: layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2),
     [["a", "c", "d"], ["m", "z", "b"]], [[2, 4, 5], [0, 1, 3]]),
    (lambda: layers.Hashing(num_bins=3), [["A"], ["B"], ["C"], ["D"], ["E"]],
     [[1], [0], [1], [1], [2]]),
    (lambda: layers.Hashing(num_bins=3, mask_value=""), [["A"], ["B"], [""], ["C"], ["D"]],
     [[1], [1], [0], [2], [2]]),
    (lambda: layers.Hashing(num_bins=3, salt=[133, 137]), [["A"], ["B"], ["C"], ["D"], ["E"]],
     [[1], [2], [1], [0], [2]]),
    (lambda: layers.Hashing(num_bins=3, salt=133), [["A"], ["B"], ["C"], ["D"], ["E"]],
     [[0], [0], [2], [1], [0]]),
    (lambda: layers.HashedCrossing(num_bins=5),
     (np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])),
     [1, 4, 1, 1, 3]),
    (lambda: layers.HashedCrossing(num_bins=5, output_mode="one_hot"),
     (np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])),
     np.eye(5, dtype="float32")[[1, 4, 1, 1, 3]]),
]  # fmt: skip


@pytest.mark.parametrize("make, data, expected", DOCSTRING_EXAMPLES)
def test_keras_docstring_examples(make, data, expected):
    out = make()(data)
    if isinstance(out, np.ndarray) and out.dtype == object:
        assert out.tolist() == expected
        return
    assert isinstance(out, torch.Tensor)
    assert out.dtype == (torch.int64 if np.asarray(expected).dtype.kind == "i" else torch.float32)
    _eq(out, expected)


@pytest.mark.parametrize("mode", ["int", "multi_hot", "count", "one_hot"])
def test_adapt_orders_by_frequency_then_descending_token(mode):
    layer = layers.StringLookup(output_mode=mode)
    layer.adapt(DATA)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    assert layer.vocabulary_size() == 6
    if mode == "int":
        _eq(layer(DATA), [[5, 3, 1], [1, 2, 4]])
    ilayer = layers.IntegerLookup()
    ilayer.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
    assert ilayer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]


def test_mask_token_max_tokens_and_padding():
    layer = layers.StringLookup(max_tokens=4, mask_token="")
    layer.adapt([["x", "y", "y", "", "z", "z", "z", "[UNK]"]])
    assert layer.get_vocabulary() == ["", "[UNK]", "z", "y"]
    assert layer.get_vocabulary(include_special_tokens=False) == ["z", "y"]
    _eq(layer([["z", "", "x", "y"]]), [[2, 0, 1, 3]])
    inverse = layers.StringLookup(vocabulary=layer.get_vocabulary(), mask_token="", invert=True)
    assert inverse([[2, 0, 1, 3]]).tolist() == [["z", "", "[UNK]", "y"]]
    hot = layers.StringLookup(
        vocabulary=["p", "q"], mask_token="", output_mode="multi_hot", pad_to_max_tokens=True,
        max_tokens=6,
    )  # fmt: skip
    _eq(hot([["q", "", "r"]]), [[1, 0, 1, 0, 0, 0]])  # no index for the mask outside "int"
    ints = layers.IntegerLookup(vocabulary=[5, 6], mask_token=0)
    _eq(ints([[5, 0, 9, 6]]), [[2, 0, 1, 3]])


def test_tf_idf_adapt_and_bytes_inputs():
    layer = layers.StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "a", "b"], ["b", "c", "c"], ["a", "d", "e"]])
    # counts a=3, b=c=2, d=e=1; ties by descending token
    assert layer.get_vocabulary() == ["[UNK]", "a", "c", "b", "e", "d"]
    docs = {"a": 2, "b": 2, "c": 1, "d": 1, "e": 1}
    idf = np.float32([np.log(1 + 3 / (1 + docs[t])) for t in ["a", "c", "b", "e", "d"]])
    out = layer([[b"a", b"a", b"zz"]])
    _eq(out, [[np.mean(idf), 2 * idf[0], 0, 0, 0, 0]])


def test_vocabulary_file_and_errors(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\nfire\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "earth", "wind", "fire"]
    _eq(layer(["fire", "water"]), [3, 0])
    (tmp_path / "dup.txt").write_text("a\nb\na\n")
    with pytest.raises(ValueError, match=r"Vocabulary file .*dup\.txt has repeated terms: \['a'\]"):
        layers.StringLookup(vocabulary=str(tmp_path / "dup.txt"))
    with pytest.raises(ValueError, match=r"Vocabulary file .*nope\.txt does not exist"):
        layers.StringLookup(vocabulary=str(tmp_path / "nope.txt"))
    with pytest.raises(ValueError, match=r"repeated term.*\['b'\]"):
        layers.StringLookup(vocabulary=["a", "b", "b"])
    with pytest.raises(ValueError, match=r"larger than the maximum vocab size.*is 4"):
        layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match=r"all inputs should be in vocabulary, found OOV values"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "q"])
    with pytest.raises(ValueError, match=r"`output_mode` must be `'int'` when `invert` is true"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match=r"Cannot adapt layer .* after setting a static"):
        layers.StringLookup(vocabulary=VOCAB).adapt(DATA)
    with pytest.raises(ValueError, match=r"reserved mask token at unexpected location"):
        layers.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match=r"`idf_weights` must be set if output_mode is 'tf_idf'"):
        layers.StringLookup(output_mode="tf_idf").set_vocabulary(VOCAB)
    with pytest.raises(ValueError, match=r"in TF-IDF output mode, the `idf_weights`"):
        layers.StringLookup(output_mode="tf_idf", vocabulary=VOCAB)
    with pytest.raises(RuntimeError, match=r"you must set the layer's vocabulary before"):
        layers.StringLookup(output_mode="count")(["a"])
    with pytest.raises(ValueError, match=r"If set, `max_tokens` must be greater than 1"):
        layers.StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match=r"`output_mode` of StringLookup: 'counts'"):
        layers.StringLookup(output_mode="counts")
    with pytest.raises(ValueError, match=r"`salt` can only be used when `oov_method='farmhash'`"):
        layers.IntegerLookup(salt=3)
    with pytest.raises(ValueError, match=r"`salt` argument for `StringLookup` can only be"):
        layers.StringLookup(salt="x")
    with pytest.raises(ValueError, match=r"IntegerLookup: `sparse=True` can only be used with"
                       r" the TensorFlow backend. Received: sparse=True"):  # fmt: skip
        layers.IntegerLookup(output_mode="count", sparse=True)


def test_config_round_trip():
    layer = layers.StringLookup(vocabulary=VOCAB, output_mode="count", name="look")
    config = layer.get_config()
    assert config["vocabulary"] == VOCAB and config["vocabulary_size"] == 5
    assert config["encoding"] == "utf-8" and config["output_mode"] == "count"
    clone = layers.StringLookup.from_config(config)
    _eq(clone(DATA4), layer(DATA4))
    text = layers.TextVectorization(vocabulary=["x", "y"], ngrams=(1, 2), name="tv")
    clone = layers.TextVectorization.from_config(text.get_config())
    _eq(clone(["x y z"]), text(["x y z"]))


def test_text_vectorization_docstring_examples():
    layer = layers.TextVectorization(max_tokens=5000, output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    _eq(layer([["foo qux bar"], ["qux baz"]]), [[4, 1, 3, 0], [1, 2, 0, 0]])
    given = layers.TextVectorization(vocabulary=["earth", "wind", "and", "fire"])
    assert given.get_vocabulary() == ["", "[UNK]", "earth", "wind", "and", "fire"]


def test_text_vectorization_standardize_split_ngrams():
    layer = layers.TextVectorization()
    layer.adapt(["The CAT's hat.", "ÉCOLE cat-hat, the end!"])
    # ASCII-only lowercasing (tf.strings.lower) and Keras's punctuation set ("-" included).
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "École", "hat", "end", "cats",
                                      "cathat"]  # fmt: skip
    _eq(layer(["the  hat\tcat\nend", "zzz"]), [[2, 4, 1, 5], [1, 0, 0, 0]])
    _eq(layer("end the"), [5, 2])  # a scalar string gives one sequence
    chars = layers.TextVectorization(split="character", standardize="lower", ngrams=2)
    chars.adapt(["abA"])
    assert chars.get_vocabulary() == ["", "[UNK]", "a", "b a", "b", "a b"]  # " "-joined
    whole = layers.TextVectorization(split=None, standardize="strip_punctuation")
    whole.adapt(["New York!", "New York", "Paris"])
    assert whole.get_vocabulary() == ["", "[UNK]", "New York", "Paris"]
    _eq(whole(["Paris", "Rome"]), [3, 1])
    custom = layers.TextVectorization(
        standardize=lambda x: np.char.upper(x.astype(str)),
        split=lambda rows: [r.split("-") for r in rows],
        vocabulary=["A", "B"],
    )
    _eq(custom(["a-b-c"]), [[2, 3, 1]])


def test_text_vectorization_encodings():
    layer = layers.TextVectorization(output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True)
    layer.adapt(["b a b", "c"])
    assert layer.get_vocabulary() == ["[UNK]", "b", "c", "a"]
    _eq(layer(["a a q", ""]), [[1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0]])
    counts = layers.TextVectorization(output_mode="count", vocabulary=["b", "a"])
    _eq(counts(["a a q b"]), [[1, 1, 2]])
    tfidf = layers.TextVectorization(
        output_mode="tf_idf", vocabulary=["b", "a"], idf_weights=[0.5, 2.0]
    )
    _eq(tfidf(["a a q b"]), [[1.25, 0.5, 4.0]])
    with pytest.raises(ValueError, match=r"`output_sequence_length` must not be set"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match=r"last shape dimension must be 1.*shape=\(1, 2\)"):
        layers.TextVectorization(vocabulary=["a"])([["a", "b"]])
    for arg in ("sparse", "ragged"):
        with pytest.raises(ValueError, match=rf"TextVectorization: `{arg}=True` can only be used "
                           rf"with the TensorFlow backend. Received: {arg}=True"):  # fmt: skip
            layers.TextVectorization(**{arg: True})
    with pytest.raises(ValueError, match=r"`split` of TextVectorization: 'comma'"):
        layers.TextVectorization(split="comma")


def test_text_classification_pipeline_trains(tmp_path):
    for cls, texts in {
        "neg": ["bad awful film", "awful plot"],
        "pos": ["great film", "good fun"],
    }.items():
        (tmp_path / cls).mkdir()
        for i, text in enumerate(texts * 4):
            (tmp_path / cls / f"{i}.txt").write_text(text)
    raw = tkeras.utils.text_dataset_from_directory(tmp_path, batch_size=4, seed=0, verbose=False)
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(raw.map(lambda x, y: x))
    train = raw.map(lambda x, y: (vectorize(x), y))
    model = tkeras.Sequential([
        tkeras.Input((5,), dtype="int64"), layers.Embedding(20, 4),
        layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert vectorize.get_vocabulary()[:4] == ["", "[UNK]", "film", "awful"]


@pytest.mark.parametrize(
    "kwargs, data, count_weights",
    [
        ({"num_tokens": 4}, [[0, 1], [0, 0], [1, 2], [3, 1]], None),
        ({"num_tokens": 4, "output_mode": "one_hot"}, [3, 2, 0, 1], None),
        ({"num_tokens": 4, "output_mode": "one_hot"}, [[3], [2]], None),
        ({"num_tokens": 5, "output_mode": "count"}, [[0, 1, 1], [4, 4, 2]], None),
        ({"num_tokens": 5, "output_mode": "count"}, [[0, 1, 1]], [[0.5, 1.0, 2.0]]),
        ({"num_tokens": 3, "output_mode": "binary"}, [0, 2, 2], None),
    ],
)
def test_category_encoding_matches_keras(kwargs, data, count_weights):
    extra = {} if count_weights is None else {"count_weights": np.array(count_weights)}
    ours = layers.CategoryEncoding(**kwargs)(np.array(data), **extra)
    theirs = keras.layers.CategoryEncoding(**kwargs)(np.array(data), **extra)
    theirs = keras.ops.convert_to_numpy(theirs)
    assert ours.dtype == torch.float32 and tuple(ours.shape) == theirs.shape
    _eq(ours, theirs)


def test_category_encoding_errors():
    with pytest.raises(ValueError, match=r"num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match=r"Unknown arg for output_mode: tf_idf"):
        layers.CategoryEncoding(3, output_mode="tf_idf")
    with pytest.raises(ValueError, match=r"`count_weights` is not used when"):
        layers.CategoryEncoding(3)(np.array([0]), count_weights=np.array([1.0]))
    with pytest.raises(ValueError, match=r"`sparse=True` with torch backend"):
        layers.CategoryEncoding(3, sparse=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bin_boundaries": [0.0, 1.0, 2.0]},
        {"bin_boundaries": [-1.0, 0.5], "output_mode": "one_hot"},
        {"bin_boundaries": [0.0, 1.0], "output_mode": "multi_hot"},
        {"bin_boundaries": [0.0, 1.0], "output_mode": "count"},
        {"num_bins": 4},
        {"num_bins": 3, "epsilon": 0.2, "output_mode": "count"},
    ],
)
def test_discretization_matches_keras(kwargs):
    rng = np.random.default_rng(0)
    data = rng.normal(size=(40, 3)).astype("float32")
    ours, theirs = layers.Discretization(**kwargs), keras.layers.Discretization(**kwargs)
    if "num_bins" in kwargs:
        # Keras's adapt() needs TensorFlow only to test for a tf.data.Dataset; its numpy
        # update_state/finalize_state are the oracle.
        ours.adapt(data[:20])
        theirs.update_state(data[:20])
        theirs.finalize_state()
        np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-6)
        batches = [data[:10], data[10:25], data[25:]]
        ours.adapt(iter(batches))
        theirs.reset_state()
        for batch in batches:
            theirs.update_state(batch)
        theirs.finalize_state()
        np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-6)
    out, expected = ours(data), keras.ops.convert_to_numpy(theirs(data))
    assert str(out.dtype).replace("torch.", "") == str(expected.dtype)
    _eq(out, expected)


def test_discretization_errors():
    with pytest.raises(ValueError, match=r"You need to set either `num_bins` or `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match=r"Both `num_bins` and `bin_boundaries` should not be set"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match=r"Cannot adapt a Discretization layer that has been"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.zeros(3))
    with pytest.raises(ValueError, match=r"`output_mode` of Discretization: 'tf_idf'"):
        layers.Discretization(num_bins=2, output_mode="tf_idf")


def test_hash_functions_match_tensorflow_and_references():
    from tkeras.layers.preprocessing.hash_functions import fingerprint64, siphash24

    # tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) == [0, 2, 2] (TF docs).
    assert [fingerprint64(s) % 3 for s in (b"Hello", b"TensorFlow", b"2.x")] == [0, 2, 2]
    assert fingerprint64(b"") == 0x9AE16A3B2F90404F
    # Every length branch (<=16, <=32, <=64, the 64-byte loop) was checked against FarmHash's
    # C++ (farmhashpy) on random strings of 0..299, 1000 and 4097 bytes; two pinned values:
    assert fingerprint64(b"x" * 100) == 0x5B7616B854568A1F
    assert fingerprint64(bytes(range(32, 232))) == 0x8638BA67D086B86A
    # SipHash-2-4 reference vector (key 00..0f, message 00..0e).
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5


def test_hashing_modes_inputs_and_errors():
    counts = layers.Hashing(num_bins=3, output_mode="count")([["A", "B", "A"]])
    _eq(counts, [[1, 2, 0]])  # A -> 1, B -> 0
    _eq(layers.Hashing(num_bins=3, output_mode="one_hot")([["A"], ["B"]]), [[0, 1, 0], [1, 0, 0]])
    ints = layers.Hashing(num_bins=3)(np.array([[1], [2]]))
    assert ints.tolist() == layers.Hashing(num_bins=3)([["1"], ["2"]]).tolist()
    assert layers.Hashing(num_bins=3, dtype="int32")([["A"]]).dtype == torch.int32
    with pytest.raises(ValueError, match=r"`num_bins` for `Hashing` cannot be `None`"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match=r"`salt` argument for `Hashing` can only be"):
        layers.Hashing(num_bins=2, salt=[1, 2, 3])
    with pytest.raises(ValueError, match=r"Expected one of .*output_mode=tf_idf"):
        layers.Hashing(num_bins=2, output_mode="tf_idf")
    with pytest.raises(ValueError, match=r"`dtype` should be an integer type"):
        layers.Hashing(num_bins=2, dtype="float32")
    with pytest.raises(ValueError, match=r"`sparse` may only be true if `output_mode` is"):
        layers.Hashing(num_bins=2, sparse=True)
    with pytest.raises(ValueError, match=r"Hashing: `sparse=True` can only be used with the "
                       r"TensorFlow backend"):  # fmt: skip
        layers.Hashing(num_bins=2, output_mode="one_hot", sparse=True)
    with pytest.raises(ValueError, match=r"HashedCrossing: `sparse=True` can only be used"):
        layers.HashedCrossing(num_bins=2, output_mode="one_hot", sparse=True)
    with pytest.raises(ValueError, match=r"StringLookup: `sparse=True` can only be used"):
        layers.StringLookup(output_mode="one_hot", sparse=True)
    cross = layers.HashedCrossing(num_bins=5)
    with pytest.raises(ValueError, match=r"at least two inputs"):
        cross([np.array([1])])
    with pytest.raises(ValueError, match=r"should have equal shape"):
        cross((np.array([1, 2]), np.array([1])))
    with pytest.raises(ValueError, match=r"integer or string dtype"):
        cross((np.array([1.5]), np.array([1])))
    assert layers.HashedCrossing(5, dtype="int32")((["A"], [1])).dtype == torch.int32


def test_discretization_and_category_encoding_keras_files_both_ways(tmp_path):
    x = np.array([[-1.0, 0.5, 2.0], [3.0, 3.0, 0.2]], "float32")
    model = tkeras.Sequential([
        tkeras.Input((3,)), layers.Discretization(bin_boundaries=[0.0, 1.0]),
        layers.CategoryEncoding(num_tokens=3, output_mode="count"), layers.Dense(2),
    ])  # fmt: skip
    model.save(tmp_path / "t.keras")
    theirs = keras.saving.load_model(tmp_path / "t.keras")
    _eq(keras.ops.convert_to_numpy(theirs(x)), model(x).detach())
    theirs.save(tmp_path / "k.keras")
    back = tkeras.models.load_model(tmp_path / "k.keras")
    _eq(back(x).detach(), model(x).detach())


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda m: m.Input((3,), sparse=True), r"`sparse=True` is not supported with the torch"),
        (lambda m: m.Input((3,), ragged=True), r"`ragged=True` is not supported with the torch"),
        (lambda m: m.layers.Discretization(bin_boundaries=[0.0], output_mode="one_hot",
                                           sparse=True), r"`sparse=True` cannot be used with"),
        (lambda m: m.layers.CategoryEncoding(3, sparse=True)([[0, 1]]),
         r"Unsupported value `sparse=True` with torch backend"),
    ],
)  # fmt: skip
def test_sparse_and_ragged_raise_as_in_keras_on_torch(make, message):
    """Keras on torch refuses these too (its lookup/text layers need TensorFlow first: their
    `sparse`/`ragged` checks raise "can only be used with the TensorFlow backend")."""
    for module in (keras, tkeras):
        with pytest.raises(ValueError, match=message):
            make(module)
