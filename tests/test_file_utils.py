"""get_file against a real local HTTP server: cache layout (Keras's), hashes, extraction, bad
archives and offline errors. No network, no mocks of the download path."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from tests._http import closed_port_url, serve
from tkeras.utils import get_file
from tkeras.utils.file_utils import extract_archive, hash_file, validate_file

PAYLOAD = b"tkeras get_file payload\n" * 100


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "data.bin").write_bytes(PAYLOAD)
    with serve(root) as (url, requests):
        yield root, url, requests


def _leftovers(folder):
    return sorted(p for p in os.listdir(folder) if p.startswith("."))


def test_downloads_into_cache_dir_and_reuses_it(site, tmp_path):
    _, url, requests = site
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    path = get_file("data.bin", f"{url}/data.bin", file_hash=sha, cache_dir=tmp_path / "c")
    assert path == str(tmp_path / "c" / "datasets" / "data.bin")
    assert open(path, "rb").read() == PAYLOAD
    again = get_file("data.bin", f"{url}/data.bin", file_hash=sha, cache_dir=tmp_path / "c")
    assert again == path and requests == ["/data.bin"]
    get_file("data.bin", f"{url}/data.bin", cache_dir=tmp_path / "c", force_download=True)
    assert requests == ["/data.bin", "/data.bin"]


def test_default_cache_is_keras_home_and_name_from_url(site, tmp_path, monkeypatch):
    _, url, _ = site
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    path = get_file(origin=f"{url}/data.bin", cache_subdir="models")
    assert path == str(tmp_path / "kh" / "models" / "data.bin")


def test_md5_and_md5_hash_argument(site, tmp_path):
    _, url, _ = site
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    path = get_file("a.bin", f"{url}/data.bin", md5_hash=md5, cache_dir=tmp_path)
    assert validate_file(path, md5) and hash_file(path, "md5") == md5
    path = get_file("b.bin", f"{url}/data.bin", file_hash=md5, cache_dir=tmp_path)
    assert os.path.exists(path)


def test_wrong_hash_raises_and_leaves_nothing(site, tmp_path):
    _, url, _ = site
    with pytest.raises(ValueError, match=r"Incomplete or corrupted file detected: data.bin"):
        get_file("data.bin", f"{url}/data.bin", file_hash="0" * 64, cache_dir=tmp_path)
    assert os.listdir(tmp_path / "datasets") == []


def test_stale_cached_file_is_downloaded_again(site, tmp_path, capsys):
    _, url, requests = site
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "data.bin").write_bytes(b"old")
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    path = get_file("data.bin", f"{url}/data.bin", file_hash=sha, cache_dir=tmp_path)
    assert open(path, "rb").read() == PAYLOAD and requests == ["/data.bin"]
    assert "so we will re-download the data" in capsys.readouterr().out


def test_missing_file_and_offline_errors_name_where_to_put_it(site, tmp_path):
    _, url, _ = site
    target = str(tmp_path / "datasets" / "nope.bin")
    with pytest.raises(ConnectionError, match=r"404 .*place it at " + target):
        get_file("nope.bin", f"{url}/nope.bin", cache_dir=tmp_path)
    with pytest.raises(ConnectionError, match=r"offline, download the file elsewhere"):
        get_file("nope.bin", f"{closed_port_url()}/nope.bin", cache_dir=tmp_path)
    assert os.listdir(tmp_path / "datasets") == []


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match=r'specify the "origin"'):
        get_file("x")
    with pytest.raises(ValueError, match=r"Can't parse the file name"):
        get_file(origin="http://127.0.0.1/", cache_dir=tmp_path)
    with pytest.raises(ValueError, match=r"Paths are no longer accepted"):
        get_file("a/b", origin="http://127.0.0.1/x", cache_dir=tmp_path)


def _tar_bytes(members: dict[str, bytes], mode="w:gz") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_extract_tar_and_zip_with_keras_layout(site, tmp_path):
    root, url, _ = site
    (root / "a.tar.gz").write_bytes(_tar_bytes({"top/x.txt": b"x"}))
    (root / "b.zip").write_bytes(_zip_bytes({"top/y.txt": b"y"}))
    out = get_file("atar", f"{url}/a.tar.gz", extract=True, cache_dir=tmp_path)
    assert out == str(tmp_path / "datasets" / "atar")
    assert (tmp_path / "datasets" / "atar_archive").exists()
    assert open(os.path.join(out, "top", "x.txt")).read() == "x"
    out = get_file("b.zip", f"{url}/b.zip", extract=True, cache_dir=tmp_path)
    assert out == str(tmp_path / "datasets" / "b_extracted")
    assert open(os.path.join(out, "top", "y.txt")).read() == "y"
    out = get_file(origin=f"{url}/a.tar.gz", extract=True, cache_dir=tmp_path)
    assert out == str(tmp_path / "datasets" / "a.tar.gz")
    assert _leftovers(tmp_path / "datasets") == []


def test_same_cache_paths_as_keras(site, tmp_path):
    import keras

    root, url, _ = site
    (root / "a.tar.gz").write_bytes(_tar_bytes({"x.txt": b"x"}))
    for i, kwargs in enumerate(
        [
            {"fname": "data.bin", "origin": f"{url}/data.bin"},
            {"fname": "atar", "origin": f"{url}/a.tar.gz", "extract": True},
            {"fname": "a.tar.gz", "origin": f"{url}/a.tar.gz", "extract": True},
            {"origin": f"{url}/a.tar.gz", "extract": True},
        ]
    ):
        k, t = tmp_path / f"k{i}", tmp_path / f"t{i}"
        k.mkdir()  # Keras falls back to /tmp/.keras for a missing cache_dir
        theirs = keras.utils.get_file(cache_dir=str(k), **kwargs)
        ours = get_file(cache_dir=str(t), **kwargs)
        assert os.path.relpath(ours, t) == os.path.relpath(theirs, k)


@pytest.mark.parametrize(
    "archive",
    [
        _tar_bytes({"../evil.txt": b"e"}),
        _tar_bytes({"/abs/evil.txt": b"e"}),
        _zip_bytes({"../evil.txt": b"e"}),
    ],
    ids=["tar-dotdot", "tar-absolute", "zip-dotdot"],
)
def test_path_traversal_is_refused(tmp_path, archive):
    src = tmp_path / "arch"
    src.write_bytes(archive)
    target = tmp_path / "out" / "target"
    with pytest.raises(ValueError, match=r"would be written outside the target directory"):
        extract_archive(str(src), str(target))
    assert not target.exists() and not (tmp_path / "out" / "evil.txt").exists()
    assert _leftovers(tmp_path / "out") == []


def test_symlink_pointing_out_is_refused(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("link")
        info.type, info.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        tar.addfile(info)
    (tmp_path / "a.tar").write_bytes(buf.getvalue())
    with pytest.raises(ValueError, match=r"entry 'link' would be written outside"):
        extract_archive(str(tmp_path / "a.tar"), str(tmp_path / "out"))


def test_truncated_archive_raises_and_leaves_no_folder(site, tmp_path):
    root, url, _ = site
    (root / "t.tar.gz").write_bytes(_tar_bytes({"x.txt": os.urandom(5000)})[:-300])
    with pytest.raises(ValueError, match=r"Could not extract .*t_archive: corrupt or truncated"):
        get_file("t", f"{url}/t.tar.gz", extract=True, cache_dir=tmp_path)
    assert not (tmp_path / "datasets" / "t").exists()
    assert _leftovers(tmp_path / "datasets") == []
    (root / "n.bin").write_bytes(b"not an archive")
    with pytest.raises(ValueError, match=r"it is not a 'auto' archive"):
        get_file("n", f"{url}/n.bin", extract=True, cache_dir=tmp_path)


def test_progress_bar_is_printed(site, tmp_path, capsys):
    _, url, _ = site
    get_file("data.bin", f"{url}/data.bin", cache_dir=tmp_path)
    out = capsys.readouterr().out
    assert f"Downloading data from {url}/data.bin" in out
    assert f"{len(PAYLOAD)}/{len(PAYLOAD)}" in out


def test_untar_archive_format_and_hash_algorithm(site, tmp_path):
    root, url, _ = site
    archive = _tar_bytes({"x.txt": b"x"}, mode="w")
    (root / "plain.tar").write_bytes(archive)
    out = get_file("plain", f"{url}/plain.tar", untar=True, cache_dir=tmp_path)
    assert open(os.path.join(out, "x.txt")).read() == "x"
    sha = hashlib.sha256(archive).hexdigest()
    with pytest.raises(ValueError, match=r"it is not a 'zip' archive"):
        get_file("z", f"{url}/plain.tar", extract=True, archive_format="zip", cache_dir=tmp_path)
    path = get_file("h.tar", f"{url}/plain.tar", file_hash=sha, hash_algorithm="sha256",
                    cache_dir=tmp_path)  # fmt: skip
    assert hash_file(path) == sha
    with pytest.raises(ValueError, match=r"`hash_algorithm` must be one of .*Received: 'sha512'"):
        get_file("i.tar", f"{url}/plain.tar", file_hash=sha, hash_algorithm="sha512",
                 cache_dir=tmp_path)  # fmt: skip
    with pytest.raises(NotImplementedError, match=r"archive_format='rar'"):
        extract_archive(path, str(tmp_path / "r"), archive_format="rar")
    assert extract_archive(path, str(tmp_path / "n"), archive_format=None) is False
