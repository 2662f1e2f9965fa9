"""The private base of StringLookup and IntegerLookup: a vocabulary (given, read from a file or
learned by ``adapt``) mapped to indices, and Keras's output modes. Runs on Python strings and
numpy on the CPU, without TensorFlow."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch

from tkeras.layers.preprocessing.host_layer import HostLayer, tensorflow_only
from tkeras.layers.preprocessing.lookup_utils import (
    encode,
    learn_vocabulary,
    listify,
    read_tokens,
    read_vocabulary_file,
    repeated_tokens,
    to_numpy,
    write_tokens,
)

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
# The asset Keras writes for an adapted vocabulary (assets/<layer path>/vocabulary.txt).
VOCABULARY_FILE = "vocabulary.txt"


class IndexLookup(HostLayer):
    """Maps tokens to indices through a vocabulary; private base of the lookup layers."""

    _string = True

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        encoding="utf-8",
        **kwargs,
    ):
        name = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                "If pad_to_max_tokens is True, must set `max_tokens`. "
                f"Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "`num_oov_indices` must be greater than or equal to 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"Unknown value for `output_mode` of {name}: {output_mode!r}. Expected one of "
                f"{OUTPUT_MODES}."
            )
        if invert and output_mode != "int":
            raise ValueError(
                "`output_mode` must be `'int'` when `invert` is true. "
                f"Received: output_mode={output_mode}"
            )
        if sparse:
            raise tensorflow_only(name, "sparse")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(**kwargs)
        self.invert, self.max_tokens = invert, max_tokens
        self.num_oov_indices, self.mask_token, self.oov_token = (
            num_oov_indices,
            mask_token,
            oov_token,
        )
        self.output_mode, self.sparse, self.pad_to_max_tokens = (
            output_mode,
            sparse,
            pad_to_max_tokens,
        )
        self.encoding = encoding
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens: list = []
        self._index: dict = {}
        self.idf_weights: np.ndarray | None = None
        self._frozen_vocab_size: int | None = None
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                "`idf_weights` argument must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # ------------------------------------------------------------------ vocabulary

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices: special tokens plus the vocabulary."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (the mask and OOV tokens first, unless excluded)."""
        special = [self.mask_token] * self._oov_start_index()
        special += [self.oov_token] * self.num_oov_indices
        return (special if include_special_tokens else []) + list(self._tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list, an array or a file with one token per line)."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                f"output_mode={self.output_mode} and idf_weights={idf_weights}"
            )
        from_file = isinstance(vocabulary, (str, os.PathLike))
        if from_file:
            if self.output_mode == "tf_idf":
                raise ValueError(
                    "output_mode `'tf_idf'` does not support loading a vocabulary from file."
                )
            tokens = read_vocabulary_file(os.fspath(vocabulary), self._string, self.encoding)
            found_special = False
        else:
            vocab = to_numpy(vocabulary, self._string, self.encoding).reshape(-1).tolist()
            if not vocab:
                raise ValueError(
                    f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}"
                )
            token_start = self._token_start_index()
            special = [self.mask_token] * self._oov_start_index()
            special += [self.oov_token] * self.num_oov_indices
            found_special = vocab[:token_start] == special
            tokens = vocab[token_start:] if found_special else vocab
            repeated = repeated_tokens(tokens)
            if repeated:
                raise ValueError(
                    "The passed vocabulary has at least one repeated term. Please uniquify "
                    f"your dataset. The repeated terms are: {repeated}"
                )
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                "Found reserved mask token at unexpected location in `vocabulary`. Note that "
                "passed `vocabulary` does not need to include the OOV and mask tokens. "
                f"Received: mask_token={self.mask_token} at vocabulary index "
                f"{tokens.index(self.mask_token)}"
            )
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            raise ValueError(
                "Found reserved OOV token at unexpected location in `vocabulary`. "
                f"Received: oov_token={self.oov_token} at vocabulary index "
                f"{tokens.index(self.oov_token)}"
            )
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {size}; `max_tokens` is {self.max_tokens}."
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights, dtype="float64")
            if weights.ndim != 1:
                raise ValueError(
                    "TF-IDF data must be a 1-index array. "
                    f"Received: type(idf_weights)={type(idf_weights)}"
                )
            if len(weights) != len(vocab):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                    f"{len(weights)}; len(vocabulary) is {len(vocab)}"
                )
            front = 0 if found_special else self._token_start_index()
            front_value = 0.0 if found_special else float(np.average(weights))
            self._set_idf(weights, front, front_value)

    def _set_tokens(self, tokens: list) -> None:
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._index = {t: start + i for i, t in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _set_idf(self, weights: np.ndarray, front: int, front_value: float) -> None:
        back = 0
        if self.pad_to_max_tokens and self.max_tokens is not None:
            back = self.max_tokens - front - len(weights)
        padded = np.pad(weights, (front, back), constant_values=(front_value, 0.0))
        self.idf_weights = padded.astype("float32")

    def _record_vocabulary_size(self) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            self._frozen_vocab_size = self.vocabulary_size()
            return
        if self._frozen_vocab_size is not None and self._called:
            if self.vocabulary_size() != self._frozen_vocab_size:
                raise RuntimeError(
                    f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                    "the vocabulary size cannot be changed after the layer is called. Old vocab "
                    f"size is {self._frozen_vocab_size}, new vocab size is {self.vocabulary_size()}"
                )
        self._frozen_vocab_size = self.vocabulary_size()

    _called = False

    # ------------------------------------------------------------------ adapt

    def adapt(self, data, steps=None):
        """Learn the vocabulary from data: tokens by descending frequency, ties by descending
        token (Keras's order); ``max_tokens`` keeps the most frequent. In ``tf_idf`` mode the
        document frequencies give the idf weights, ``log(1 + docs / (1 + doc_freq))``."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method."
            )
        if isinstance(data, (list, tuple, np.ndarray, torch.Tensor)) or not hasattr(
            data, "__iter__"
        ):
            batches: Any = [self._adapt_rows(data, expand=True)]
        else:
            batches = (self._adapt_rows(b, expand=False) for i, b in enumerate(data)
                       if steps is None or i < steps)  # fmt: skip
        self._fit_rows(row for batch in batches for row in batch)

    def _fit_rows(self, rows: Any) -> None:
        """Set the vocabulary (and idf weights) learned from rows (documents) of tokens."""
        size = self.max_tokens - self._token_start_index() if self.max_tokens else None
        tokens, idf = learn_vocabulary(
            rows, (self.mask_token, self.oov_token), size, self.output_mode == "tf_idf"
        )
        self._set_tokens(tokens)
        if idf is not None:
            mean = float(np.mean(idf)) if len(idf) else 0.0
            self._set_idf(idf, self._token_start_index(), mean)

    def _adapt_rows(self, batch: Any, expand: bool) -> list[list]:
        """A batch as rows of tokens (a 1-D array is one row per element with ``expand``,
        as Keras's adapt on arrays, else one row, as its update_state)."""
        if isinstance(batch, tuple):  # an (x, y) batch: adapt on x
            batch = batch[0]
        array = to_numpy(batch, self._string, self.encoding)
        if array.ndim == 0:
            array = array[None]
        if array.ndim == 1:
            array = array[:, None] if expand else array[None, :]
        return array.reshape(array.shape[0], -1).tolist()

    # ------------------------------------------------------------------ call

    def _symbolic_dtype(self) -> str:
        if self.invert:
            return "string" if self._string else "int64"
        return "int64" if self.output_mode == "int" else "float32"

    def _lookup(self, array: np.ndarray) -> np.ndarray:
        flat = array.reshape(-1)
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        out = np.fromiter((self._index.get(t, default) for t in flat.tolist()), "int64", flat.size)
        oov = np.array([t not in self._index for t in flat.tolist()], dtype=bool)
        if self.mask_token is not None:
            is_mask = np.array([t == self.mask_token for t in flat.tolist()], dtype=bool)
            out[is_mask] = 0 if self.output_mode == "int" else -1
            oov &= ~is_mask
        if self.num_oov_indices == 0 and oov.any():
            raise ValueError(
                "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                f"{flat[oov].tolist()}, consider setting `num_oov_indices=1`."
            )
        if self.num_oov_indices > 1 and oov.any():
            out[oov] = self._oov_buckets(flat[oov]) + self._oov_start_index()
        return out.reshape(array.shape)

    def _oov_buckets(self, values: np.ndarray) -> np.ndarray:
        """TensorFlow's OOV buckets: FarmHash of the value's string (``to_hash_bucket_fast``),
        or keyed SipHash with ``salt`` (``to_hash_bucket_strong``)."""
        from tkeras.layers.preprocessing.hash_functions import fingerprint64, siphash24
        from tkeras.layers.preprocessing.hashing import as_bytes

        salt = getattr(self, "salt", None)
        n = self.num_oov_indices
        if salt is not None:
            return np.array([siphash24(tuple(salt), as_bytes(v)) % n for v in values], "int64")
        return np.array([fingerprint64(as_bytes(v)) % n for v in values], "int64")

    def call(self, inputs):
        array = to_numpy(inputs, self._string and not self.invert, self.encoding)
        if self.invert:
            vocab = self.get_vocabulary()
            lookup = {i: t for i, t in enumerate(vocab)}
            if self.mask_token is not None:
                lookup[0] = self.mask_token
            flat = [lookup.get(int(i), self.oov_token) for i in array.reshape(-1).tolist()]
            out = np.empty(len(flat), dtype=object)
            out[:] = flat
            return (
                out.reshape(array.shape)
                if self._string
                else torch.as_tensor(out.astype("int64").reshape(array.shape))
            )
        indices = self._lookup(array)
        self._called = True
        if self.output_mode == "int":
            return torch.from_numpy(indices)
        if not self.pad_to_max_tokens and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        out = encode(indices, "count" if self.output_mode == "tf_idf" else self.output_mode, depth)
        if self.output_mode == "tf_idf":
            out = out * self.idf_weights
        return torch.from_numpy(out.astype("float32"))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        shape = tuple(input_shape)
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (depth,)
        return shape[:-1] + (depth,)

    # ------------------------------------------------------------------ saving (Keras's hooks)

    def save_own_variables(self, store):
        """``tf_idf`` mode: the idf weights, as Keras stores them (``vars/idf_weights``)."""
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.asarray(self.idf_weights, dtype="float32")

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], dtype="float32")

    def save_assets(self, dir_path):
        """Write the vocabulary (special tokens first) to ``dir_path/vocabulary.txt``, one
        token a line, as Keras does; a vocabulary given as an argument lives in the config."""
        if self.input_vocabulary is not None:
            return
        write_tokens(
            os.path.join(dir_path, VOCABULARY_FILE),
            self.get_vocabulary(include_special_tokens=True),
        )

    def load_assets(self, dir_path):
        """Read the vocabulary that ``save_assets`` wrote (``None``: the file has no assets
        for this layer)."""
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, VOCABULARY_FILE) if dir_path else None
        if path is None or not os.path.isfile(path):
            raise ValueError(
                f"Layer {self.name!r} ({type(self).__name__}): the saved file has no "
                f"{VOCABULARY_FILE} asset for its adapted vocabulary (expected it under the "
                "archive's assets/ folder, at the layer's path)."
            )
        values = read_tokens(path, self._string)
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self.idf_weights[: len(values)])
        else:
            self.set_vocabulary(values)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "invert": self.invert,
                "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices,
                "oov_token": self.oov_token,
                "mask_token": self.mask_token,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary": listify(self.input_vocabulary),
                "idf_weights": listify(self.input_idf_weights),
                "vocabulary_size": self._frozen_vocab_size,
            }
        )
        return config
