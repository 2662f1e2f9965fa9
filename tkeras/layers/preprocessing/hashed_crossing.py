"""HashedCrossing: hash the cross of categorical features into bins (TensorFlow's values)."""

from __future__ import annotations

import numpy as np
import torch

from tkeras.layers.preprocessing.hash_functions import MASK, fingerprint64, fingerprint_cat64
from tkeras.layers.preprocessing.hashing import to_array
from tkeras.layers.preprocessing.host_layer import HostLayer, tensorflow_only
from tkeras.layers.preprocessing.lookup_utils import encode

# tf.sparse.cross_hashed's default hash key (SPARSE_CROSS_DEFAULT_HASH_KEY).
HASH_KEY = 0xDECAFCAFFE


def _feature_hash(value) -> int:
    """Strings are fingerprinted; integers enter the cross as their own 64-bit value."""
    if isinstance(value, bytes):
        return fingerprint64(value)
    if isinstance(value, str):
        return fingerprint64(value.encode("utf-8"))
    return int(value) & MASK


class HashedCrossing(HostLayer):
    """Cross two or more categorical features and hash the cross into ``num_bins`` bins.

    The bin of a sample is ``tf.sparse.cross_hashed``'s: the features' fingerprints
    (FarmHash for strings, the value for integers) combined with ``FingerprintCat64`` from
    TensorFlow's default key, modulo ``num_bins``.

    Args:
        num_bins: the number of bins.
        output_mode: ``"int"`` (int64 bins) or ``"one_hot"`` (float32).
        sparse: must be False.
        dtype: the output dtype (default int64 for ``"int"``, float32 for ``"one_hot"``).

    Works on lists, numpy arrays, tensors and symbolic ``Input``s.

    Differences from Keras: computed with numpy on the CPU.

    Example:
        >>> layer = HashedCrossing(num_bins=5)
        >>> layer((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])))
        tensor([1, 4, 1, 1, 3])
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):  # fmt: skip
        super().__init__(name=name, **kwargs)
        if output_mode not in ("int", "one_hot"):
            raise ValueError(
                "Unknown value for `output_mode` of HashedCrossing: "
                f"{output_mode!r}. Expected one of ('int', 'one_hot')."
            )
        if sparse:
            raise tensorflow_only("HashedCrossing", "sparse")
        self.num_bins, self.output_mode, self.sparse = num_bins, output_mode, sparse
        # Keras's output dtype: int64 bins, floatx one-hot, unless `dtype` is given.
        self.output_dtype = dtype or ("int64" if output_mode == "int" else "float32")
        self._torch_dtype = getattr(torch, str(self.output_dtype))
        self.built = True

    def _symbolic_dtype(self) -> str:
        return self.output_dtype

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of inputs. "
                f"Received: inputs={inputs}"
            )
        if len(inputs) < 2:
            raise ValueError(
                "`HashedCrossing` should be called on at least two inputs. "
                f"Received: inputs={inputs}"
            )
        arrays = [to_array(x) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or "
                f"`(batch_size, 1)`. Received: inputs={inputs}"
            )
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError(
                f"All `HashedCrossing` inputs should have equal shape. Received: inputs={inputs}"
            )
        for a in arrays:
            if a.dtype != object and a.dtype.kind not in "iu":
                raise ValueError(
                    "All `HashedCrossing` inputs should have an integer or string dtype. "
                    f"Received: inputs={inputs}"
                )
        columns = [a.reshape(-1).tolist() for a in arrays]
        out = []
        for values in zip(*columns):
            h = HASH_KEY
            for v in values:
                h = fingerprint_cat64(h, _feature_hash(v))
            out.append(h % self.num_bins)
        result = np.array(out, dtype="int64").reshape(shape)
        if self.output_mode == "int":
            return torch.from_numpy(result).to(self._torch_dtype)
        return torch.from_numpy(encode(result, "one_hot", self.num_bins)).to(self._torch_dtype)

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] == 1:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "dtype": self.output_dtype,
        }
