"""``to_categorical`` against Keras 3.15: values, shapes and dtypes for each input kind."""

import keras
import numpy as np
import pytest
import torch

import tkeras


@pytest.mark.parametrize(
    "x, num_classes",
    [
        ([0, 2, 1], None),
        ([0, 2, 1], 5),
        (np.array([3, 0]), None),
        (np.array([[1], [0], [2]]), 3),  # a trailing axis of 1 is dropped
        (np.array([[1, 0], [2, 2]]), None),  # higher rank keeps its shape
        (np.array([1.0, 0.0], dtype="float32"), None),  # integral floats are ids
        (np.array([], dtype="int64"), 3),
    ],
)
def test_to_categorical_matches_keras_for_lists_and_arrays(x, num_classes):
    expected = keras.utils.to_categorical(x, num_classes)
    out = tkeras.utils.to_categorical(x, num_classes)
    assert type(out) is np.ndarray and out.dtype == expected.dtype == np.float64
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)


def test_to_categorical_of_a_tensor_is_a_float32_tensor():
    x = torch.tensor([[1], [0], [2]])
    out = tkeras.utils.to_categorical(x, 3)
    expected = keras.utils.to_categorical(x, 3)  # Keras 3.15 torch: int64 (TF/JAX: float32)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    assert out.device == x.device and tuple(out.shape) == tuple(expected.shape) == (3, 3)
    np.testing.assert_array_equal(out.numpy(), keras.ops.convert_to_numpy(expected))
    # num_classes is inferred for tensors too (Keras's torch backend raises TypeError).
    assert tkeras.utils.to_categorical(torch.tensor([0, 3])).shape == (2, 4)


@pytest.mark.parametrize(
    "x, num_classes, match",
    [
        ([0, -1], 3, "non-negative class ids; received -1"),
        ([0, 3], 3, "class id 3 is out of range for num_classes=3"),
        ([0.5, 1.0], None, "integer class ids; received non-integral values"),
    ],
)
def test_to_categorical_rejects_bad_ids(x, num_classes, match):
    with pytest.raises(ValueError, match=match):
        tkeras.utils.to_categorical(x, num_classes)
