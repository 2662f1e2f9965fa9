"""pad_sequences, split_dataset and the image utilities against real Keras (these run on its
torch backend without TensorFlow)."""

from __future__ import annotations

import io

import keras
import numpy as np
import pytest
import torch

from tkeras import utils

SEQS = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]


@pytest.mark.parametrize("maxlen", [None, 2, 4, 7])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_pad_sequences_matches_keras(maxlen, padding, truncating):
    kwargs = dict(maxlen=maxlen, padding=padding, truncating=truncating)
    ours = utils.pad_sequences(SEQS, **kwargs)
    theirs = keras.utils.pad_sequences(SEQS, **kwargs)
    assert ours.dtype == theirs.dtype == np.int32
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "seqs, kwargs",
    [
        (SEQS, {"value": -1.5, "dtype": "float32"}),
        ([np.ones((2, 3)), np.zeros((4, 3))], {"maxlen": 3, "dtype": "float64"}),
        ([["a", "b"], ["c"]], {"value": "<pad>", "dtype": object}),
        ([["a", "b"], ["c"]], {"value": "x", "dtype": "<U3", "padding": "post"}),
    ],
)
def test_pad_sequences_values_dtypes_and_item_shapes(seqs, kwargs):
    ours, theirs = utils.pad_sequences(seqs, **kwargs), keras.utils.pad_sequences(seqs, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match=r'Padding type "middle" not understood'):
        utils.pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match=r'Truncating type "x" not understood'):
        utils.pad_sequences(SEQS, truncating="x")
    with pytest.raises(ValueError, match=r"must be a list of iterables. Found non-iterable: 3"):
        utils.pad_sequences([[1], 3])
    with pytest.raises(ValueError, match=r"should set `dtype=object` for variable length"):
        utils.pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match=r"Shape of sample \(2,\) of sequence at position 1"):
        utils.pad_sequences([np.ones((2, 3)), np.ones((2, 2))])
    with pytest.raises(ValueError, match=r"`sequences` must be iterable"):
        utils.pad_sequences(5)


def _indices(subset):
    return [int(i) for i in subset.indices]


@pytest.mark.parametrize("left, right", [(0.8, None), (None, 3), (4, 0.3), (0.25, 0.5), (7, None)])
def test_split_dataset_shuffled_matches_keras_torch_path(left, right):
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10)
    ours = utils.split_dataset((x, y), left, right, shuffle=True, seed=3)
    if left is not None and right is not None and len(ours[0]) + len(ours[1]) < 10:
        # Keras's torch path raises here (random_split needs the sizes to sum to the length).
        assert (
            _indices(ours[0]) + _indices(ours[1])
            == torch.randperm(10, generator=torch.Generator().manual_seed(3)).tolist()[
                : len(ours[0]) + len(ours[1])
            ]
        )
        return
    theirs = keras.utils.split_dataset((x, y), left, right, shuffle=True, seed=3)
    assert _indices(ours[0]) == _indices(theirs[0])
    assert _indices(ours[1]) == _indices(theirs[1])
    xs, ys = ours[0][0]
    np.testing.assert_array_equal(xs.numpy(), x[_indices(ours[0])[0]])


def test_split_dataset_unshuffled_keeps_order_and_errors():
    left, right = utils.split_dataset(np.arange(10), left_size=0.7)
    assert [int(t[0]) for t in left] == list(range(7)) and len(right) == 3
    left, right = utils.split_dataset(torch.utils.data.TensorDataset(torch.arange(5)), None, 2)
    assert len(left) == 3 and [int(t[0]) for t in right] == [3, 4]
    with pytest.raises(ValueError, match=r"At least one of the `left_size` or `right_size`"):
        utils.split_dataset(np.arange(4))
    with pytest.raises(ValueError, match=r"`left_size` should be either a positive integer"):
        utils.split_dataset(np.arange(4), left_size=1.5)
    with pytest.raises(ValueError, match=r"sum of `left_size` and `right_size` is greater than 1"):
        utils.split_dataset(np.arange(4), 0.6, 0.6)
    with pytest.raises(TypeError, match=r"Invalid `right_size` Type"):
        utils.split_dataset(np.arange(4), right_size="2")
    with pytest.raises(ValueError, match=r"Resulting right side dataset split will be empty"):
        utils.split_dataset(np.arange(4), left_size=0.9)
    with pytest.raises(TypeError, match=r"must be a `torch.utils.data.Dataset` object"):
        utils.split_dataset("abc", left_size=1)
    with pytest.raises(ValueError, match=r"different lengths: \[3, 2\]"):
        utils.split_dataset([np.zeros(3), np.zeros(2)], left_size=1)
    with pytest.raises(NotImplementedError, match=r"preferred_backend='tensorflow'"):
        utils.split_dataset(np.arange(4), 1, preferred_backend="tensorflow")


def _rgb(h=7, w=11, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3)).astype("float32")


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape", [(5, 6, 3), (5, 6, 4), (5, 6, 1)])
@pytest.mark.parametrize("scale", [True, False])
def test_array_to_img_and_back_match_keras(data_format, shape, scale):
    x = np.random.default_rng(1).uniform(0, 255, shape).astype("float32")
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 0)
    ours = utils.array_to_img(x, data_format=data_format, scale=scale)
    theirs = keras.utils.array_to_img(x, data_format=data_format, scale=scale)
    assert ours.mode == theirs.mode and ours.size == theirs.size
    a = utils.img_to_array(ours, data_format=data_format)
    b = keras.utils.img_to_array(theirs, data_format=data_format)
    assert a.dtype == b.dtype == np.float32
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"color_mode": "grayscale"},
        {"color_mode": "rgba", "target_size": (4, 9)},
        {"target_size": (5, 5), "interpolation": "bilinear"},
        {"target_size": (6, 3), "interpolation": "bicubic", "keep_aspect_ratio": True},
        {"target_size": (3, 8), "interpolation": "lanczos", "keep_aspect_ratio": True},
    ],
)
def test_load_img_matches_keras(tmp_path, kwargs):
    path = tmp_path / "img.png"
    utils.save_img(path, _rgb())
    ours = utils.load_img(path, **kwargs)
    theirs = keras.utils.load_img(path, **kwargs)
    assert ours.mode == theirs.mode and ours.size == theirs.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    buffer = io.BytesIO(path.read_bytes())
    np.testing.assert_array_equal(np.asarray(utils.load_img(buffer, **kwargs)), np.asarray(ours))


def test_save_img_formats_and_errors(tmp_path):
    x = np.concatenate([_rgb(), np.full((7, 11, 1), 255.0)], axis=-1)
    with pytest.warns(UserWarning, match=r"JPEG format does not support RGBA"):
        utils.save_img(tmp_path / "a.jpg", x)
    assert utils.load_img(tmp_path / "a.jpg").size == (11, 7)
    utils.save_img(tmp_path / "b.bin", _rgb(), file_format="png")
    assert utils.load_img(tmp_path / "b.bin").format == "PNG"
    with pytest.raises(ValueError, match=r"Expected image array to have rank 3"):
        utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"Unsupported channel number: 2"):
        utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"Unsupported image shape: \(2,\)"):
        utils.img_to_array(np.zeros(2))
    with pytest.raises(ValueError, match=r'color_mode must be "grayscale", "rgb", or "rgba"'):
        utils.load_img(tmp_path / "b.bin", color_mode="cmyk")
    with pytest.raises(ValueError, match=r"Invalid interpolation method cubic"):
        utils.load_img(tmp_path / "b.bin", target_size=(2, 2), interpolation="cubic")
    with pytest.raises(TypeError, match=r"path should be path-like or io.BytesIO, not"):
        utils.load_img(3)
    with pytest.raises(ValueError, match=r"data_format=NHWC"):
        utils.img_to_array(np.zeros((2, 2, 3)), data_format="NHWC")


@pytest.mark.parametrize(
    "shape, size, kwargs",
    [
        ((10, 20, 3), (5, 5), {}),
        ((2, 9, 7, 1), (4, 6), {"interpolation": "nearest"}),
        ((3, 12, 8), (6, 3), {"data_format": "channels_first", "interpolation": "bicubic"}),
    ],
)
def test_smart_resize_matches_keras(shape, size, kwargs):
    from tkeras.preprocessing.image import smart_resize

    x = np.random.default_rng(2).uniform(0, 255, shape).astype("float32")
    ours = smart_resize(x, size, **kwargs)
    theirs = keras.preprocessing.image.smart_resize(x, size, **kwargs)
    assert isinstance(ours, np.ndarray) and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)
    with pytest.raises(ValueError, match=r"Expected `size` to be a tuple of 2 integers"):
        smart_resize(x, (2,))
