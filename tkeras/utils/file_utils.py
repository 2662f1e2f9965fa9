"""``get_file``: download a file into Keras's cache (``$KERAS_HOME`` or ``~/.keras``), check its
hash, extract tar/zip archives safely. The cache layout is Keras's, so files Keras downloaded
are found here and the other way round."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Any

from tkeras.utils.progbar import Progbar, print_msg

_CHUNK = 1 << 16


def keras_home() -> str:
    """Keras's cache root: ``$KERAS_HOME`` if set, else ``~/.keras`` (read at call time)."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def resolve_hasher(algorithm: str, file_hash: str | None = None) -> Any:
    """The hashlib object for ``algorithm`` (``"auto"``: sha256 for a 64-character hash)."""
    if algorithm == "sha256" or (
        algorithm == "auto" and file_hash is not None and len(file_hash) == 64
    ):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(
        f'`hash_algorithm` must be one of "auto", "sha256", "md5". Received: {algorithm!r}'
    )


def hash_file(fpath: str, algorithm: Any = "sha256", chunk_size: int = 65535) -> str:
    """The sha256 (or md5) hex digest of the file at ``fpath``."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(
    fpath: str, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535
) -> bool:
    """Whether the file at ``fpath`` has the sha256 or md5 hash ``file_hash``."""
    return hash_file(fpath, resolve_hasher(algorithm, file_hash), chunk_size) == str(file_hash)


def _inside(root: str, target: str) -> bool:
    root = os.path.realpath(root)
    return os.path.commonpath([root, os.path.realpath(target)]) == root


def _extract_tar(archive: tarfile.TarFile, file_path: str, path: str) -> None:
    for member in archive.getmembers():
        escapes = not _inside(path, os.path.join(path, member.name))
        if member.issym() or member.islnk():
            link_base = path if member.islnk() else os.path.dirname(os.path.join(path, member.name))
            escapes = escapes or not _inside(path, os.path.join(link_base, member.linkname))
        if escapes or member.isdev():
            raise ValueError(
                f"Refusing to extract {file_path}: the archive entry {member.name!r} would be "
                f"written outside the target directory {path}."
            )
    # The "data" filter (Python >= 3.11.4) also drops setuid bits and absolute names.
    if hasattr(tarfile, "data_filter"):
        archive.extractall(path, filter="data")
    else:  # pragma: no cover - older Pythons; the members were checked above
        archive.extractall(path)


def _extract_zip(archive: zipfile.ZipFile, file_path: str, path: str) -> None:
    for name in archive.namelist():
        if os.path.isabs(name) or not _inside(path, os.path.join(path, name)):
            raise ValueError(
                f"Refusing to extract {file_path}: the archive entry {name!r} would be "
                f"written outside the target directory {path}."
            )
    archive.extractall(path)


def extract_archive(file_path: str, path: str = ".", archive_format: Any = "auto") -> bool:
    """Extract a tar (.tar, .tar.gz, .tar.bz2) or zip archive into ``path``.

    The archive is extracted into a temporary folder beside ``path`` and moved into place only
    when complete, so a corrupt archive leaves nothing behind. Entries that would land outside
    ``path`` (``../x``, absolute names, links pointing out) raise ValueError.

    Returns:
        True if the archive matched a format and was extracted, False otherwise.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise NotImplementedError(f"archive_format={kind!r}: only 'tar' and 'zip' exist.")
        is_match = tarfile.is_tarfile if kind == "tar" else zipfile.is_zipfile
        if not is_match(file_path):
            continue
        parent = os.path.dirname(os.path.abspath(path)) or "."
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".extracting-", dir=parent)
        try:
            if kind == "tar":
                with tarfile.open(file_path) as archive:
                    _extract_tar(archive, file_path, staging)
            else:
                with zipfile.ZipFile(file_path) as archive:
                    _extract_zip(archive, file_path, staging)
            if os.path.isdir(path):
                shutil.rmtree(path)
            os.replace(staging, path)
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as e:
            raise ValueError(f"Could not extract {file_path}: corrupt or truncated ({e}).") from e
        finally:
            if os.path.isdir(staging):
                shutil.rmtree(staging)
        return True
    return False


def _download(origin: str, target: str, file_hash: str | None, algorithm: str) -> None:
    """Stream ``origin`` into a temporary file beside ``target``; rename it only once complete
    and hash-checked, so an interrupted or corrupt download never sits in the cache."""
    print_msg(f"Downloading data from {origin}")
    fd, partial = tempfile.mkstemp(prefix=".downloading-", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(origin)
            except urllib.error.HTTPError as e:
                raise ConnectionError(
                    f"URL fetch failure on {origin}: {e.code} -- {e.msg}. "
                    f"To use the file offline, download it and place it at {target}"
                ) from e
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                raise ConnectionError(
                    f"URL fetch failure on {origin}: {reason}. If this machine is offline, "
                    f"download the file elsewhere and place it at {target}"
                ) from e
            with response:
                total = response.headers.get("Content-Length")
                bar = Progbar(int(total) if total else None)
                done = 0
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    done += len(chunk)
                    bar.update(done)
                if total and done != int(total):
                    raise ConnectionError(
                        f"URL fetch failure on {origin}: received {done} of {total} bytes."
                    )
        if file_hash is not None and not validate_file(partial, file_hash, algorithm):
            raise ValueError(
                f"Incomplete or corrupted file detected: {os.path.basename(target)} from "
                f"{origin}. The {algorithm} file hash does not match the provided value of "
                f"{file_hash}."
            )
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Download a file from a URL into the Keras cache unless it is there; return its path.

    Args:
        fname: the file's name in the cache (default: the last part of ``origin``). With
            ``extract``, a name without an extension names the extraction folder.
        origin: the URL.
        untar: deprecated: ``extract=True, archive_format="tar"``.
        md5_hash: deprecated: ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected sha256 or md5 hex digest; checked on the cached file (a
            mismatch re-downloads) and on every download (a mismatch raises ValueError).
        cache_subdir: folder under the cache dir (an absolute path is used as is).
        hash_algorithm: ``"auto"`` (by the hash's length), ``"sha256"`` or ``"md5"``.
        extract: extract a tar or zip archive; returns the extraction folder.
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"`` or None.
        cache_dir: the cache root; default ``$KERAS_HOME`` or ``~/.keras`` (``/tmp/.keras``
            if that is not writable), as in Keras.
        force_download: download even when a valid cached copy exists.

    Downloads stream to a temporary file and are renamed into place only once complete and
    hash-checked; archives extract into a temporary folder. Archive entries that would be
    written outside the target folder raise ValueError. Offline, the error names the URL and
    the path where the file can be placed by hand.

    Differences from Keras: an archive already extracted is not extracted again unless it was
    downloaded again (Keras extracts on every call); network errors raise ConnectionError
    (Keras: a bare Exception with the same text); a file that is not an archive of
    ``archive_format`` raises ValueError (Keras warns and returns the folder path).

    Example:
        >>> path = get_file(origin="https://example.com/data.csv")  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(os.fspath(cache_dir))
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass  # not creatable: falls back to /tmp below, as Keras does for unwritable dirs
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    provided = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Can't parse the file name from the origin provided: '{origin}'. "
                "Please specify the `fname` argument."
            )
    elif os.sep in fname:
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. To specify the file's "
            f"parent directory, use the `cache_dir` argument. Received: fname={fname}"
        )

    # Keras's cache layout, so each side finds the other's files.
    extraction_dir = None
    if extract or untar:
        if provided and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None:
        if not validate_file(download_target, file_hash, hash_algorithm):
            print_msg(
                "A local file was found, but it seems to be incomplete or outdated because the "
                f"{hash_algorithm} file hash does not match the original value of {file_hash} "
                "so we will re-download the data."
            )
            download = True
    if download:
        _download(origin, download_target, file_hash, hash_algorithm)

    if extraction_dir is None:
        return download_target
    if download or not os.path.isdir(extraction_dir):
        fmt = "tar" if untar else archive_format
        if not extract_archive(download_target, extraction_dir, fmt):
            raise ValueError(
                f"Could not extract {download_target}: it is not a {fmt!r} archive "
                "(archive_format)."
            )
    return extraction_dir
