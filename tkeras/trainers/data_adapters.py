"""Data adapters: turn fit/evaluate/predict inputs into batches of device tensors.

Arrays (numpy, torch tensors, or lists/dicts of them) move to the device once and are sliced
there, by views or by one ``index_select`` per tensor with a per-epoch permutation: no
DataLoader, no per-sample Python. Torch ``DataLoader``s and ``Dataset``s, Python generators and
``tkeras.utils.PyDataset`` yield batches that are converted and moved as they come.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import random
import types
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from tkeras.trainers.data_utils import (
    Batch,
    ClassWeights,
    check_cardinality,
    class_weight_to_sample_weight,
    flatten,
    float_bools,
    is_array_structure,
    move,
    take,
    text_as_arrays,
    to_device,
    to_tensor,
    tree_map,
    unpack,
)
from tkeras.utils.py_dataset import PyDataset

# ------------------------------------------------------------------ adapters


class DataAdapter:
    """One source of batches: ``batches()`` yields ``(x, y, sample_weight)`` on the device."""

    num_batches: int | None = None
    device: torch.device = torch.device("cpu")
    class_weight: Any = None

    def to(self, device: torch.device) -> None:
        self.device = device

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass

    def peek(self) -> Batch:
        """A first batch (possibly on the host), for building the model."""
        raise NotImplementedError

    def batches(self) -> Iterator[Batch]:
        raise NotImplementedError

    def _finish(self, batch: Any) -> Batch:
        x, y, sw = unpack(batch)
        x, y, sw = move(x, self.device), move(y, self.device), move(sw, self.device)
        if y is not None:
            y = tree_map(float_bools, y)
        if self.class_weight is not None and y is not None:
            if sw is not None:
                raise ValueError(
                    "You cannot specify `class_weight` and `sample_weight` at the same time."
                )
            sw = self.class_weight(y)
        return x, y, sw


class ArrayAdapter(DataAdapter):
    """Arrays sliced on the device: views in order, or ``index_select`` by a permutation."""

    def __init__(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        batch_size: int | None = None,
        steps: int | None = None,
        shuffle: bool | str = False,
        class_weight: dict | None = None,
    ) -> None:
        x, y, sample_weight = (tree_map(to_tensor, s) for s in (x, y, sample_weight))
        y = tree_map(float_bools, y)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "You cannot specify `class_weight` and `sample_weight` at the same time."
                )
            if y is None:
                raise ValueError("`class_weight` needs targets `y` to weight by class.")
            sample_weight = class_weight_to_sample_weight(y, class_weight)
        self.num_samples = check_cardinality(x, y, sample_weight)
        if self.num_samples == 0:
            raise ValueError(
                "Expected the data to have at least one sample; received arrays with 0 samples "
                f"(x shapes: {[tuple(t.shape) for t in flatten(x)]})."
            )
        if not batch_size:
            batch_size = math.ceil(self.num_samples / steps) if steps else 32
        self.batch_size = batch_size
        self.num_batches = math.ceil(self.num_samples / batch_size)
        self.shuffle = shuffle
        self.data = (x, y, sample_weight)
        self._plain = all(s is None or isinstance(s, torch.Tensor) for s in self.data)

    def to(self, device: torch.device) -> None:
        self.device = device
        self.data = tuple(tree_map(lambda t: to_device(t, device), s) for s in self.data)

    def peek(self) -> Batch:
        n = self.batch_size
        return tuple(tree_map(lambda t: t[:n], s) for s in self.data)

    def batches(self) -> Iterator[Batch]:
        x, y, sw = self.data
        bs, n = self.batch_size, self.num_samples
        if not self.shuffle:
            if self._plain:
                xs = x.split(bs)
                ys = y.split(bs) if y is not None else itertools.repeat(None)
                sws = sw.split(bs) if sw is not None else itertools.repeat(None)
                return zip(xs, ys, sws)
            return (
                tuple(tree_map(lambda t, a=a: t[a : a + bs], s) for s in self.data)
                for a in range(0, n, bs)
            )
        if self.shuffle == "batch":
            # Keras's "batch" shuffle: batches keep their samples, each in a random order.
            idx = torch.cat([torch.randperm(min(bs, n - a)) + a for a in range(0, n, bs)])
        else:
            # Drawn on the host so that CPU, CUDA and MPS runs see the same order.
            idx = torch.randperm(n)
        if self.device.type == "cuda":
            idx = idx.pin_memory()  # so the copy below does not wait for queued GPU work
        chunks = idx.to(self.device, non_blocking=True).split(bs)
        if self._plain:
            return (
                (
                    x.index_select(0, i),
                    None if y is None else y.index_select(0, i),
                    None if sw is None else sw.index_select(0, i),
                )
                for i in chunks
            )
        return (tuple(tree_map(lambda t, i=i: take(t, i), s) for s in self.data) for i in chunks)


class TorchDataLoaderAdapter(DataAdapter):
    """A ``torch.utils.data.DataLoader``: its batches, converted and moved as they come."""

    def __init__(
        self, loader: torch.utils.data.DataLoader, class_weight: dict | None = None
    ) -> None:
        self.loader = loader
        self.class_weight = ClassWeights(class_weight) if class_weight is not None else None
        try:
            self.num_batches = len(loader)
        except TypeError:  # an IterableDataset without __len__
            self.num_batches = None

    def peek(self) -> Batch:
        return unpack(next(iter(self.loader)))

    def batches(self) -> Iterator[Batch]:
        return map(self._finish, self.loader)


class GeneratorAdapter(DataAdapter):
    """A Python generator of batches; consumed once, so epochs continue where it stopped."""

    def __init__(self, generator: Iterator, class_weight: dict | None = None) -> None:
        try:
            first = next(generator)
        except StopIteration:
            raise ValueError(
                "When passing a Python generator to a tkeras model, the generator must yield "
                "at least one batch. Received an empty generator."
            ) from None
        _check_batch(first)
        self._first: list[Any] = [first]
        self.generator = generator
        self.class_weight = ClassWeights(class_weight) if class_weight is not None else None
        self.num_batches = None

    def peek(self) -> Batch:
        return unpack(self._first[0] if self._first else next(self.generator))

    def batches(self) -> Iterator[Batch]:
        source = itertools.chain(self._first, self.generator)
        self._first = []
        for batch in source:
            _check_batch(batch)
            yield self._finish(batch)


class PyDatasetAdapter(DataAdapter):
    """A ``PyDataset``: batches by index, optionally loaded ahead by worker threads."""

    def __init__(
        self, dataset: PyDataset, shuffle: bool | str = False, class_weight: dict | None = None
    ) -> None:
        self.dataset = dataset
        self.shuffle = shuffle
        self.class_weight = ClassWeights(class_weight) if class_weight is not None else None
        self.num_batches = dataset.num_batches
        if self.num_batches is None and shuffle:
            warnings.warn(
                "`shuffle=True` was passed, but will be ignored since the data `x` "
                "was provided as an infinite PyDataset. The PyDataset is expected "
                "to already be shuffled.",
                stacklevel=4,
            )

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()

    def peek(self) -> Batch:
        return unpack(_standardize(self.dataset[0]))

    def _indices(self) -> Iterator[int]:
        if self.num_batches is None:
            return itertools.count()
        indices = list(range(self.num_batches))
        if self.shuffle:
            random.shuffle(indices)
        return iter(indices)

    def batches(self) -> Iterator[Batch]:
        workers = self.dataset.workers
        indices = self._indices()
        if workers <= 1:
            for i in indices:
                yield self._finish(_standardize(self.dataset[i]))
            return
        # Worker threads load up to max_queue_size batches ahead, delivered in order.
        ahead = max(self.dataset.max_queue_size, workers)
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            pending = [
                pool.submit(self.dataset.__getitem__, i) for i in itertools.islice(indices, ahead)
            ]
            while pending:
                batch = pending.pop(0).result()
                pending.extend(
                    pool.submit(self.dataset.__getitem__, i) for i in itertools.islice(indices, 1)
                )
                yield self._finish(_standardize(batch))


def _check_batch(batch: Any) -> None:
    if not isinstance(batch, tuple) or len(batch) not in (1, 2, 3):
        raise ValueError(
            "When passing a Python generator to a tkeras model, the generator must yield a "
            "tuple, either (input,) or (inputs, targets) or (inputs, targets, sample_weights). "
            f"Received: {str(batch)[:200]} (of type {type(batch).__name__})"
        )


def _standardize(batch: Any) -> Any:
    if isinstance(batch, dict):
        return batch
    if isinstance(batch, (np.ndarray, torch.Tensor)):
        return (batch,)
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple) or len(batch) not in (1, 2, 3):
        raise ValueError(
            "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must be "
            "ordered either (input,) or (inputs, targets) or (inputs, targets, "
            f"sample_weights). Received: {str(batch)[:100]}... of type {type(batch)}"
        )
    return batch


def _reject(name: str, value: Any, kind: str) -> None:
    if value is not None:
        raise ValueError(
            f"When providing `x` as a {kind}, `{name}` should not be passed. Instead, the "
            f"{'targets' if name == 'y' else 'sample weights'} should be included as part of "
            f"the {kind}."
        )


def get_data_adapter(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    batch_size: int | None = None,
    steps: int | None = None,
    shuffle: bool | str = False,
    class_weight: dict | None = None,
) -> DataAdapter:
    """The adapter for ``x`` (and ``y``, ``sample_weight``), or ValueError naming its type."""
    if batch_size is not None and (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size <= 0
    ):
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    x = text_as_arrays(x)
    if is_array_structure(x, y, sample_weight):
        return ArrayAdapter(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps=steps,
            shuffle=shuffle,
            class_weight=class_weight,
        )
    kind = (
        "DataLoader"
        if isinstance(x, torch.utils.data.DataLoader)
        else "PyDataset"
        if isinstance(x, PyDataset)
        else "generator"
        if isinstance(x, types.GeneratorType)
        else "Dataset"
        if isinstance(x, torch.utils.data.Dataset)
        else None
    )
    if kind is None:
        raise ValueError(
            f"Unrecognized data type: x={str(x)[:200]} (of type {type(x).__name__}). Expected "
            "numpy arrays or torch tensors (or lists/dicts of them), a torch DataLoader or "
            "Dataset, a Python generator or a tkeras.utils.PyDataset."
        )
    _reject("y", y, kind)
    _reject("sample_weight", sample_weight, kind)
    if kind == "Dataset":
        iterable = isinstance(x, torch.utils.data.IterableDataset)
        loader = torch.utils.data.DataLoader(
            x, batch_size=batch_size or 32, shuffle=bool(shuffle) and not iterable
        )
        return TorchDataLoaderAdapter(loader, class_weight=class_weight)
    if batch_size is not None:
        warnings.warn(
            f"`batch_size={batch_size}` is ignored: a {kind} makes its own batches.", stacklevel=3
        )
    if kind == "DataLoader":
        return TorchDataLoaderAdapter(x, class_weight=class_weight)
    if kind == "PyDataset":
        return PyDatasetAdapter(x, shuffle=shuffle, class_weight=class_weight)
    return GeneratorAdapter(x, class_weight=class_weight)
