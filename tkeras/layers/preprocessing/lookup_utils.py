"""Host-side helpers of the lookup and hashing layers: inputs as numpy, Keras's categorical
encodings, and vocabulary files (one token a line)."""

from __future__ import annotations

import collections
import math
import os
from typing import Any

import numpy as np
import torch


def to_numpy(inputs: Any, string: bool, encoding: str = "utf-8") -> np.ndarray:
    """Inputs (lists, arrays, tensors, a scalar) as a numpy array: str objects or int64."""
    if isinstance(inputs, torch.Tensor):
        inputs = inputs.detach().cpu().numpy()
    array = np.asarray(inputs, dtype=object if string else None)
    if not string:
        return array.astype("int64")
    if array.size and any(isinstance(v, bytes) for v in array.flat):
        array = np.vectorize(lambda v: v.decode(encoding) if isinstance(v, bytes) else v,
                             otypes=[object])(array)  # fmt: skip
    return array


def encode(indices: np.ndarray, output_mode: str, depth: int) -> np.ndarray:
    """One-hot / multi-hot / count encoding of int indices over the last axis (Keras's
    ``encode_categorical_inputs``); indices outside ``[0, depth)`` (the mask) are dropped."""
    if indices.ndim == 0:
        indices = indices[None]
    if output_mode == "one_hot" and indices.shape[-1] != 1:
        indices = indices[..., None]
    if indices.ndim > 2 and output_mode != "one_hot":
        raise ValueError(
            "When output_mode is not `'int'`, maximum supported output rank is 2. "
            f"Received output_mode {output_mode} and input shape {indices.shape}, which "
            f"would result in output rank {indices.ndim}."
        )
    rows = indices.reshape(-1, indices.shape[-1])
    out = np.zeros((rows.shape[0], depth), dtype="float32")
    for r, row in enumerate(rows):
        row = row[(row >= 0) & (row < depth)]
        np.add.at(out[r], row, 1.0)
    if output_mode in ("one_hot", "multi_hot"):
        out = np.minimum(out, 1.0)
    return out.reshape((*indices.shape[:-1], depth))


def read_tokens(path: str, string: bool, encoding: str = "utf-8") -> list:
    """The tokens of a vocabulary file, one a line (ints unless ``string``), without the
    trailing empty lines."""
    with open(path, encoding=encoding) as f:
        lines = f.read().splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    return lines if string else [int(line) for line in lines]


def write_tokens(path: str, tokens: list) -> None:
    """Write tokens one a line, as Keras writes its ``vocabulary.txt`` asset."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(str(token) for token in tokens))


def repeated_tokens(tokens: list) -> list:
    """The tokens that occur more than once."""
    return [t for t, c in collections.Counter(tokens).items() if c > 1]


def read_vocabulary_file(path: str, string: bool, encoding: str) -> list:
    """A user's vocabulary file; each line must hold a distinct token."""
    if not os.path.exists(path):
        raise ValueError(f"Vocabulary file {path} does not exist.")
    tokens = read_tokens(path, string, encoding)
    repeated = repeated_tokens(tokens)
    if repeated:
        raise ValueError(
            f"Vocabulary file {path} has repeated terms: {repeated}. Each line must hold "
            "a distinct token."
        )
    return tokens


def listify(x: Any) -> Any:
    """An array or tensor as a (nested) list, for a JSON config; anything else as it is."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    return x.tolist() if isinstance(x, np.ndarray) else x


def learn_vocabulary(
    rows: Any, specials: tuple, size: int | None, tf_idf: bool
) -> tuple[list, np.ndarray | None]:
    """Keras's adapt: tokens by descending frequency, ties by descending token, at most ``size``
    of them, without ``specials``; with ``tf_idf`` also their idf weights,
    ``log(1 + docs / (1 + doc_freq))``."""
    counts: collections.Counter = collections.Counter()
    doc_counts: collections.Counter = collections.Counter()
    num_docs = 0
    for row in rows:
        counts.update(row)
        if tf_idf:
            doc_counts.update(set(row))
            num_docs += 1
    for special in specials:
        counts.pop(special, None)
    ordered = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    if size is not None:
        ordered = ordered[:size]
    tokens = [t for t, _ in ordered]
    if not tf_idf:
        return tokens, None
    idf = [math.log(1 + num_docs / (1 + doc_counts[t])) for t in tokens]
    return tokens, np.array(idf, dtype="float64").astype("float32")
