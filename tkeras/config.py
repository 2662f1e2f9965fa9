"""Global Keras settings: floatx, epsilon, image_data_format and the default device."""

from __future__ import annotations

import os
from types import MappingProxyType

import torch

from tkeras.backend.global_state import PROCESS

# The settings themselves are process-wide (as Keras's module globals) and live in
# backend/global_state.py's PROCESS, the one home of tkeras's mutable state.
_FLOAT_DTYPES = MappingProxyType(
    {
        "float16": torch.float16,
        "bfloat16": torch.bfloat16,
        "float32": torch.float32,
        "float64": torch.float64,
    }
)


def floatx() -> str:
    """Return the default float type as a string, e.g. ``'float32'``."""
    return PROCESS.floatx


def set_floatx(value: str) -> None:
    """Set the default float type: ``'float16'``, ``'bfloat16'``, ``'float32'`` or ``'float64'``."""
    if value not in _FLOAT_DTYPES:
        raise ValueError(
            f"Unknown floatx type: {value!r}. Expected one of {sorted(_FLOAT_DTYPES)}."
        )
    PROCESS.floatx = value
    PROCESS.floatx_dtype = _FLOAT_DTYPES[value]


def floatx_torch() -> torch.dtype:
    """The torch dtype of ``floatx()``."""
    return _FLOAT_DTYPES[PROCESS.floatx]


def epsilon() -> float:
    """Return the fuzz factor used in numeric expressions (default 1e-7)."""
    return PROCESS.epsilon


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions."""
    PROCESS.epsilon = float(value)


def image_data_format() -> str:
    """Return the default image data format, ``'channels_last'`` unless changed."""
    return PROCESS.image_data_format


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format (``'channels_last'`` or ``'channels_first'``)."""
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    PROCESS.image_data_format = data_format


def backend() -> str:
    """The name of the backend: always ``'torch'``."""
    return "torch"


def set_device(device: str | torch.device | None) -> None:
    """Set the device that training and inference use (``'cpu'``, ``'cuda'``, ``'mps'``...).

    ``None`` restores the automatic choice: ``TKERAS_DEVICE`` if set, else CUDA, then MPS, then CPU.
    """
    PROCESS.device = None if device is None else torch.device(device)


def device() -> torch.device:
    """The device tkeras trains on: set_device(), then ``TKERAS_DEVICE``, then CUDA > MPS > CPU."""
    if PROCESS.device is not None:
        return PROCESS.device
    env = os.environ.get("TKERAS_DEVICE")
    if env:
        return torch.device(env)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


# Keras's keras.config.set_dtype_policy / dtype_policy (the global policy, per thread).
from tkeras.mixed_precision.policy import dtype_policy, set_dtype_policy  # noqa: E402, F401
