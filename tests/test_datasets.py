"""The Keras dataset loaders on fixture files in Keras's real formats, served by a real local
HTTP server (a mirror named by $TKERAS_DATASETS_ORIGIN) into KERAS_HOME=tmp_path. Where Keras's
own loader can run on the same file (its get_file pointed at the cached file), outputs must be
equal, dtypes included."""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

from tests._http import closed_port_url, serve
from tkeras import datasets

RNG = np.random.default_rng(0)


def _npz(path, **arrays):
    np.savez(path, **arrays)


def _ragged(n, rng):
    out = np.empty(n, dtype="object")
    out[:] = [[int(v) for v in rng.integers(1, 30, size=int(rng.integers(2, 9)))] for _ in range(n)]
    return out


def _tar_gz(path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _cifar_batch(n, label_keys, rng):
    d = {b"data": rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)}
    for key, top in label_keys.items():
        d[key.encode()] = [int(v) for v in rng.integers(0, top, size=n)]
    return pickle.dumps(d, protocol=4)


def _idx(data: np.ndarray, header: int) -> bytes:
    return gzip.compress(b"\0" * header + data.astype(np.uint8).tobytes())


def _build_site(root):
    rng = np.random.default_rng(1)
    _npz(
        root / "mnist.npz",
        x_train=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 6, dtype=np.uint8),
        x_test=rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 3, dtype=np.uint8),
    )
    (root / "train-labels-idx1-ubyte.gz").write_bytes(_idx(np.arange(4) % 10, 8))
    (root / "train-images-idx3-ubyte.gz").write_bytes(_idx(np.arange(4 * 784) % 256, 16))
    (root / "t10k-labels-idx1-ubyte.gz").write_bytes(_idx(np.arange(2) + 5, 8))
    (root / "t10k-images-idx3-ubyte.gz").write_bytes(_idx(np.arange(2 * 784) % 7, 16))
    members = {
        f"cifar-10-batches-py/data_batch_{i}": _cifar_batch(2, {"labels": 10}, rng)
        for i in range(1, 6)
    }
    members["cifar-10-batches-py/test_batch"] = _cifar_batch(3, {"labels": 10}, rng)
    _tar_gz(root / "cifar-10-python.tar.gz", members)
    keys = {"fine_labels": 100, "coarse_labels": 20}
    _tar_gz(
        root / "cifar-100-python.tar.gz",
        {
            "cifar-100-python/train": _cifar_batch(4, keys, rng),
            "cifar-100-python/test": _cifar_batch(2, keys, rng),
        },
    )
    _npz(
        root / "imdb.npz",
        x_train=_ragged(12, rng),
        y_train=rng.integers(0, 2, 12),
        x_test=_ragged(8, rng),
        y_test=rng.integers(0, 2, 8),
    )
    _npz(root / "reuters.npz", x=_ragged(15, rng), y=rng.integers(0, 46, 15))
    _npz(root / "boston_housing.npz", x=rng.normal(size=(20, 13)), y=rng.normal(size=20))
    _npz(
        root / "california_housing.npz",
        x=rng.normal(size=(700, 8)).astype("float32"),
        y=rng.normal(size=700).astype("float32"),
    )
    (root / "imdb_word_index.json").write_text(json.dumps({"the": 1, "film": 2}))
    (root / "reuters_word_index.json").write_text(json.dumps({"said": 1}))
    sums = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in root.iterdir()]
    (root / "SHA256SUMS").write_text("\n".join(sums) + "\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    _build_site(root)
    with serve(root) as (url, requests):
        yield root, url, requests


@pytest.fixture
def mirror(site, tmp_path, monkeypatch):
    root, url, requests = site
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("TKERAS_DATASETS_ORIGIN", url)
    return root, tmp_path / "datasets"


def _keras_load(monkeypatch, module: str, files: str, *args, **kwargs):
    """Keras's own loader on the files tkeras cached (its get_file returns the cached path)."""
    keras_module = importlib.import_module(f"keras.src.datasets.{module}")

    def cached(fname=None, origin=None, cache_subdir="datasets", **_):
        sub = "" if cache_subdir == "datasets" else os.path.basename(cache_subdir)
        return os.path.join(files, sub, fname)

    monkeypatch.setattr(keras_module, "get_file", cached)
    return keras_module.load_data(*args, **kwargs)


def _assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        if isinstance(a, tuple):
            _assert_same(a, b)
            continue
        assert a.dtype == b.dtype and a.shape == b.shape
        if a.dtype == object:
            assert [list(r) for r in a] == [list(r) for r in b]
        else:
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "module, args, kwargs",
    [
        ("mnist", (), {}),
        ("fashion_mnist", (), {}),
        ("cifar100", (), {}),
        ("cifar100", ("coarse",), {}),
        ("boston_housing", (), {}),
        ("boston_housing", (), {"test_split": 0.3, "seed": 7}),
        ("california_housing", (), {}),
        ("california_housing", ("small",), {"test_split": 0.5, "seed": 1}),
        ("imdb", (), {}),
        ("imdb", (), {"num_words": 12, "skip_top": 2, "maxlen": 8, "seed": 5}),
        ("imdb", (), {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 20}),
        ("reuters", (), {}),
        ("reuters", (), {"num_words": 15, "maxlen": 7, "test_split": 0.4, "start_char": None}),
        ("reuters", (), {"oov_char": None, "skip_top": 5, "index_from": 1}),
    ],
)
def test_loader_matches_keras_on_the_same_file(mirror, monkeypatch, module, args, kwargs):
    _, cache = mirror
    ours = getattr(datasets, module).load_data(*args, **kwargs)
    files = str(cache)
    if module == "cifar100":  # Keras joins cifar-100-python onto get_file's folder
        monkeypatch.setattr(
            importlib.import_module("keras.src.datasets.cifar100"),
            "get_file",
            lambda **kw: os.path.join(files, "cifar-100-python-target"),
        )
        theirs = importlib.import_module("keras.src.datasets.cifar100").load_data(*args)
    else:
        theirs = _keras_load(monkeypatch, module, files, *args, **kwargs)
    _assert_same(ours, theirs)


def test_cifar10_shapes_dtypes_and_order(mirror):
    root, cache = mirror
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (3, 32, 32, 3) and y_test.dtype == np.uint8
    folder = cache / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    with open(folder / "data_batch_2", "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    first = batch[b"data"][0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[2], first)  # batch 2 follows batch 1's two rows
    assert y_train[2, 0] == batch[b"labels"][0]
    assert (cache / "cifar-10-batches-py-target_archive").exists()  # Keras's cache layout


def test_fashion_mnist_idx_decoding(mirror):
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert x_train.shape == (4, 28, 28) and x_train.dtype == np.uint8
    np.testing.assert_array_equal(y_train, [0, 1, 2, 3])
    np.testing.assert_array_equal(x_train.reshape(-1), np.arange(4 * 784) % 256)
    np.testing.assert_array_equal(y_test, [5, 6])


def test_word_indexes_and_label_names(mirror):
    assert datasets.imdb.get_word_index() == {"the": 1, "film": 2}
    assert datasets.reuters.get_word_index() == {"said": 1}
    names = datasets.reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn" and names[-1] == "lead"


def test_cached_files_are_read_without_a_server(tmp_path, site, monkeypatch):
    """A machine that ran Keras: files already in $KERAS_HOME/datasets load offline."""
    root, _, _ = site
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("TKERAS_DATASETS_ORIGIN", raising=False)
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in datasets.fashion_mnist.FILES:
        (folder / name).write_bytes((root / name).read_bytes())
    (_, y_train), _ = datasets.fashion_mnist.load_data()
    np.testing.assert_array_equal(y_train, [0, 1, 2, 3])


def test_offline_error_names_the_file_and_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("TKERAS_DATASETS_ORIGIN", closed_port_url())
    target = os.path.join(str(tmp_path), "datasets", "mnist.npz")
    with pytest.raises(ConnectionError, match=r"mnist\.npz: .*place it at " + target):
        datasets.mnist.load_data()


def test_keras_hash_applies_without_sha256sums(tmp_path, monkeypatch):
    site = tmp_path / "plain"
    site.mkdir()
    _npz(site / "mnist.npz", x_train=np.zeros((1, 28, 28), np.uint8))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    with serve(site) as (url, _):
        monkeypatch.setenv("TKERAS_DATASETS_ORIGIN", url)
        with pytest.raises(ValueError, match=r"corrupted file detected: mnist\.npz .*731c5ac6"):
            datasets.mnist.load_data()
    assert os.listdir(tmp_path / "home" / "datasets") == []


def test_malicious_pickle_is_refused(tmp_path, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("true",))

    site = tmp_path / "evil"
    site.mkdir()
    x = np.empty(1, dtype="object")
    x[0] = Evil()
    _npz(site / "reuters.npz", x=x, y=np.zeros(1))
    sha = hashlib.sha256((site / "reuters.npz").read_bytes()).hexdigest()
    (site / "SHA256SUMS").write_text(f"{sha}  reuters.npz\n")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    with serve(site) as (url, _):
        monkeypatch.setenv("TKERAS_DATASETS_ORIGIN", url)
        with pytest.raises(pickle.UnpicklingError, match=r"Refusing to deserialize `posix"):
            datasets.reuters.load_data()


def test_argument_errors(mirror):
    with pytest.raises(ValueError, match=r"`label_mode` must be one of .*label_mode=medium"):
        datasets.cifar100.load_data("medium")
    with pytest.raises(ValueError, match=r"test_split must be between 0 and 1.*test_split=1"):
        datasets.boston_housing.load_data(test_split=1)
    with pytest.raises(ValueError, match=r"version=tiny"):
        datasets.california_housing.load_data("tiny")
    with pytest.raises(ValueError, match=r"no sequence was kept. Increase maxlen"):
        datasets.imdb.load_data(maxlen=1)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments: \['nb_words'\]"):
        datasets.imdb.load_data(nb_words=10)
