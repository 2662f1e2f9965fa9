"""image/text_dataset_from_directory and timeseries_dataset_from_array: files, order, split and
labels equal Keras's (its index_directory and its TF-free image loader are the oracle), the
returned BatchLoader feeds fit, and errors name the argument or file."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from keras.src.utils import dataset_utils as keras_dataset_utils
from keras.src.utils import image_dataset_utils as keras_image_utils

import tkeras
from tkeras import utils


def _save(path, h, w, mode="RGB", seed=0):
    from PIL import Image

    rng = np.random.default_rng(seed)
    channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
    array = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
    Image.fromarray(array[..., 0] if channels == 1 else array, mode).save(path)


@pytest.fixture
def image_dir(tmp_path):
    root = tmp_path / "images"
    for c, cls in enumerate(["b_dog", "a_cat", "c_bird"]):
        (root / cls / "nested").mkdir(parents=True)
        for i in range(4):
            _save(root / cls / f"{i}.png", 9 + i, 12 - i, seed=10 * c + i)
        _save(root / cls / "nested" / "x.JPG", 10, 7, seed=99 + c)
        (root / cls / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()
    _save(root / ".hidden" / "h.png", 5, 5)
    return root


def _keras_index(directory, seed, validation_split=None, subset=None, **kwargs):
    paths, labels, names = keras_dataset_utils.index_directory(
        str(directory), "inferred", formats=(".bmp", ".gif", ".jpeg", ".jpg", ".png"),
        shuffle=True, seed=seed, verbose=False, **kwargs,
    )  # fmt: skip
    paths, labels = keras_dataset_utils.get_training_or_validation_split(
        paths, labels, validation_split, subset
    )
    return paths, labels, names


@pytest.mark.parametrize("subset", ["training", "validation"])
def test_files_labels_and_split_equal_keras(image_dir, subset):
    ds = utils.image_dataset_from_directory(
        image_dir, seed=42, validation_split=0.25, subset=subset, image_size=(8, 8),
        batch_size=100, verbose=False,
    )  # fmt: skip
    paths, labels, names = _keras_index(image_dir, 42, 0.25, subset)
    assert ds.class_names == names == ["a_cat", "b_dog", "c_bird"]
    assert ds.file_paths == paths
    assert ds.dataset.labels.tolist() == list(labels)


def test_images_equal_keras_loader(image_dir):
    for kwargs in (
        {"interpolation": "bilinear"},
        {"interpolation": "nearest", "crop_to_aspect_ratio": True},
        {"interpolation": "bicubic", "pad_to_aspect_ratio": True},
        {"color_mode": "grayscale", "data_format": "channels_first"},
        {"color_mode": "rgba"},
    ):
        ds = utils.image_dataset_from_directory(
            image_dir, shuffle=False, image_size=(6, 5), batch_size=None, verbose=False,
            **kwargs,
        )  # fmt: skip
        channels = {"grayscale": 1, "rgba": 4}.get(kwargs.get("color_mode"), 3)
        fmt = kwargs.get("data_format", "channels_last")
        for (x, y), path, label in zip(ds, ds.file_paths, ds.dataset.labels):
            theirs = keras_image_utils._load_image_grain(
                path, (6, 5), channels, kwargs.get("interpolation", "bilinear"), fmt,
                kwargs.get("crop_to_aspect_ratio", False), kwargs.get("pad_to_aspect_ratio", False),
            )  # fmt: skip
            np.testing.assert_allclose(x.numpy(), np.asarray(theirs), rtol=1e-5, atol=1e-3)
            assert x.dtype == torch.float32 and int(y) == label and y.dtype == torch.int32


def test_batches_label_modes_and_options(image_dir):
    ds = utils.image_dataset_from_directory(
        image_dir, image_size=(8, 10), batch_size=4, seed=1, verbose=False
    )
    batches = list(ds)
    assert [tuple(x.shape) for x, _ in batches] == [(4, 8, 10, 3)] * 3 + [(3, 8, 10, 3)]
    assert sorted(torch.cat([y for _, y in batches]).tolist()) == [0] * 5 + [1] * 5 + [2] * 5
    cat = utils.image_dataset_from_directory(
        image_dir, label_mode="categorical", image_size=(4, 4), shuffle=False, verbose=False
    )
    x, y = next(iter(cat))
    assert y.dtype == torch.float32 and y.shape == (15, 3) and y[:5, 0].tolist() == [1.0] * 5
    two = utils.image_dataset_from_directory(
        image_dir, label_mode="binary", class_names=["c_bird", "a_cat"], image_size=(4, 4),
        shuffle=False, verbose=False,
    )  # fmt: skip
    x, y = next(iter(two))
    assert two.class_names == ["c_bird", "a_cat"] and y.shape == (10, 1)
    assert y[:, 0].tolist() == [0.0] * 5 + [1.0] * 5
    only = utils.image_dataset_from_directory(
        image_dir, labels=None, image_size=(4, 4), shuffle=False, verbose=False
    )
    assert isinstance(next(iter(only)), torch.Tensor) and only.class_names is None
    listed = utils.image_dataset_from_directory(
        image_dir / "a_cat", labels=[0, 1, 0, 1, 1], image_size=(4, 4), shuffle=False,
        verbose=False,
    )  # fmt: skip
    assert listed.class_names == ["0", "1"]
    assert next(iter(listed))[1].tolist() == [0, 1, 0, 1, 1]
    train, val = utils.image_dataset_from_directory(
        image_dir, validation_split=0.2, subset="both", seed=7, image_size=(4, 4),
        verbose=False,
    )  # fmt: skip
    assert len(train.file_paths) == 12 and len(val.file_paths) == 3
    assert not set(train.file_paths) & set(val.file_paths)


def test_prints_counts_like_keras(image_dir, capsys):
    utils.image_dataset_from_directory(
        image_dir, validation_split=0.2, subset="training", seed=1, image_size=(4, 4)
    )
    assert capsys.readouterr().out.splitlines() == [
        "Found 15 files belonging to 3 classes.",
        "Using 12 files for training.",
    ]


def test_fit_takes_the_dataset_and_chaining(image_dir):
    ds = utils.image_dataset_from_directory(
        image_dir, image_size=(8, 8), batch_size=5, seed=3, verbose=False
    )
    model = tkeras.Sequential(
        [
            tkeras.Input((8, 8, 3)),
            tkeras.layers.Rescaling(1 / 255),
            tkeras.layers.Flatten(),
            tkeras.layers.Dense(3),
        ]
    )
    model.compile("adam", tkeras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds.map(lambda x, y: (x * 1.0, y)).prefetch(2), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    first = list(ds.take(1))
    assert len(first) == 1 and first[0][0].shape == (5, 8, 8, 3)
    samples = list(ds.unbatch().batch(4))
    assert [len(y) for _, y in samples] == [4, 4, 4, 3]


def test_worker_processes_give_the_same_batches(image_dir):
    kwargs = dict(image_size=(4, 4), batch_size=6, shuffle=False, verbose=False)
    ds = utils.image_dataset_from_directory(image_dir, **kwargs)
    serial = [x for x, _ in ds]
    parallel = ds.with_workers(2)
    assert parallel.num_workers == 2 and parallel.file_paths == ds.file_paths
    for a, b in zip(serial, [x for x, _ in parallel], strict=True):
        torch.testing.assert_close(a, b)


def test_image_errors(image_dir, tmp_path):
    (tmp_path / "empty" / "cls").mkdir(parents=True)
    with pytest.raises(ValueError, match=r"No images found in directory .*empty"):
        utils.image_dataset_from_directory(tmp_path / "empty", verbose=False)
    with pytest.raises(ValueError, match=r"you must provide a `seed` argument"):
        utils.image_dataset_from_directory(image_dir, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match=r"If `subset` is set, `validation_split` must be set"):
        utils.image_dataset_from_directory(image_dir, subset="training", seed=1)
    with pytest.raises(ValueError, match=r'"binary"`, there must be exactly 2 class_names'):
        utils.image_dataset_from_directory(image_dir, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match=r"class_names=\['zebra'\]"):
        utils.image_dataset_from_directory(image_dir, class_names=["zebra"])
    with pytest.raises(ValueError, match=r"len\(labels\) is 2 while we found 16 files"):
        utils.image_dataset_from_directory(image_dir, labels=[0, 1], verbose=False)
    with pytest.raises(ValueError, match=r"color_mode=cmyk"):
        utils.image_dataset_from_directory(image_dir, color_mode="cmyk")
    with pytest.raises(ValueError, match=r"interpolation=area"):
        utils.image_dataset_from_directory(image_dir, interpolation="area")
    with pytest.raises(ValueError, match=r"Could not find directory .*nowhere"):
        utils.image_dataset_from_directory(tmp_path / "nowhere")
    with pytest.raises(NotImplementedError, match=r"format='grain'"):
        utils.image_dataset_from_directory(image_dir, format="grain")
    (tmp_path / "bad" / "cls").mkdir(parents=True)
    (tmp_path / "bad" / "cls" / "broken.png").write_bytes(b"\x89PNG not really")
    ds = utils.image_dataset_from_directory(tmp_path / "bad", verbose=False)
    with pytest.raises(ValueError, match=r"cannot read image .*broken\.png"):
        next(iter(ds))


def test_text_dataset(tmp_path):
    for cls, texts in {"neg": ["bad film", "awful"], "pos": ["great ✓", "fine", "good"]}.items():
        (tmp_path / cls).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / cls / f"{i}.txt").write_text(text, encoding="utf-8")
    ds = utils.text_dataset_from_directory(tmp_path, shuffle=False, max_length=5, verbose=False)
    x, y = next(iter(ds))
    assert x.dtype == object and x.tolist() == ["bad f", "awful", "great", "fine", "good"]
    assert y.tolist() == [0, 0, 1, 1, 1] and ds.class_names == ["neg", "pos"]
    paths, labels, _ = keras_dataset_utils.index_directory(
        str(tmp_path), "inferred", formats=(".txt",), shuffle=True, seed=5, verbose=False
    )
    shuffled = utils.text_dataset_from_directory(tmp_path, seed=5, batch_size=2, verbose=False)
    assert shuffled.file_paths == paths
    lengths = shuffled.map(lambda x, y: (torch.tensor([len(t) for t in x]), y))
    assert sorted(int(n) for b, _ in lengths for n in b) == [4, 4, 5, 7, 8]
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"No text files found in directory .*empty"):
        utils.text_dataset_from_directory(tmp_path / "empty", labels=None, verbose=False)


def test_timeseries_keras_documented_example():
    data = np.arange(100)
    ds = utils.timeseries_dataset_from_array(
        data[:-10], data[10:], sequence_length=10, sampling_rate=2, batch_size=64
    )
    x, y = next(iter(ds))
    assert x.shape == (64, 10) and x[0].tolist() == list(range(0, 20, 2))
    assert y[0].item() == 10 and y[1].item() == 11
    assert sum(len(b[0]) for b in ds) == 90 - 18


def test_timeseries_options_and_fit():
    data = np.arange(50, dtype="float32").reshape(25, 2)
    targets = np.arange(25, dtype="float32")
    ds = utils.timeseries_dataset_from_array(
        data, targets, sequence_length=3, sequence_stride=2, start_index=2, end_index=20,
        batch_size=4,
    )  # fmt: skip
    windows = torch.cat([x for x, _ in ds])
    starts = list(range(0, 18 - 2, 2))
    assert windows.shape == (len(starts), 3, 2)
    assert windows[:, 0, 0].tolist() == [data[2 + s, 0] for s in starts]
    assert torch.cat([y for _, y in ds]).tolist() == [targets[2 + s] for s in starts]
    shuffled = utils.timeseries_dataset_from_array(
        data, targets, 3, shuffle=True, seed=4, batch_size=None
    )
    assert sorted(float(y) for _, y in shuffled) == targets[:23].tolist()
    model = tkeras.Sequential(
        [tkeras.Input((3, 2)), tkeras.layers.Flatten(), tkeras.layers.Dense(1)]
    )
    model.compile("sgd", "mse")
    assert len(model.fit(ds, epochs=1, verbose=0).history["loss"]) == 1
    with pytest.raises(ValueError, match=r"`sampling_rate` must be higher than 0"):
        utils.timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match=r"`end_index` must be higher than `start_index`"):
        utils.timeseries_dataset_from_array(data, None, 3, start_index=5, end_index=4)
    with pytest.raises(ValueError, match=r"`sequence_stride` must be lower than the length"):
        utils.timeseries_dataset_from_array(data, None, 3, sequence_stride=30)
    with pytest.raises(ValueError, match=r"`start_index` must be 0 or greater"):
        utils.timeseries_dataset_from_array(data, None, 3, start_index=-1)


def _wav(path, samples, channels=1, width=2):
    import wave

    with wave.open(str(path), "wb") as f:
        f.setnchannels(channels)
        f.setsampwidth(width)
        f.setframerate(8000)
        dtype = {1: "u1", 2: "<i2"}[width]
        f.writeframes(np.asarray(samples, dtype=dtype).tobytes())


def test_audio_dataset(tmp_path):
    (tmp_path / "no").mkdir()
    (tmp_path / "yes").mkdir()
    _wav(tmp_path / "no" / "a.wav", [0, 16384, -32768])
    _wav(tmp_path / "yes" / "b.wav", [100, -100, 200, 300, -300])
    _wav(tmp_path / "yes" / "c.wav", [[1, 2], [3, 4]], channels=2)
    ds = utils.audio_dataset_from_directory(tmp_path, shuffle=False, batch_size=2, verbose=False)
    x, y = next(iter(ds))
    # tf.audio.decode_wav: int16 / 32768, (samples, channels); a batch pads to its longest.
    assert x.dtype == torch.float32 and tuple(x.shape) == (2, 5, 1)
    np.testing.assert_allclose(x[0, :, 0].numpy(), [0, 0.5, -1, 0, 0])
    np.testing.assert_allclose(x[1, :, 0].numpy(), np.array([100, -100, 200, 300, -300]) / 32768)
    assert y.tolist() == [0, 1] and ds.class_names == ["no", "yes"]
    fixed = utils.audio_dataset_from_directory(
        tmp_path, output_sequence_length=4, shuffle=False, batch_size=None, verbose=False,
        label_mode="categorical",
    )  # fmt: skip
    shapes = [tuple(a.shape) for a, _ in fixed]
    assert shapes == [(4, 1), (4, 1), (4, 2)]
    assert next(iter(fixed))[1].tolist() == [1.0, 0.0]
    paths, _, _ = keras_dataset_utils.index_directory(
        str(tmp_path), "inferred", formats=(".wav",), shuffle=True, seed=3, verbose=False
    )
    train, val = utils.audio_dataset_from_directory(
        tmp_path, seed=3, validation_split=0.4, subset="both", verbose=False
    )
    assert list(train.dataset.paths) + list(val.dataset.paths) == paths
    with pytest.raises(NotImplementedError, match=r"sampling_rate=\.\.\.\): resampling"):
        utils.audio_dataset_from_directory(tmp_path, sampling_rate=16000)
    with pytest.raises(ValueError, match=r"Cannot set both `ragged` and `output_sequence_length`"):
        utils.audio_dataset_from_directory(tmp_path, ragged=True, output_sequence_length=3)
    _wav(tmp_path / "no" / "d.wav", [1, 2, 3], width=1)
    eight_bit = utils.audio_dataset_from_directory(tmp_path, shuffle=False, verbose=False)
    with pytest.raises(ValueError, match=r"d\.wav has 8-bit samples; only 16-bit PCM"):
        next(iter(eight_bit))
