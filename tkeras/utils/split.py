"""``split_dataset``: split arrays or a torch Dataset in two (Keras's sizes and seeds)."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset, Subset, TensorDataset


def _check_size(name: str, size, total: int) -> None:
    if size is None:
        return
    if type(size) not in (int, float):
        raise TypeError(
            f"Invalid `{name}` Type. Expected: int or float or None, "
            f"Received: type({name})={type(size)}."
        )
    if (type(size) is int and not 0 < size < total) or (type(size) is float and not 0 < size < 1):
        raise ValueError(
            f"`{name}` should be either a positive integer smaller than {total}, or a float "
            f"within the range `[0, 1]`. Received: {name}={size}"
        )


def rescale_split_sizes(left_size, right_size, total: int) -> tuple[int, int]:
    """Keras's rules: floats are fractions (rounded), ints counts, None the remainder."""
    if left_size is None and right_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. "
            "Received: left_size=None and right_size=None"
        )
    _check_size("left_size", left_size, total)
    _check_size("right_size", right_size, total)
    if type(left_size) is type(right_size) is float and left_size + right_size > 1:
        raise ValueError(
            "The sum of `left_size` and `right_size` is greater than 1. It must be less "
            "than or equal to 1."
        )

    def count(size):
        return round(size * total) if type(size) is float else size

    left, right = count(left_size), count(right_size)
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(
            f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
            f"Received: left_size + right_size = {left + right} and total_length = {total}"
        )
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={left} and `right_size`="
                f"{right}. Resulting {side} side dataset split will be empty. Adjust any of "
                "the aforementioned parameters"
            )
    return int(left), int(right)


def split_dataset(
    dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None
):
    """Split an array, a list/tuple of arrays or a torch Dataset into two torch Datasets.

    Args:
        dataset: a numpy array, a list or tuple of arrays with the same first dimension, or a
            ``torch.utils.data.Dataset`` (with ``__len__``).
        left_size: int (samples) or float in (0, 1) (fraction, rounded) of the left split;
            None: the rest.
        right_size: the same for the right split.
        shuffle: shuffle the samples before splitting.
        seed: the shuffle's seed: a ``torch.Generator`` seeded with it, so a seeded split
            equals Keras's on the torch backend.
        preferred_backend: only ``None`` or ``"torch"``.

    Returns:
        ``(left, right)``: two ``torch.utils.data.Subset`` of a ``TensorDataset`` (items are
        tuples of tensors) or of ``dataset``; ``fit`` accepts both.

    Differences from Keras: with ``shuffle=False`` the left split is the first samples and
    the right split the following ones, as Keras's documentation and TensorFlow path do
    (Keras's torch path shuffles even then).

    Example:
        >>> left, right = split_dataset(np.arange(10.0), left_size=0.8)
        >>> len(left), len(right)
        (8, 2)
    """
    if preferred_backend not in (None, "torch"):
        raise NotImplementedError(
            f"split_dataset(preferred_backend={preferred_backend!r}): tkeras splits into torch "
            "Datasets only; use preferred_backend=None or 'torch'."
        )
    if isinstance(dataset, np.ndarray):
        dataset = TensorDataset(torch.from_numpy(dataset))
    elif isinstance(dataset, (list, tuple)):
        if not dataset:
            raise ValueError("Received an empty list dataset. Please provide a non-empty list.")
        arrays = [np.asarray(x) for x in dataset]
        if any(len(a) != len(arrays[0]) for a in arrays):
            raise ValueError(
                "Received a list of NumPy arrays with different lengths: "
                f"{[len(a) for a in arrays]}. Please provide arrays of the same length."
            )
        dataset = TensorDataset(*(torch.from_numpy(a) for a in arrays))
    elif not isinstance(dataset, Dataset):
        raise TypeError(
            "The `dataset` argument must be a `torch.utils.data.Dataset` object, or a "
            f"list/tuple of arrays. Received: dataset={dataset} of type {type(dataset)}"
        )
    total = len(dataset)
    left, right = rescale_split_sizes(left_size, right_size, total)
    if not shuffle:
        return Subset(dataset, range(left)), Subset(dataset, range(left, left + right))
    generator = torch.Generator()
    if seed is not None:
        generator.manual_seed(seed)
    else:
        generator.seed()
    # random_split's permutation (randperm of the length), also when left + right < length.
    perm = torch.randperm(total, generator=generator).tolist()
    return Subset(dataset, perm[:left]), Subset(dataset, perm[left : left + right])
