"""All of tkeras's mutable state: per-thread call state and the few process-wide settings.

Keras keeps its per-call context, scopes and name counters in ``keras.src.backend.common.
global_state`` on a ``threading.local``; tkeras does the same, so two threads (a server
answering requests, a data loader building layers) never see each other's training flag, safe
mode, custom-object scope or name counters. No other tkeras module holds mutable state at module
level (``tests/test_global_state.py`` checks it).

Per thread (``thread_state()``; each thread starts from the defaults):

- ``training``: the training flag given explicitly to an enclosing layer call, passed down to
  sublayers called with ``training=None``; None outside such a call.
- ``outer``: the outermost layer whose call is running (None between calls); its call clears
  the losses added by its previous call, as Keras does.
- ``masks``: True while a model that contains a mask-creating layer is being called, so masks
  travel on its tensors (``_keras_mask``).
- ``safe_mode``: the ``safe_mode`` of an enclosing ``load_model`` / ``SafeModeScope`` (None:
  the default, safe).
- ``shared``: the shared-object table of an enclosing deserialization (None outside one).
- ``custom_objects``: the objects of the innermost ``custom_object_scope``.
- ``compile``: False inside ``load_model(compile=False)``.
- ``name_uids``: the counters behind Keras-style unique names (``dense``, ``dense_1``, ...).
- ``dtype_policy``: the default dtype policy of new layers (``set_dtype_policy`` /
  ``mixed_precision.set_global_policy``); None until set or first read. Per thread and reset by
  ``clear_session``, as in Keras (its ``global_state`` attribute ``"dtype_policy"``).
- ``attributes``: free-form attributes (``set_global_attribute``), e.g. the
  ``keras.distribution`` distribution.
- ``stateless``: True inside ``stateless_scope`` (shape inference, the build call of
  ``fit``): random draws leave SeedGenerators unchanged, as in Keras's StatelessScope.
- ``trial_device``: the device of the shape-inference run in progress (``"meta"`` or
  ``"cpu"``), None outside one: random draws land there.

Process-wide (``PROCESS``), as in Keras where these are module globals: the settings of
``tkeras.config`` (``set_floatx`` applies to every thread, as do its switches), the registry of
``register_keras_serializable`` and ``route_epoch``, a counter that tells layers to recompute
their cached routing (layers/layer_call.py); whether a model collects losses or passes masks is
decided per model from its own layers, never by a process-wide flag.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from typing import Any

import torch

__all__ = [
    "PROCESS",
    "clear_session",
    "get_global_attribute",
    "set_global_attribute",
    "stateless_scope",
    "thread_state",
]


class _ThreadState(threading.local):
    """One thread's call state; ``threading.local`` runs ``__init__`` once per thread."""

    def __init__(self) -> None:
        self.training: bool | None = None
        self.outer: Any = None
        self.masks = False
        self.safe_mode: bool | None = None
        self.shared: dict[int, Any] | None = None
        self.custom_objects: dict[str, Any] = {}
        self.compile = True
        self.name_uids: defaultdict[str, int] = defaultdict(int)
        self.dtype_policy: Any = None
        self.stateless = False
        self.trial_device: str | None = None
        self.attributes: dict[str, Any] = {}


class _ProcessState:
    """Settings shared by every thread (Keras keeps these as module globals)."""

    __slots__ = (
        "config_switches",
        "custom_names",
        "custom_objects",
        "device",
        "epsilon",
        "floatx",
        "image_data_format",
        "floatx_dtype",
        "route_epoch",
    )

    def __init__(self) -> None:
        self.floatx = "float32"
        self.floatx_dtype = torch.float32  # floatx as a torch dtype, read on every layer call
        self.epsilon = 1e-7
        self.image_data_format = "channels_last"
        self.device: Any = None
        self.custom_objects: dict[str, Any] = {}
        self.custom_names: dict[Any, str] = {}
        # keras.config's switches: flash attention, interactive logging, epoch/step caps.
        self.config_switches: dict[str, Any] = {
            "flash_attention": None,
            "interactive_logging": True,
            "max_epochs": None,
            "max_steps_per_epoch": None,
        }
        # Bumped when some layer's routing may have changed (layers/layer_call.py).
        self.route_epoch = 0


_STATE = _ThreadState()
PROCESS = _ProcessState()


def thread_state() -> _ThreadState:
    """This thread's call state (attributes listed in the module docstring)."""
    return _STATE


@contextlib.contextmanager
def stateless_scope(trial_device: str | None = None) -> Any:
    """Run without advancing SeedGenerators (``stateless``); ``trial_device`` marks a
    shape-inference run on that device."""
    previous = _STATE.stateless, _STATE.trial_device
    _STATE.stateless, _STATE.trial_device = True, trial_device
    try:
        yield
    finally:
        _STATE.stateless, _STATE.trial_device = previous


def set_global_attribute(name: str, value: Any) -> None:
    """Set a free-form per-thread attribute (Keras's ``global_state.set_global_attribute``).

    Example:
        >>> from tkeras.backend import global_state
        >>> global_state.set_global_attribute("my_flag", 1)
        >>> global_state.get_global_attribute("my_flag")
        1
    """
    _STATE.attributes[name] = value


def get_global_attribute(name: str, default: Any = None, set_to_default: bool = False) -> Any:
    """A free-form per-thread attribute, ``default`` when unset (stored if ``set_to_default``)."""
    attributes = _STATE.attributes
    if name in attributes:
        return attributes[name]
    if set_to_default:
        attributes[name] = default
    return default


def clear_session() -> None:
    """Reset this thread's call state and name counters, as ``keras.utils.clear_session``."""
    _STATE.__init__()
