"""Hashing: hash strings or integers into bins with TensorFlow's exact hash values."""

from __future__ import annotations

import numpy as np
import torch

from tkeras.layers.preprocessing.hash_functions import fingerprint64, siphash24
from tkeras.layers.preprocessing.host_layer import HostLayer, tensorflow_only
from tkeras.layers.preprocessing.lookup_utils import encode


def as_bytes(value) -> bytes:
    """A value as ``tf.strings.as_string`` writes it (floats are cast to int64 first)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (float, np.floating)):
        value = int(value)
    return str(int(value)).encode("ascii")


def to_array(inputs) -> np.ndarray:
    if isinstance(inputs, torch.Tensor):
        inputs = inputs.detach().cpu().numpy()
    array = np.asarray(inputs)
    return array.astype(object) if array.dtype.kind in "USO" else array


class Hashing(HostLayer):
    """Hash strings or integers into ``num_bins`` bins, with TensorFlow's hash values.

    Without ``salt`` the bin is ``Fingerprint64(value) % num_bins`` (FarmHash, as
    ``tf.strings.to_hash_bucket_fast``); with ``salt`` it is keyed SipHash-2-4 (as
    ``to_hash_bucket_strong``). Integers (and floats, cast to int64) hash as their decimal
    strings. With ``mask_value``, that value goes to bin 0 and the others to
    ``1 + hash % (num_bins - 1)``.

    Args:
        num_bins: the number of bins (mask bin included).
        mask_value: a value that maps to bin 0 (None: no mask).
        salt: an int or a pair of ints: the SipHash key (an int ``s`` is ``(s, s)``).
        output_mode: ``"int"`` (int64 bins), ``"one_hot"``, ``"multi_hot"`` or ``"count"``
            (float32 encodings).
        sparse: must be False.

    Works on Python strings, lists, numpy arrays, tensors and symbolic ``Input``s.

    Differences from Keras: computed with numpy on the CPU; ``sparse=True`` raises
    ValueError, as on Keras's torch backend.

    Example:
        >>> Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).tolist()
        [[1], [0], [1], [1], [2]]
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):  # fmt: skip
        # Keras's output dtype: int64 bins or floatx encodings, unless `dtype` is given.
        dtype = kwargs.pop("dtype", None) or ("int64" if output_mode == "int" else "float32")
        super().__init__(**kwargs)
        if output_mode == "int" and dtype not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'int64'. Received: dtype={dtype}"
            )
        self.output_dtype = dtype
        self._torch_dtype = getattr(torch, str(dtype))
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(
                "Invalid value for argument `output_mode`. Expected one of "
                f"{modes}. Received: output_mode={output_mode}"
            )
        if sparse and output_mode == "int":
            raise ValueError(
                '`sparse` may only be true if `output_mode` is `"one_hot"`, '
                f'`"multi_hot"`, or `"count"`. Received: sparse={sparse} and '
                f"output_mode={output_mode}"
            )
        if sparse:
            raise tensorflow_only("Hashing", "sparse")
        self.num_bins, self.mask_value, self.output_mode, self.sparse = (
            num_bins, mask_value, output_mode, sparse,
        )  # fmt: skip
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 "
                    f"integers, or a single integer. Received: salt={salt}."
                )
        self.built = True

    def _bin(self, value, bins: int) -> int:
        data = as_bytes(value)
        if self.salt is not None:
            return siphash24((self.salt[0], self.salt[1]), data) % bins
        return fingerprint64(data) % bins

    def _symbolic_dtype(self) -> str:
        return self.output_dtype

    def call(self, inputs):
        array = to_array(inputs)
        if self.output_mode == "one_hot" and array.ndim and array.shape[-1] == 1:
            array = array[..., 0]
        bins = self.num_bins
        masked = self.mask_value is not None and bins > 1
        if masked:
            bins -= 1
        flat = array.reshape(-1).tolist()
        out = np.array([self._bin(v, bins) for v in flat], dtype="int64")
        if masked:
            is_mask = np.array([v == self.mask_value for v in flat], dtype=bool)
            out = np.where(is_mask, 0, out + 1)
        out = out.reshape(array.shape)
        if self.output_mode == "int":
            return torch.from_numpy(out).to(self._torch_dtype)
        encoded = encode(out, self.output_mode, self.num_bins)
        return torch.from_numpy(encoded).to(self._torch_dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "dtype": self.output_dtype,
        }
