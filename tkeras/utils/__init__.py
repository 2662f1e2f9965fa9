"""Utilities: files and datasets (``get_file``, ``image_dataset_from_directory``, ...), arrays
(``to_categorical``, ``pad_sequences``, ``normalize``), images (``load_img``, ...),
``set_random_seed``, ``Progbar``, ``PyDataset``."""

from tkeras.utils.audio_dataset import audio_dataset_from_directory
from tkeras.utils.batch_loader import BatchLoader
from tkeras.utils.file_utils import get_file
from tkeras.utils.image_dataset import image_dataset_from_directory
from tkeras.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from tkeras.utils.numerical import normalize, to_categorical
from tkeras.utils.progbar import Progbar
from tkeras.utils.py_dataset import PyDataset, Sequence
from tkeras.utils.random import set_random_seed
from tkeras.utils.sequence_utils import pad_sequences
from tkeras.utils.split import split_dataset
from tkeras.utils.text_dataset import text_dataset_from_directory
from tkeras.utils.timeseries_dataset import timeseries_dataset_from_array

__all__ = [
    "BatchLoader",
    "Progbar",
    "PyDataset",
    "Sequence",
    "array_to_img",
    "audio_dataset_from_directory",
    "get_file",
    "image_dataset_from_directory",
    "img_to_array",
    "load_img",
    "normalize",
    "pad_sequences",
    "save_img",
    "set_random_seed",
    "split_dataset",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
]
