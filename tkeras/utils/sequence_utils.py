"""``pad_sequences``: pad or truncate a list of sequences to one length (Keras's rules)."""

from __future__ import annotations

import numpy as np


def pad_sequences(
    sequences,
    maxlen=None,
    dtype="int32",
    padding="pre",
    truncating="pre",
    value=0.0,
):
    """Pad (or truncate) sequences to the same length: a (num_samples, maxlen, ...) array.

    Args:
        sequences: a list of sequences (lists or arrays; items may be arrays of one shape).
        maxlen: the output length (default: the longest sequence).
        dtype: the output dtype (``object`` or a str dtype for string values).
        padding: ``"pre"`` or ``"post"``: which side receives ``value``.
        truncating: ``"pre"`` or ``"post"``: which side of a longer sequence is cut.
        value: the padding value.

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post").tolist()
        [[2, 3], [4, 0]]

    Differences from Keras: an invalid ``padding``/``truncating`` raises even when every
    sequence is empty (Keras checks them only on a non-empty sequence).
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths, sample_shape = [], None
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as e:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {x}"
            ) from e
        if sample_shape is None and len(x):  # the first non-empty sequence sets item shape
            sample_shape = np.asarray(x).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = np.max(lengths)
    is_str_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_str_dtype:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        # s[-0:] is the whole sequence: Keras's slicing, kept for parity at maxlen=0.
        kept = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {idx} is different "
                f"from expected shape {sample_shape}"
            )
        if padding == "post":
            out[idx, : len(kept)] = kept
        else:
            out[idx, -len(kept) :] = kept
    return out
