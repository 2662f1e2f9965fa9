"""Where the dataset loaders fetch from: Keras's URLs and hashes, or a mirror.

A mirror is named by the environment variable ``TKERAS_DATASETS_ORIGIN`` (read on every call):
each file is fetched as ``<mirror>/<file name>``. A mirror may publish a ``SHA256SUMS`` file
(``sha256sum`` output: ``<hash>  <name>`` per line); a file it lists is checked against that
hash (a mirror of re-packed or subset data), any other file against Keras's hash.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

from tkeras.utils.file_utils import get_file

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MIRROR_ENV = "TKERAS_DATASETS_ORIGIN"


def _mirror_hashes(mirror: str) -> dict[str, str]:
    try:
        with urllib.request.urlopen(f"{mirror}/SHA256SUMS") as response:
            text = response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return {}  # no SHA256SUMS (or offline): Keras's hashes apply
    hashes = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            hashes[parts[1].lstrip("*")] = parts[0]
    return hashes


def fetch(fname: str, origin: str, file_hash: str | None = None, **kwargs) -> str:
    """``get_file`` on Keras's ``origin``, or on the mirror in ``$TKERAS_DATASETS_ORIGIN``."""
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        mirror = mirror.rstrip("/")
        name = origin.rsplit("/", 1)[-1]
        origin = f"{mirror}/{name}"
        file_hash = _mirror_hashes(mirror).get(name, file_hash)
    return get_file(fname=fname, origin=origin, file_hash=file_hash, **kwargs)
