"""The ``.keras`` format: Keras 3's zip of ``metadata.json``, ``config.json`` and
``model.weights.h5`` (or the same three files in a folder, for ``zipped=False``).

``config.json`` is ``serialize_keras_object(model)`` (Keras's class names, modules and
registered names, with the build and compile configs); ``model.weights.h5`` is the
``.weights.h5`` layout of ``weights_h5``, optimizer variables included; ``assets/`` holds the
files of layers with Keras's ``save_assets`` hook (adapted vocabularies, see ``assets``).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
import zlib
from typing import Any

import h5py

from tkeras.saving import assets, weights_h5
from tkeras.saving.atomic import atomic_path

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
# The Keras release whose file layout tkeras writes.
KERAS_FORMAT_VERSION = "3.15.0"
# A member inflating beyond this size at more than _MAX_RATIO times its stored size is refused.
_BOMB_FLOOR = 1 << 32
_MAX_RATIO = 1000


def model_json(model: Any) -> tuple[str, str]:
    """``(config.json, metadata.json)`` contents for ``model``."""
    import tkeras
    from tkeras.saving.serialization import serialize_keras_object

    config = json.dumps(serialize_keras_object(model))
    metadata = json.dumps(
        {
            "keras_version": KERAS_FORMAT_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
            "tkeras_version": tkeras.__version__,
        }
    )
    return config, metadata


def weights_bytes(model: Any) -> bytes:
    """The ``model.weights.h5`` file of ``model``, in memory."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        weights_h5.write_weights(model, f)
    return buffer.getvalue()


def save_zip(model: Any, filepath: str) -> None:
    """Write ``model`` to a ``.keras`` zip at ``filepath`` atomically."""
    config, metadata = model_json(model)
    weights = weights_bytes(model)
    with atomic_path(filepath) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr(METADATA_FILENAME, metadata)
        zf.writestr(CONFIG_FILENAME, config)
        zf.writestr(WEIGHTS_FILENAME, weights)
        assets.zip_assets(model, zf)


def save_dir(model: Any, dirpath: str) -> None:
    """Write the three files of the ``.keras`` format into the folder ``dirpath``."""
    config, metadata = model_json(model)
    weights = weights_bytes(model)
    os.makedirs(dirpath, exist_ok=True)
    for name, data in (
        (METADATA_FILENAME, metadata.encode()),
        (CONFIG_FILENAME, config.encode()),
        (WEIGHTS_FILENAME, weights),
    ):
        with atomic_path(os.path.join(dirpath, name)) as tmp, open(tmp, "wb") as f:
            f.write(data)
    assets.write_assets(model, os.path.join(dirpath, assets.ASSETS_DIRNAME))


def _corrupt(filepath: str, detail: str) -> ValueError:
    return ValueError(
        f"Cannot read the .keras file {filepath!r}: {detail}. The file is truncated or corrupt "
        "(an interrupted copy or download?); save or fetch it again."
    )


def read_archive(filepath: str) -> tuple[dict[str, Any], bytes]:
    """``(config dict, model.weights.h5 bytes)`` of a ``.keras`` zip or folder."""
    if os.path.isdir(filepath):
        names = set(os.listdir(filepath))
        _check_members(filepath, names)
        with open(os.path.join(filepath, CONFIG_FILENAME), "rb") as f:
            config = f.read()
        with open(os.path.join(filepath, WEIGHTS_FILENAME), "rb") as f:
            weights = f.read()
    else:
        try:
            with zipfile.ZipFile(filepath) as zf:
                _check_members(filepath, set(zf.namelist()))
                config = _read_member(zf, CONFIG_FILENAME, filepath)
                weights = _read_member(zf, WEIGHTS_FILENAME, filepath)
        except zipfile.BadZipFile as error:
            raise _corrupt(filepath, f"it is not a valid zip archive ({error})") from None
        except (zlib.error, EOFError, OSError) as error:
            raise _corrupt(filepath, f"{type(error).__name__}: {error}") from None
    try:
        return json.loads(config), weights
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise _corrupt(filepath, f"{CONFIG_FILENAME} is not valid JSON ({error})") from None


def _check_members(filepath: str, names: set[str]) -> None:
    if CONFIG_FILENAME not in names:
        raise _corrupt(filepath, f"it has no {CONFIG_FILENAME} (found {sorted(names)})")
    if WEIGHTS_FILENAME not in names:
        if "model.weights.npz" in names:
            raise NotImplementedError(
                f"{filepath}: the weights are stored as model.weights.npz "
                "(weights_format='npz'); tkeras reads the default h5 weights only."
            )
        raise _corrupt(filepath, f"it has no {WEIGHTS_FILENAME} (found {sorted(names)})")


def _read_member(zf: zipfile.ZipFile, name: str, filepath: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > _BOMB_FLOOR and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
        raise ValueError(
            f"{filepath}: refusing to read {name}, which inflates to {info.file_size} bytes from "
            f"{info.compress_size} (a zip bomb?)."
        )
    return zf.read(name)


def load_zip(
    filepath: str, custom_objects: Any = None, compile: bool = True, safe_mode: bool = True
) -> Any:
    """The model of a ``.keras`` zip or folder, with its weights and (if compiled) optimizer."""
    from tkeras.saving.api import model_from_config

    config, weights = read_archive(filepath)
    model = model_from_config(
        config, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )
    load_weights_bytes(model, weights, filepath)
    assets.load_assets(model, filepath)
    return model


def load_weights_bytes(
    model: Any, weights: bytes, filepath: str, skip_mismatch: bool = False
) -> None:
    try:
        f = h5py.File(io.BytesIO(weights), "r")
    except OSError as error:
        raise _corrupt(filepath, f"{WEIGHTS_FILENAME} is not a valid h5 file ({error})") from None
    with f:
        plan = weights_h5.plan_load(model, f, filepath, skip_mismatch=skip_mismatch)
    plan.apply()
