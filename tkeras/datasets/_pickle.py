"""Reading the pickled arrays inside Keras's dataset files without running arbitrary code."""

from __future__ import annotations

import io
import pickle
import zipfile
from typing import Any

import numpy as np

# The only globals numpy object arrays (IMDB, Reuters) and the CIFAR batches need.
_ALLOWED = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler that rebuilds numpy arrays and refuses every other global."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to deserialize `{module}.{name}` while loading a Keras dataset. "
            "The file may be corrupted or malicious."
        )


def _load_member(fp: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:  # an object array: skip the header, unpickle with restrictions
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(fp)
        else:
            np.lib.format.read_array_header_2_0(fp)
        return RestrictedUnpickler(fp).load()


def load_npz(path: str) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file, object arrays included, without unrestricted pickle."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[:-4]] = _load_member(io.BytesIO(raw.read()))
    return arrays


def load_cifar_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, list]:
    """``(data (n, 3, 32, 32) uint8, labels)`` from one pickled CIFAR batch file."""
    with open(fpath, "rb") as f:
        d = RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]
