"""IntegerLookup: integers to vocabulary indices (or back), without TensorFlow."""

from __future__ import annotations

import numpy as np

from tkeras.layers.preprocessing.index_lookup import IndexLookup
from tkeras.layers.preprocessing.string_lookup import _salt


class IntegerLookup(IndexLookup):
    """Map integers to contiguous indices through a vocabulary (given, from a file, or
    ``adapt``).

    Index layout as in Keras: ``[mask_token]`` (when set, ``output_mode="int"``), then
    ``num_oov_indices`` OOV indices, then the vocabulary. With ``num_oov_indices > 1`` an
    unknown value ``v`` goes to OOV index ``v mod num_oov_indices`` (``oov_method="floormod"``).

    Args:
        max_tokens: maximum vocabulary size including special tokens (None: no limit).
        num_oov_indices: indices for out-of-vocabulary values (0: OOV raises).
        mask_token: the value that maps to index 0 (None: no mask).
        oov_token: the value returned for unknown indices when ``invert=True`` (-1).
        vocabulary: list/array of ints or a path to a file with one int per line.
        vocabulary_dtype: ``"int64"`` (or ``"int32"``): the dtype of the values.
        idf_weights: with ``output_mode="tf_idf"``, the idf weight of each vocabulary term.
        invert: map indices back to values.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        sparse: must be False.
        pad_to_max_tokens: encode to ``max_tokens`` columns instead of the vocabulary size.
        oov_method: ``"floormod"`` (``value mod num_oov_indices``) or ``"farmhash"``
            (FarmHash of the decimal string, as TensorFlow's ``to_hash_bucket_fast``).
        salt: with ``"farmhash"``, keyed SipHash instead (an int or a pair of ints).

    Differences from Keras: one_hot/multi_hot/count outputs are float32 (see StringLookup);
    ``sparse=True`` raises ValueError, as on Keras's torch backend.

    Example:
        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer([[12, 1138, 42], [42, 1000, 36]]).tolist()
        [[1, 3, 4], [4, 0, 2]]
    """

    _string = False

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        salt=None,
        name=None,
        **kwargs,
    ):
        if vocabulary_dtype not in ("int64", "int32"):
            raise ValueError(
                "IntegerLookup: `vocabulary_dtype` must be an integer dtype ('int64' or "
                f"'int32'). Received: vocabulary_dtype={vocabulary_dtype}"
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                "IntegerLookup: `oov_method` must be one of ('floormod', 'farmhash'). "
                f"Received: oov_method={oov_method}"
            )
        if salt is not None and oov_method != "farmhash":
            raise ValueError(
                "`salt` can only be used when `oov_method='farmhash'`. "
                f"Received: oov_method={oov_method}"
            )
        self.vocabulary_dtype, self.oov_method = vocabulary_dtype, oov_method
        self.salt = _salt(salt, "IntegerLookup")
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            name=name,
            **kwargs,
        )

    def _oov_buckets(self, values: np.ndarray) -> np.ndarray:
        if self.oov_method == "farmhash":
            return super()._oov_buckets(values)  # FarmHash (or salted SipHash) of the decimal
        return np.mod(values.astype("int64"), self.num_oov_indices)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_dtype": self.vocabulary_dtype,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
