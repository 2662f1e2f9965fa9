"""StringLookup: strings to vocabulary indices (or back), without TensorFlow."""

from __future__ import annotations

from tkeras.layers.preprocessing.index_lookup import IndexLookup


def _salt(salt, layer: str):
    """Keras's salt: an int ``s`` is the SipHash key ``(s, s)``; a pair is used as is."""
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return list(salt)
    if isinstance(salt, int):
        return [salt, salt]
    raise ValueError(
        f"The `salt` argument for `{layer}` can only be a tuple of 2 integers, or a single "
        f"integer. Received: salt={salt}."
    )


class StringLookup(IndexLookup):
    """Map strings to integer indices through a vocabulary (given, from a file, or ``adapt``).

    Index layout as in Keras: ``[mask_token]`` (when set, ``output_mode="int"``), then
    ``num_oov_indices`` OOV indices, then the vocabulary. ``adapt`` orders tokens by
    descending frequency, ties by descending token.

    Args:
        max_tokens: maximum vocabulary size including special tokens (None: no limit).
        num_oov_indices: indices for out-of-vocabulary tokens (0: OOV raises).
        mask_token: the token that maps to index 0 (None: no mask).
        oov_token: the token returned for unknown indices when ``invert=True``.
        vocabulary: list/array of tokens or a path to a file with one token per line.
        idf_weights: with ``output_mode="tf_idf"``, the idf weight of each vocabulary term.
        invert: map indices back to strings.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: encode to ``max_tokens`` columns instead of the vocabulary size.
        sparse: must be False (torch has no sparse tensors).
        encoding: the text encoding of bytes inputs and vocabulary files.
        salt: with ``num_oov_indices > 1``, OOV buckets use keyed SipHash (an int or a pair)
            instead of FarmHash, as TensorFlow's ``to_hash_bucket_strong``.

    Returns torch int64 indices (``"int"``), float32 encodings (other modes), or for
    ``invert=True`` a numpy array of str with the input's shape.

    Works on data (Python strings, numpy arrays of str) and on a symbolic
    ``Input(dtype="string")`` in a model (see docs/data.md).

    Differences from Keras: computed with numpy on the CPU; one_hot/multi_hot/count outputs
    are float32 (Keras's TF kernels return int64 there while its output spec says float32);
    ``invert`` returns str (not bytes); ``sparse=True`` raises ValueError, as on Keras's torch
    backend.

    Example:
        >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
        >>> layer([["a", "c", "d"], ["d", "z", "b"]]).tolist()
        [[1, 3, 4], [4, 0, 2]]
    """

    _string = True

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token="[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        encoding="utf-8",
        name=None,
        salt=None,
        **kwargs,
    ):
        self.salt = _salt(salt, "StringLookup")
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
            encoding=encoding,
            name=name,
            **kwargs,
        )

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding, "salt": self.salt}
