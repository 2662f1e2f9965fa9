"""TextVectorization: strings to token indices or encodings, without TensorFlow."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch

from tkeras.layers.preprocessing.host_layer import HostLayer, tensorflow_only
from tkeras.layers.preprocessing.lookup_utils import encode
from tkeras.layers.preprocessing.string_lookup import StringLookup

# Keras's DEFAULT_STRIP_REGEX (``,-\.`` is the range , - .).
STRIP_REGEX = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
# tf.strings.lower without an encoding lowercases ASCII only.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")


def _ngrams(tokens: list[str], widths: tuple[int, ...]) -> list[str]:
    """tf.strings.ngrams(separator=" "): all n-grams of each width, widths in order."""
    out = []
    for n in widths:
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


class TextVectorization(HostLayer):
    """Turn raw strings into token indices (padded sequences) or bag-of-words encodings.

    Strings are standardized (ASCII-lowercased and stripped of Keras's punctuation set by
    default), split (on whitespace by default), optionally turned into n-grams, and looked up
    in a vocabulary learned by ``adapt`` (frequency order, ties by descending token) or given.
    Index 0 is the padding/mask token ``""`` and index 1 ``"[UNK]"`` in ``"int"`` mode.

    Args:
        max_tokens: maximum vocabulary size, special tokens included.
        standardize: ``"lower_and_strip_punctuation"``, ``"lower"``, ``"strip_punctuation"``,
            None, or a callable taking and returning a numpy array of str.
        split: ``"whitespace"``, ``"character"``, None (each string is one token), or a
            callable taking a 1-D numpy array of str and returning a list of token lists.
        ngrams: None, an int n (1..n-grams) or a tuple of widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"`` or ``"one_hot"``.
        output_sequence_length: ``"int"`` mode: pad or cut every sequence to this length
            (None: the longest in the batch).
        pad_to_max_tokens: encode to ``max_tokens`` columns instead of the vocabulary size.
        vocabulary: list of tokens or a path to a file with one token per line.
        idf_weights: ``"tf_idf"`` mode with a given vocabulary: the idf of each term.
        sparse: must be False.
        ragged: must be False (outputs are padded tensors).
        encoding: the encoding of bytes inputs and vocabulary files.

    Returns int64 tensors (``"int"``) or float32 encodings, as torch tensors.

    Works on data (Python strings, lists, numpy arrays of str, e.g. in ``dataset.map``) and
    on a symbolic ``Input(dtype="string")`` as a model's first layer; an adapted vocabulary
    is saved in ``.keras`` files as Keras saves it (``assets/``; see docs/data.md).

    Differences from Keras: computed with numpy on the CPU; ``ragged=True`` and
    ``sparse=True`` raise ValueError, as on Keras's torch backend; a callable ``split``
    receives numpy strings (Keras: tf.strings).

    Example:
        >>> layer = TextVectorization(max_tokens=5000, output_sequence_length=4)
        >>> layer.adapt(["foo bar", "bar baz", "baz bada boom"])
        >>> layer([["foo qux bar"], ["qux baz"]]).tolist()
        [[4, 1, 3, 0], [1, 2, 0, 0]]
    """

    def __init__(
        self,
        max_tokens=None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode="int",
        output_sequence_length=None,
        pad_to_max_tokens=False,
        vocabulary=None,
        idf_weights=None,
        sparse=False,
        ragged=False,
        encoding="utf-8",
        name=None,
        **kwargs,
    ):
        if sparse or ragged:
            raise tensorflow_only("TextVectorization", "sparse" if sparse else "ragged")
        modes = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
        if not (standardize is None or callable(standardize) or standardize in modes):
            raise ValueError(
                f"Unknown value for `standardize` of TextVectorization: {standardize!r}. "
                f"Expected one of {modes}, None or a callable."
            )
        if not (split is None or callable(split) or split in ("whitespace", "character")):
            raise ValueError(
                f"Unknown value for `split` of TextVectorization: {split!r}. Expected one of "
                "('whitespace', 'character'), None or a callable."
            )
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if not (
            ngrams is None
            or isinstance(ngrams, int)
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(
                "`ngrams` must be None, an integer, or a tuple of integers. "
                f"Received: ngrams={ngrams}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None or isinstance(output_sequence_length, int)
        ):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when `output_mode` "
                f"is 'int'. Received: output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            encoding=encoding,
            has_input_vocabulary=has_input_vocabulary,
            vocabulary_size=vocabulary_size,
        )
        self.built = True

    # ------------------------------------------------------------------ preprocessing

    def _strings(self, inputs: Any) -> np.ndarray:
        if isinstance(inputs, torch.Tensor):
            inputs = inputs.detach().cpu().numpy()
        array = np.asarray(inputs, dtype=object)
        decode = np.vectorize(
            lambda v: v.decode(self._encoding) if isinstance(v, bytes) else str(v),
            otypes=[object],
        )
        return decode(array) if array.size else array

    def _standardized(self, array: np.ndarray) -> np.ndarray:
        mode = self._standardize
        if callable(mode):
            return np.asarray(mode(array), dtype=object)
        if mode in ("lower", "lower_and_strip_punctuation"):
            array = np.vectorize(lambda s: s.translate(ASCII_LOWER), otypes=[object])(array)
        if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
            array = np.vectorize(lambda s: STRIP_REGEX.sub("", s), otypes=[object])(array)
        return array

    def _preprocess(self, inputs: Any) -> tuple[Any, bool]:
        """Token rows (a list of lists) and whether the input was a single string; or, with
        ``split=None`` and no ngrams, the standardized array itself."""
        array = self._standardized(self._strings(inputs))
        if self._split is None and self._ngrams is None:
            return array, False
        if array.ndim > 1:
            if array.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must be "
                    "1 or the last shape dimension must be 1. Received: "
                    f"inputs.shape={array.shape} with rank={array.ndim}"
                )
            array = array[..., 0]
        scalar = array.ndim == 0
        flat = array.reshape(-1)
        if self._split == "whitespace":
            rows = [[t for t in WHITESPACE.split(s) if t] for s in flat]
        elif self._split == "character":
            rows = [list(s) for s in flat]
        elif callable(self._split):
            rows = [list(r) for r in self._split(flat)]
        else:
            rows = [[s] for s in flat]
        if self._ngrams is not None:
            rows = [_ngrams(r, self._ngrams) for r in rows]
        return rows, scalar

    # ------------------------------------------------------------------ vocabulary

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and idf weights) from strings, arrays or a dataset of them."""
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method."
            )
        if batch_size is not None:
            raise NotImplementedError("TextVectorization.adapt(batch_size=...)")
        if isinstance(data, (list, tuple, np.ndarray, torch.Tensor, str, bytes)):
            batches: Any = [data]
        else:
            batches = (b for i, b in enumerate(data) if steps is None or i < steps)

        def rows():
            for batch in batches:
                batch = batch[0] if isinstance(batch, tuple) else batch
                pre, _ = self._preprocess(batch)
                if isinstance(pre, np.ndarray):
                    pre = pre.reshape(pre.shape[0] if pre.ndim else 1, -1).tolist()
                yield from pre

        lookup._fit_rows(rows())

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (``""`` and ``"[UNK]"`` first, unless excluded)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of indices, special tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (and, in ``tf_idf`` mode, the idf weights)."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # ------------------------------------------------------------------ call

    # Keras's saving hooks: the vocabulary and idf weights live on the inner StringLookup.
    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    def _symbolic_dtype(self) -> str:
        return "int64" if self._output_mode == "int" else "float32"

    def call(self, inputs):
        lookup = self._lookup_layer
        pre, scalar = self._preprocess(inputs)
        if isinstance(pre, np.ndarray):  # split=None: one token per string
            return lookup.call(pre)
        lengths = [len(r) for r in pre]
        flat = np.empty(sum(lengths), dtype=object)
        flat[:] = [t for r in pre for t in r]
        indices = lookup._lookup(flat)
        lookup._called = True
        width = max(lengths, default=0)
        if self._output_mode == "int" and self._output_sequence_length is not None:
            width = self._output_sequence_length
        pad = 0 if self._output_mode == "int" else -1  # -1: dropped by the encodings
        out = np.full((len(pre), width), pad, dtype="int64")
        start = 0
        for r, n in enumerate(lengths):
            kept = indices[start : start + min(n, width)]
            out[r, : len(kept)] = kept
            start += n
        if scalar:
            out = out[0]
        if self._output_mode == "int":
            return torch.from_numpy(out)
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        if depth is None:
            raise RuntimeError(
                f"When using `output_mode={self._output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )
        mode = "count" if self._output_mode == "tf_idf" else self._output_mode
        encoded = encode(out, mode, depth)
        if self._output_mode == "tf_idf":
            encoded = encoded * lookup.idf_weights
        return torch.from_numpy(encoded.astype("float32"))

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        depth = (
            self._lookup_layer.max_tokens
            if self._lookup_layer.pad_to_max_tokens
            else self._lookup_layer._frozen_vocab_size
        )
        return (input_shape[0], depth)

    def get_config(self):
        lookup = self._lookup_layer
        config = super().get_config()
        config.update(
            {
                "max_tokens": lookup.max_tokens,
                "standardize": self._standardize,
                "split": self._split,
                "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens,
                "sparse": False,
                "ragged": False,
                "vocabulary": lookup.get_config()["vocabulary"],
                "idf_weights": lookup.get_config()["idf_weights"],
                "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size(),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)
