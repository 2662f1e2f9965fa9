"""``keras.preprocessing``: Keras's older names for the data utilities (same objects as in
``tkeras.utils``), so ``keras.preprocessing.timeseries_dataset_from_array`` and
``keras.preprocessing.sequence.pad_sequences`` run unchanged."""

from tkeras.preprocessing import image, sequence
from tkeras.utils.image_dataset import image_dataset_from_directory
from tkeras.utils.text_dataset import text_dataset_from_directory
from tkeras.utils.timeseries_dataset import timeseries_dataset_from_array

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]
