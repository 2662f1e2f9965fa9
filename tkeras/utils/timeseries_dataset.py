"""``timeseries_dataset_from_array`` without TensorFlow: a torch DataLoader of windows."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset

from tkeras.utils.batch_loader import BatchLoader


class Windows(Dataset):
    """Window ``i``: ``data[start + p : start + p + length * rate : rate]`` and its target."""

    def __init__(self, data, targets, positions, length, rate) -> None:
        self.data, self.targets, self.positions = data, targets, positions
        self.offsets = np.arange(length) * rate

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, i: int):
        p = int(self.positions[i])
        window = torch.as_tensor(np.asarray(self.data[p + self.offsets]))
        if self.targets is None:
            return window
        return window, torch.as_tensor(np.asarray(self.targets[p]))


def _check(name: str, value, bound: int) -> None:
    if value >= bound:
        raise ValueError(
            f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
            f"for data of length {bound}"
        )
    if value <= 0:
        raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value}")


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
    format="tf",
):
    """Sliding windows over a timeseries array, batched: ``(windows, targets)`` batches.

    Window ``i`` starts at step ``start_index + i * sequence_stride`` and takes
    ``sequence_length`` steps ``sampling_rate`` apart; its target is ``targets[start]``
    (``targets[i]`` counted from ``start_index``), as in Keras.

    Args:
        data: array (steps, ...) of the series.
        targets: array of targets aligned with ``data``'s steps, or None (windows only).
        sequence_length: steps per window.
        sequence_stride: steps between window starts.
        sampling_rate: steps between two samples of a window.
        batch_size: windows per batch (None: single windows).
        shuffle: shuffle the windows (their order with ``np.random.RandomState(seed)``
            as Keras, then every epoch with a seeded torch generator).
        seed: the shuffle seed.
        start_index, end_index: the part of ``data`` used (end excluded).
        format: ``"tf"`` only (tkeras returns a BatchLoader).

    Returns:
        A ``tkeras.utils.BatchLoader`` of ``(windows, targets)`` tensors (windows alone when
        ``targets`` is None) in ``data``'s dtype; ``fit`` accepts it directly.

    Differences from Keras: returns a BatchLoader, not a tf.data.Dataset; with
    ``shuffle=True`` the windows are the same but their per-epoch order differs.

    Example:
        >>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3,
        ...                                    batch_size=4)
        >>> next(iter(ds)).tolist()
        [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    """
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(
                f"`start_index` must be 0 or greater. Received: start_index={start_index}"
            )
        if start_index >= n:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index} "
            )
        _check("end_index", end_index, n)
    _check("sampling_rate", sampling_rate, n)
    _check("sequence_stride", sequence_stride, n)
    if format != "tf":
        raise NotImplementedError(
            f'timeseries_dataset_from_array(format={format!r}): only "tf" (tkeras returns a '
            "torch DataLoader either way)."
        )
    start_index = start_index or 0
    end_index = end_index or n
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, max(num_seqs, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    windows = Windows(
        np.asarray(data[start_index:end_index]),
        None if targets is None else np.asarray(targets[start_index:end_index]),
        positions,
        sequence_length,
        sampling_rate,
    )
    return BatchLoader(windows, batch_size=batch_size, shuffle=shuffle, seed=seed)
