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
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from tkeras import config
from tkeras.utils.py_dataset import PyDataset

Batch = tuple[Any, Any, Any]


# ------------------------------------------------------------------ structures


def tree_map(fn: Callable[[Any], Any], struct: Any) -> Any:
    """Apply ``fn`` to every leaf of nested lists, tuples and dicts; None stays None."""
    if struct is None:
        return None
    if isinstance(struct, (list, tuple)):
        return type(struct)(tree_map(fn, s) for s in struct)
    if isinstance(struct, dict):
        return {k: tree_map(fn, v) for k, v in struct.items()}
    return fn(struct)


def flatten(struct: Any) -> list:
    """The non-None leaves of nested lists, tuples and dicts, in order."""
    if struct is None:
        return []
    if isinstance(struct, (list, tuple)):
        return [leaf for s in struct for leaf in flatten(s)]
    if isinstance(struct, dict):
        return [leaf for v in struct.values() for leaf in flatten(v)]
    return [struct]


def to_tensor(x: Any) -> torch.Tensor:
    """A torch tensor for an array-like; float64 becomes floatx, as Keras casts its data."""
    if isinstance(x, torch.Tensor):
        t = x
    else:
        arr = np.asarray(x)
        if arr.dtype == object:
            raise ValueError(f"Cannot convert an array of dtype object to a tensor: {arr!r:.100}")
        t = torch.from_numpy(np.ascontiguousarray(arr))
    if t.dtype == torch.float64:
        t = t.to(config.floatx_torch())
    return t


def _is_array(x: Any) -> bool:
    return isinstance(x, (np.ndarray, torch.Tensor)) or (
        hasattr(x, "__array__") and not isinstance(x, (PyDataset, torch.utils.data.Dataset))
    )


def is_array_structure(*structs: Any) -> bool:
    """Whether every leaf is an array (numpy, torch, anything with ``__array__``)."""
    leaves = [leaf for s in structs for leaf in flatten(s)]
    return bool(leaves) and all(_is_array(leaf) for leaf in leaves)


def unpack(data: Any) -> Batch:
    """``(x, y, sample_weight)`` from a batch ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sw)``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return (*data, *(None,) * (3 - len(data)))
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a tuple of {len(data)} elements: {str(data)[:200]}"
    )


def pack(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The batch Keras hands to ``train_step``: ``x`` alone (a tuple/list ``x`` as ``(x,)``),
    ``(x, y)`` or ``(x, y, sample_weight)``."""
    if sample_weight is not None:
        return (x, y, sample_weight)
    if y is not None:
        return (x, y)
    return (x,) if isinstance(x, (list, tuple)) else x


def check_cardinality(x: Any, y: Any, sample_weight: Any) -> int:
    """The common number of samples of all arrays; ValueError naming the sizes otherwise."""
    sizes = {int(leaf.shape[0]) for s in (x, y, sample_weight) for leaf in flatten(s)}
    if len(sizes) > 1:
        parts = []
        for label, struct in (("x", x), ("y", y), ("sample_weight", sample_weight)):
            if struct is not None:
                parts.append(
                    f"'{label}' sizes: " + ", ".join(str(int(t.shape[0])) for t in flatten(struct))
                )
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of "
            "samples. " + "; ".join(parts)
        )
    return sizes.pop()


class ClassWeights:
    """``{class: weight}`` as a lookup table: one weight per sample from its class.

    The class is the argmax of a one-hot target, else the (rounded) integer label; classes
    missing from the dict get weight 1, as in Keras. The table is copied to each device once.
    """

    def __init__(self, class_weight: dict) -> None:
        if not isinstance(class_weight, dict):
            raise ValueError(
                f"`class_weight` must be a dict mapping class indices to weights. "
                f"Received: class_weight={class_weight!r}"
            )
        keys = [int(k) for k in class_weight]
        self.size = max(max(keys, default=0) + 1, 1)
        table = torch.ones(self.size, dtype=config.floatx_torch())
        for key, weight in class_weight.items():
            if int(key) >= 0:
                table[int(key)] = float(weight)
        self._tables = {table.device: table}

    def __call__(self, y: Any) -> torch.Tensor:
        if isinstance(y, (list, tuple, dict)):
            raise ValueError("`class_weight` is only supported for Models with a single output.")
        y = to_tensor(y)
        if y.ndim > 1:
            y = y.argmax(-1) if y.shape[-1] != 1 else y.squeeze(-1)
        ids = torch.round(y.to(torch.float64)).long() if y.is_floating_point() else y.long()
        table = self._tables.get(ids.device)
        if table is None:
            table = self._tables[ids.device] = next(iter(self._tables.values())).to(ids.device)
        inside = (ids >= 0) & (ids < self.size)
        return torch.where(inside, table[ids.clamp(0, self.size - 1)], table.new_ones(()))


def class_weight_to_sample_weight(y: Any, class_weight: dict) -> torch.Tensor:
    """One weight per sample from its class (see ``ClassWeights``)."""
    return ClassWeights(class_weight)(y)


def move(struct: Any, device: torch.device) -> Any:
    """Convert every leaf to a tensor on ``device`` (non-blocking from pinned memory)."""
    return tree_map(lambda t: to_tensor(t).to(device, non_blocking=True), struct)


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
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "You cannot specify `class_weight` and `sample_weight` at the same time."
                )
            if y is None:
                raise ValueError("`class_weight` needs targets `y` to weight by class.")
            sample_weight = class_weight_to_sample_weight(y, class_weight)
        self.num_samples = check_cardinality(x, y, sample_weight)
        if not batch_size:
            batch_size = math.ceil(self.num_samples / steps) if steps else 32
        self.batch_size = batch_size
        self.num_batches = math.ceil(self.num_samples / batch_size)
        self.shuffle = shuffle
        self.data = (x, y, sample_weight)
        self._plain = all(s is None or isinstance(s, torch.Tensor) for s in self.data)

    def to(self, device: torch.device) -> None:
        self.device = device
        self.data = tuple(tree_map(lambda t: t.to(device), s) for s in self.data)

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
        return (
            tuple(tree_map(lambda t, i=i: t.index_select(0, i), s) for s in self.data)
            for i in chunks
        )


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
