"""The ``assets/`` folder of a ``.keras`` file: files layers write with Keras's
``save_assets(dir_path)`` hook and read back with ``load_assets(dir_path)``.

As in Keras's ``saving_lib``, each layer that has the hook gets the folder
``assets/<its weights path>`` (``assets/layers/string_lookup``,
``assets/layers/text_vectorization/_lookup_layer``: the same walk as ``model.weights.h5``);
the lookup and text layers write ``vocabulary.txt`` there. Folders left empty are not stored.
Loading runs after the weights are assigned (a ``tf_idf`` vocabulary needs its idf weights).
"""

from __future__ import annotations

import os
import posixpath
import tempfile
import zipfile
from typing import Any

from tkeras.saving import weights_h5

ASSETS_DIRNAME = "assets"


def _hook_owners(model: Any, hook: str) -> list[tuple[str, Any]]:
    return [
        (entry.path, entry.owner)
        for entry in weights_h5.walk(model)
        if entry.kind == "layer" and hasattr(entry.owner, hook)
    ]


def write_assets(model: Any, root: str) -> None:
    """Call every layer's ``save_assets`` on ``root/<layer path>`` (folders are created)."""
    for path, owner in _hook_owners(model, "save_assets"):
        folder = os.path.join(root, *path.split("/")) if path else root
        os.makedirs(folder, exist_ok=True)
        owner.save_assets(folder)


def zip_assets(model: Any, zf: zipfile.ZipFile) -> None:
    """Write the model's assets into an open zip under ``assets/``."""
    if not _hook_owners(model, "save_assets"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        write_assets(model, tmp)
        for folder, _, files in sorted(os.walk(tmp)):
            for name in sorted(files):
                full = os.path.join(folder, name)
                relative = os.path.relpath(full, tmp).replace(os.sep, "/")
                zf.write(full, f"{ASSETS_DIRNAME}/{relative}")


def _safe_member(name: str) -> str | None:
    """The path under ``assets/`` of a zip member, or None; entries escaping it raise."""
    if not name.startswith(ASSETS_DIRNAME + "/") or name.endswith("/"):
        return None
    relative = name[len(ASSETS_DIRNAME) + 1 :]
    normal = posixpath.normpath(relative)
    if relative.startswith("/") or normal == ".." or normal.startswith("../") or "\\" in name:
        raise ValueError(f"Invalid asset path: {name!r} escapes the asset directory.")
    return normal


def load_assets(model: Any, filepath: str) -> None:
    """Call every layer's ``load_assets`` with its folder of the file's ``assets/`` (None
    where the file has none)."""
    owners = _hook_owners(model, "load_assets")
    if not owners:
        return
    if os.path.isdir(filepath):
        _call_loaders(owners, os.path.join(filepath, ASSETS_DIRNAME))
        return
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(filepath) as zf:
        for name in zf.namelist():
            relative = _safe_member(name)
            if relative is None:
                continue
            target = os.path.join(tmp, *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with zf.open(name) as source, open(target, "wb") as out:
                out.write(source.read())
        _call_loaders(owners, tmp)


def _call_loaders(owners: list[tuple[str, Any]], root: str) -> None:
    for path, owner in owners:
        folder = os.path.join(root, *path.split("/")) if path else root
        try:
            owner.load_assets(folder if os.path.isdir(folder) else None)
        except (ValueError, OSError) as error:
            raise ValueError(f"{error} Looked in {ASSETS_DIRNAME}/{path}/.") from error
