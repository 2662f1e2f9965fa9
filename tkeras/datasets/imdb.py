"""IMDB movie-review sentiment: ``keras.datasets.imdb`` without TensorFlow."""

from __future__ import annotations

import numpy as np

from tkeras.datasets._pickle import load_npz
from tkeras.datasets._remote import KERAS_ORIGIN, fetch
from tkeras.datasets._sequences import limit_words, read_json, remove_long_seq, shift

SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Load IMDB reviews as word-index sequences: ``(x_train, y_train), (x_test, y_test)``.

    Args:
        path: the file name in the cache.
        num_words: keep the ``num_words`` most frequent words (others become ``oov_char``).
        skip_top: also replace the ``skip_top`` most frequent words.
        maxlen: drop sequences of ``maxlen`` words or more.
        seed: shuffles train and test with ``np.random.RandomState(seed)``.
        start_char: index prepended to every sequence (None: nothing).
        oov_char: index of replaced words (None: they are dropped).
        index_from: offset added to every word index.
        **kwargs: accepted for Keras's signature; any keyword raises TypeError.

    Returns:
        object arrays of 25,000 lists of ints each, and int64 labels 0/1.

    Differences from Keras: unknown keyword arguments raise TypeError (Keras ignores them).

    Example (``import tkeras as keras``):
        >>> (x, y), _ = keras.datasets.imdb.load_data(num_words=10000)  # doctest: +SKIP
    """
    if kwargs:
        raise TypeError(f"imdb.load_data() got unexpected keyword arguments: {sorted(kwargs)}")
    f = load_npz(fetch(path, f"{KERAS_ORIGIN}imdb.npz", SHA256))
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]

    x_train = shift(x_train, start_char, index_from)
    x_test = shift(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence "
                "was kept. Increase maxlen."
            )
    xs = limit_words(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    return (
        (np.array(xs[:idx], dtype="object"), labels[:idx]),
        (np.array(xs[idx:], dtype="object"), labels[idx:]),
    )


def get_word_index(path="imdb_word_index.json"):
    """The IMDB word index: a dict from word to its index (before ``index_from`` is added).

    Example:
        >>> keras.datasets.imdb.get_word_index()["the"]  # doctest: +SKIP
        1
    """
    return read_json(fetch(path, f"{KERAS_ORIGIN}imdb_word_index.json", WORD_INDEX_MD5))
