"""Utilities: files and datasets (``get_file``, ``image_dataset_from_directory``, ...), arrays
(``to_categorical``, ``pad_sequences``, ``normalize``), images (``load_img``, ...),
``set_random_seed``, ``Progbar``, ``PyDataset``, and Keras's ``keras.utils`` spellings of the
custom-object registry and session helpers."""

from tkeras.backend.session import clear_session, is_keras_tensor
from tkeras.config import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from tkeras.saving.object_registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from tkeras.saving.serialization import deserialize_keras_object, serialize_keras_object
from tkeras.utils.audio_dataset import audio_dataset_from_directory
from tkeras.utils.batch_loader import BatchLoader
from tkeras.utils.file_utils import get_file
from tkeras.utils.image_dataset import image_dataset_from_directory
from tkeras.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from tkeras.utils.model_visualization import model_to_dot, plot_model
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
    "CustomObjectScope",
    "Progbar",
    "PyDataset",
    "Sequence",
    "array_to_img",
    "audio_dataset_from_directory",
    "clear_session",
    "custom_object_scope",
    "deserialize_keras_object",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_custom_objects",
    "get_file",
    "get_registered_name",
    "get_registered_object",
    "image_dataset_from_directory",
    "img_to_array",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "load_img",
    "model_to_dot",
    "normalize",
    "pad_sequences",
    "plot_model",
    "register_keras_serializable",
    "save_img",
    "serialize_keras_object",
    "set_random_seed",
    "split_dataset",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
]
