"""Reuters newswire topics: ``keras.datasets.reuters`` without TensorFlow."""

from __future__ import annotations

import numpy as np

from tkeras.datasets._pickle import load_npz
from tkeras.datasets._remote import KERAS_ORIGIN, fetch
from tkeras.datasets._sequences import limit_words, read_json, remove_long_seq, shift

SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Load Reuters newswires as word-index sequences: ``(x_train, y_train), (x_test, y_test)``.

    Args:
        path: the file name in the cache.
        num_words: keep the ``num_words`` most frequent words (others become ``oov_char``).
        skip_top: also replace the ``skip_top`` most frequent words.
        maxlen: drop sequences of ``maxlen`` words or more.
        test_split: the fraction (after a seeded shuffle) kept for the test set.
        seed: the shuffle's ``np.random.RandomState`` seed.
        start_char: index prepended to every sequence (None: nothing).
        oov_char: index of replaced words (None: they are dropped).
        index_from: offset added to every word index.

    Returns:
        object arrays of lists of ints, and int64 topic labels 0..45.

    Example (``import tkeras as keras``):
        >>> (x, y), _ = keras.datasets.reuters.load_data(num_words=10000)  # doctest: +SKIP
    """
    f = load_npz(fetch(path, f"{KERAS_ORIGIN}reuters.npz", SHA256))
    xs, labels = f["x"], f["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    xs = shift(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = limit_words(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return (
        (np.array(xs[:idx], dtype="object"), np.array(labels[:idx])),
        (np.array(xs[idx:], dtype="object"), np.array(labels[idx:])),
    )


def get_word_index(path="reuters_word_index.json"):
    """The Reuters word index: a dict from word to its index (before ``index_from``)."""
    return read_json(fetch(path, f"{KERAS_ORIGIN}reuters_word_index.json", WORD_INDEX_MD5))


def get_label_names():
    """The 46 topic names, indexed by label: ``get_label_names()[3] == "earn"``."""
    return LABEL_NAMES
