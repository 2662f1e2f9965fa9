"""The saving entry points: ``save_model``/``load_model``, ``save_weights``/``load_weights``,
``model_from_json`` and ``clone_model``, dispatching on the file type as Keras 3 does."""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from typing import Any

import h5py

from tkeras.backend.global_state import thread_state
from tkeras.saving import keras_zip, legacy_h5, weights_h5
from tkeras.saving import serialization as ser
from tkeras.saving.atomic import atomic_path


def _proceed_with_overwrite(filepath: str) -> bool:
    """Keras's prompt before replacing an existing file when ``overwrite=False``."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "y":
        print("[TIP] Next time specify overwrite=True!")
    return answer == "y"


def save_model(model: Any, filepath: Any, overwrite: bool = True, zipped: Any = None, **kwargs):
    """Save a model to a ``.keras`` zip (Keras 3's format), a folder, or a legacy ``.h5`` file.

    The file holds the architecture (``config.json``), the weights and, for a compiled model,
    the compile config and the optimizer's state. Writes are atomic: an interrupted save
    leaves the previous file (or none), never a partial one.

    Args:
        model: the model to save.
        filepath: a path ending in ``.keras`` (or ``.h5``/``.hdf5`` for the legacy format).
        overwrite: False asks before replacing an existing file, as Keras does.
        zipped: False writes the ``.keras`` contents into a folder instead of a zip.
        **kwargs: ``include_optimizer`` (legacy ``.h5`` only) and the deprecated
            ``save_format``.

    Differences from Keras: a model holding a ``TorchModuleWrapper`` cannot be saved whole
    (its config would be a pickled module; use ``save_weights``); ``metadata.json`` also
    records ``tkeras_version``.

    Example:
        >>> import os, tempfile, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
        >>> tkeras.saving.save_model(model, path)
        >>> tkeras.saving.load_model(path).output_shape
        (None, 2)
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    path = os.fspath(filepath)
    if save_format and path.endswith((".h5", ".hdf5", ".keras")):
        warnings.warn(
            "The `save_format` argument is deprecated in Keras 3. We recommend removing this "
            "argument as it can be inferred from the file path. "
            f"Received: save_format={save_format}",
            stacklevel=2,
        )
    elif save_format:
        raise ValueError(
            "The `save_format` argument is deprecated in Keras 3. Please remove this argument "
            f"and pass a file path with either `.keras` or `.h5` extension. Received: "
            f"save_format={save_format}"
        )
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    if zipped is None:
        zipped = True
    if zipped and not path.endswith((".keras", ".h5", ".hdf5")):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for "
            "the native Keras format (recommended) or a `.h5` extension. Received: "
            f"filepath={path}."
        )
    if not zipped and path.endswith(".keras"):
        raise ValueError(
            "When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
            f"Received: filepath={path}"
        )
    if os.path.exists(path) and not overwrite and not _proceed_with_overwrite(path):
        return
    if not getattr(model, "built", True):
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any "
            "weights yet. Consider building the model first by calling it on some data.",
            stacklevel=2,
        )
    if not zipped:
        keras_zip.save_dir(model, path)
    elif path.endswith(".keras"):
        keras_zip.save_zip(model, path)
    else:
        legacy_h5.save_model(model, path, include_optimizer=include_optimizer)


def model_from_config(
    config: dict[str, Any],
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """The model (or layer) of a Keras config dict, compiled if the config says so.

    Args:
        config: a dict from ``serialize_keras_object`` (or Keras's ``config.json``).
        custom_objects: extra ``{name: class or function}``.
        compile: apply the saved compile config.
        safe_mode: refuse Python lambdas.

    Example:
        >>> import tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> cfg = tkeras.saving.serialize_keras_object(model)
        >>> tkeras.saving.model_from_config(cfg).output_shape
        (None, 2)
    """
    state = thread_state()
    previous = state.compile
    state.compile = compile
    try:
        with ser.SharingScope():
            return ser.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode
            )
    finally:
        state.compile = previous


def load_model(
    filepath: Any,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """Load a model saved by ``model.save()`` in Keras or tkeras (``.keras`` or legacy ``.h5``).

    Nothing is unpickled. A ``Lambda`` layer holding a Python lambda loads only with
    ``safe_mode=False`` (it runs bytecode stored in the file).

    Args:
        filepath: a ``.keras`` zip, a folder written with ``zipped=False``, or a legacy
            ``.h5``/``.hdf5`` file.
        custom_objects: ``{name: class or function}`` for custom objects that are not
            registered with ``register_keras_serializable``.
        compile: compile the model as it was saved (and restore its optimizer).
        safe_mode: refuse to load Python lambdas.

    Differences from Keras: a lambda saved by Keras runs with ``keras``, ``ops`` and ``np``
    bound to tkeras, tkeras.ops and numpy; ``.npz`` weights and TorchModuleWrapper configs
    (pickles) are refused.

    Example:
        >>> import os, tempfile, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
        >>> model.save(path)
        >>> tkeras.models.load_model(path).count_params()
        8
    """
    path = os.fspath(filepath)
    if os.path.isdir(path) and os.path.exists(os.path.join(path, keras_zip.CONFIG_FILENAME)):
        return keras_zip.load_zip(path, custom_objects, compile, safe_mode)
    if not os.path.exists(path):
        raise ValueError(
            f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` "
            "zip file."
        )
    if path.endswith(".keras") or zipfile.is_zipfile(path):
        return keras_zip.load_zip(path, custom_objects, compile, safe_mode)
    if path.endswith((".h5", ".hdf5")) or h5py.is_hdf5(path):
        return legacy_h5.load_model(path, custom_objects, compile, safe_mode)
    raise ValueError(
        f"File format not supported: filepath={path}. tkeras (like Keras 3) only supports V3 "
        "`.keras` files and legacy H5 format files (`.h5` extension); the TensorFlow "
        "SavedModel format is not supported."
    )


def save_weights(
    model: Any, filepath: Any, overwrite: bool = True, max_shard_size: Any = None, **kwargs: Any
) -> None:
    """Save the model's weights (and optimizer state) in Keras 3's ``.weights.h5`` layout.

    Args:
        model: the model.
        filepath: a path ending in ``.weights.h5``.
        overwrite: False asks before replacing an existing file, as Keras does.
        max_shard_size: not supported yet (sharded ``.weights.json`` files); must be None.
        **kwargs: none are accepted (Keras passes them to its sharded writer).

    Example:
        >>> import os, tempfile, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
        >>> model.save_weights(path)
        >>> model.load_weights(path)
    """
    path = os.fspath(filepath)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if max_shard_size is not None:
        raise NotImplementedError(
            f"save_weights(max_shard_size={max_shard_size!r}): sharded weights files "
            "(.weights.json) are not supported by tkeras yet; pass max_shard_size=None."
        )
    if not path.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    if os.path.exists(path) and not overwrite and not _proceed_with_overwrite(path):
        return
    with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
        weights_h5.write_weights(model, f)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
    """Load weights saved by Keras or tkeras into ``model``; all-or-nothing.

    Every stored array is checked against the model first; on any mismatch nothing is
    assigned and the error names the file, the layer and both shapes.

    Args:
        model: the model (built) to load into.
        filepath: a ``.weights.h5`` file, a ``.keras`` file, or a legacy ``.h5``/``.hdf5``
            file (whole-model or weights-only).
        skip_mismatch: skip (with a warning) the layers whose weights do not match instead of
            raising.
        **kwargs: ``by_name=True`` (legacy ``.h5`` only) matches layers by name instead of
            by order. ``objects_to_skip`` is not supported yet.

    Differences from Keras: a file without optimizer variables, or saved before its optimizer
    was built, leaves the optimizer as it is without a warning; a failed load assigns nothing.

    Example:
        >>> import os, tempfile, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
        >>> model.save_weights(path)
        >>> tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)]).load_weights(path)
    """
    path = os.fspath(filepath)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if objects_to_skip is not None:
        raise NotImplementedError(
            "load_weights(objects_to_skip=...) is not supported by tkeras yet; use "
            "skip_mismatch=True or load the weights into a model without those objects."
        )
    if by_name and (path.endswith(".weights.h5") or not path.endswith((".h5", ".hdf5"))):
        raise ValueError(
            f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {path}"
        )
    if not os.path.exists(path):
        raise FileNotFoundError(f"No weights file at {path!r}.")
    if path.endswith(".keras"):
        _, weights = keras_zip.read_archive(path)
        keras_zip.load_weights_bytes(model, weights, path, skip_mismatch=skip_mismatch)
    elif path.endswith(".weights.h5"):
        with h5py.File(path, "r") as f:
            plan = weights_h5.plan_load(model, f, path, skip_mismatch=skip_mismatch)
        plan.apply()
    elif path.endswith((".h5", ".hdf5")):
        legacy_h5.load_weights(model, path, skip_mismatch=skip_mismatch, by_name=bool(by_name))
    else:
        raise ValueError(
            f"File format not supported: filepath={path}. tkeras (like Keras 3) only supports "
            "V3 `.keras` and `.weights.h5` files, or legacy V1/V2 `.h5` files."
        )


def model_from_json(json_string: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """A model (fresh weights) from the JSON of ``model.to_json()`` (Keras's or tkeras's).

    Args:
        json_string: the JSON text.
        custom_objects: extra ``{name: class or function}``.

    Example:
        >>> import tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> tkeras.models.model_from_json(model.to_json()).output_shape
        (None, 2)
    """
    return ser.deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)
