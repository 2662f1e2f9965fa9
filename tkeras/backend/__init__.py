"""``keras.backend``: settings, session and dtype helpers; device choice, tensor conversion and
the Keras <-> torch layout table."""

from tkeras.backend import layout
from tkeras.backend.convert import convert_to_numpy, convert_to_tensor, standardize_dtype
from tkeras.backend.session import (
    clear_session,
    get_uid,
    is_float_dtype,
    is_int_dtype,
    is_keras_tensor,
    result_type,
)
from tkeras.backend.variable import Variable
from tkeras.config import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)

__all__ = [
    "Variable",
    "backend",
    "clear_session",
    "convert_to_numpy",
    "convert_to_tensor",
    "epsilon",
    "floatx",
    "get_uid",
    "image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "layout",
    "result_type",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_dtype",
]
