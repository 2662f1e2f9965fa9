"""The word-index encoding shared by the IMDB and Reuters loaders (Keras's rules)."""

from __future__ import annotations

import json


def remove_long_seq(maxlen: int, seq: list, label) -> tuple[list, list]:
    """Keep the sequences strictly shorter than ``maxlen`` (Keras's rule) with their labels."""
    kept = [(x, y) for x, y in zip(seq, label) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def shift(xs, start_char, index_from) -> list[list[int]]:
    """Prepend ``start_char`` and offset every word index by ``index_from``."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def limit_words(xs: list, num_words, skip_top: int, oov_char) -> list[list[int]]:
    """Replace (or drop, when ``oov_char`` is None) words outside ``[skip_top, num_words)``."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def read_json(path: str) -> dict:
    with open(path) as f:
        return json.load(f)
