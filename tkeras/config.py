"""``keras.config``: floatx, epsilon, image_data_format, the default device, flash attention,
interactive logging, debugging caps on epochs and steps, and the backend name."""

from __future__ import annotations

import os
from types import MappingProxyType

import torch

from tkeras.backend.global_state import PROCESS

__all__ = [
    "backend",
    "device",
    "disable_flash_attention",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "enable_flash_attention",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "is_interactive_logging_enabled",
    "is_nnx_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_backend",
    "set_device",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]

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
    """The device tkeras trains on: set_device(), then ``TKERAS_DEVICE``, then CUDA > MPS > CPU
    (under torchrun, CUDA device ``LOCAL_RANK``)."""
    if PROCESS.device is not None:
        return PROCESS.device
    env = os.environ.get("TKERAS_DEVICE")
    if env:
        return torch.device(env)
    if torch.cuda.is_available():
        # Under torchrun each process of a node takes its own GPU.
        local_rank = os.environ.get("LOCAL_RANK", "")
        return (
            torch.device("cuda", int(local_rank)) if local_rank.isdigit() else torch.device("cuda")
        )
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_backend(backend):
    """Keras switches backends here; tkeras runs on torch only, so only ``'torch'`` is accepted.

    Differences from Keras: any other backend raises ValueError.
    """
    if backend != "torch":
        raise ValueError(
            f"tkeras runs on PyTorch only: set_backend accepts 'torch'. Received: "
            f"backend={backend!r}. Use `import keras` for the {backend!r} backend."
        )


def enable_flash_attention():
    """Make ``ops.dot_product_attention`` use torch's flash kernel when not told otherwise."""
    PROCESS.config_switches["flash_attention"] = True


def disable_flash_attention():
    """Make ``ops.dot_product_attention`` avoid the flash kernel when not told otherwise."""
    PROCESS.config_switches["flash_attention"] = False


def is_flash_attention_enabled():
    """The flash-attention setting: True, False, or None (torch picks the kernel)."""
    return PROCESS.config_switches["flash_attention"]


def enable_interactive_logging():
    """Print progress bars and messages to stdout (the default)."""
    PROCESS.config_switches["interactive_logging"] = True


def disable_interactive_logging():
    """Send progress messages to the ``logging`` module (logger ``'tkeras'``, INFO) instead of
    stdout, as Keras sends them to absl logging."""
    PROCESS.config_switches["interactive_logging"] = False


def is_interactive_logging_enabled():
    """Whether progress messages go to stdout."""
    return PROCESS.config_switches["interactive_logging"]


def enable_traceback_filtering():
    """Keras trims its own frames from tracebacks; tkeras never trims them.

    Differences from Keras: raises NotImplementedError (tracebacks are always complete).
    """
    raise NotImplementedError(
        "enable_traceback_filtering: tkeras does not filter tracebacks; they are always shown "
        "in full."
    )


def disable_traceback_filtering():
    """Show complete tracebacks: always the case in tkeras."""


def is_traceback_filtering_enabled():
    """Always False: tkeras shows complete tracebacks."""
    return False


def is_nnx_enabled():
    """Always False: Flax NNX is a JAX-backend feature."""
    return False


def _positive_or_none(name: str, value):
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
    return value


def set_max_epochs(max_epochs):
    """Cap the epochs of every ``fit()`` (a debugging switch; None removes the cap)."""
    PROCESS.config_switches["max_epochs"] = _positive_or_none("max_epochs", max_epochs)


def max_epochs():
    """The cap set by ``set_max_epochs`` (None: no cap)."""
    return PROCESS.config_switches["max_epochs"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the steps of every epoch of fit/evaluate/predict (None removes the cap)."""
    PROCESS.config_switches["max_steps_per_epoch"] = _positive_or_none(
        "max_steps_per_epoch", max_steps_per_epoch
    )


def max_steps_per_epoch():
    """The cap set by ``set_max_steps_per_epoch`` (None: no cap)."""
    return PROCESS.config_switches["max_steps_per_epoch"]


def enable_unsafe_deserialization():
    """Allow loading Python lambdas from saved models everywhere (``safe_mode=False``)."""
    from tkeras.saving import enable_unsafe_deserialization as enable

    enable()


# Keras's keras.config.set_dtype_policy / dtype_policy (the global policy, per thread).
from tkeras.mixed_precision.policy import dtype_policy, set_dtype_policy  # noqa: E402, F401
