"""Atomic file writes: a temp file in the target's folder, fsync, then ``os.replace``.

A reader (or a crash) sees either the previous file or the complete new one, never a partial
write: ``os.replace`` is atomic on POSIX and Windows when both paths are on one filesystem,
which a temp file in the same folder guarantees.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(filepath: str | os.PathLike, make_dirs: bool = False) -> Iterator[str]:
    """Yield a temp path next to ``filepath``; on success it replaces ``filepath`` atomically.

    The caller writes the whole file to the yielded path (and closes it). If the block raises,
    the temp file is removed and ``filepath`` is untouched.

    Args:
        filepath: the final path.
        make_dirs: create missing parent folders; otherwise a missing folder raises
            FileNotFoundError naming it and creates nothing (as Keras's ``.keras`` and
            ``.weights.h5`` saving and ``torch.save`` do).

    Example:
        >>> import os, tempfile
        >>> from tkeras.saving.atomic import atomic_path
        >>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
        >>> with atomic_path(target) as tmp:
        ...     _ = open(tmp, "w").write("done")
        >>> open(target).read()
        'done'
    """
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    if make_dirs:
        os.makedirs(folder, exist_ok=True)
    elif not os.path.isdir(folder):
        shown = os.path.dirname(filepath) or folder
        raise FileNotFoundError(
            errno.ENOENT,
            f"Cannot save to {filepath!r}: the folder {shown!r} does not exist. Create it "
            f"first (os.makedirs({shown!r}, exist_ok=True)); Keras raises here too",
            filepath,
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filepath)}.", suffix=".tmp", dir=folder)
    os.close(fd)
    # mkstemp makes the file private (0600); give it the mode a plain open() would.
    os.chmod(tmp, 0o666 & ~_UMASK)
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(folder)


def _fsync_file(path: str) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(folder: str) -> None:
    # Persist the rename itself; not possible (nor needed) on Windows.
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
