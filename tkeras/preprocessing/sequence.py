"""``keras.preprocessing.sequence``: ``pad_sequences`` (see ``tkeras.utils``)."""

from tkeras.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
