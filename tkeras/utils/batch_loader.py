"""``BatchLoader``: what tkeras's ``*_dataset_from_*`` utilities return instead of a
``tf.data.Dataset``: a ``torch.utils.data.DataLoader`` (so ``fit`` takes it and files are
read in worker processes with ``num_workers``) with Keras's attributes and the tf.data
chaining that Keras programs use on these datasets."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler, SequentialSampler
from torch.utils.data._utils.collate import default_collate


class StringBatch(np.ndarray):
    """A batch of strings: a numpy array of ``str`` whose ``numpy()`` gives the UTF-8
    ``bytes`` that a tf.string tensor's ``numpy()`` gives (``text_batch.numpy()[i]`` in Keras
    programs)."""

    def numpy(self) -> np.ndarray:
        encode = np.vectorize(lambda s: s.encode() if isinstance(s, str) else s, otypes=[object])
        return encode(np.asarray(self))


def collate(samples: list, pad: bool = False) -> Any:
    """Stack samples into a batch; strings become a ``StringBatch`` (tf.string's shape);
    with ``pad``, tensors of different lengths are zero-padded at the end of their first axis
    to the longest (tf.data's ``padded_batch``)."""
    first = samples[0]
    if isinstance(first, tuple):
        return tuple(collate([s[i] for s in samples], pad) for i in range(len(first)))
    if isinstance(first, (str, bytes)):
        return np.array(samples, dtype=object).view(StringBatch)
    if pad and isinstance(first, torch.Tensor) and first.dim() > 0:
        return torch.nn.utils.rnn.pad_sequence(samples, batch_first=True)
    return default_collate(samples)


class _Pipeline:
    """collate, then (unbatched) the one sample, then each ``map`` function, in order.
    A class, not a closure, so worker processes can receive it."""

    def __init__(self, single: bool, maps: tuple[Callable, ...], pad: bool = False) -> None:
        self.single, self.maps, self.pad = single, maps, pad

    def __call__(self, samples: list) -> Any:
        batch = collate(samples, self.pad)
        if self.single:
            batch = _first(batch)
        for fn in self.maps:
            batch = fn(*batch) if isinstance(batch, tuple) else fn(batch)
        return batch


class _FirstBatches(torch.utils.data.Sampler):
    """The first ``count`` batches of another batch sampler (``take``)."""

    def __init__(self, batches: Any, count: int) -> None:
        self.batches, self.count = batches, count

    def __iter__(self) -> Iterator[list[int]]:
        return itertools.islice(iter(self.batches), self.count)

    def __len__(self) -> int:
        return min(self.count, len(self.batches))


class BatchLoader(DataLoader):
    """A DataLoader of ``(x, y)`` batches (or ``x`` alone) with Keras's dataset attributes.

    Args:
        dataset: a map-style dataset of samples.
        batch_size: samples per batch, or None for single samples (Keras's
            ``batch_size=None``).
        shuffle: reshuffle the samples every epoch.
        seed: seeds the shuffle's ``torch.Generator`` (the same seed, the same epochs).
        num_workers: worker processes reading samples (DataLoader's argument).
        class_names, file_paths: Keras's attributes (None where Keras has none).
        pad: zero-pad samples of different lengths to the longest in the batch.

    ``with_workers(n)`` returns the loader reading files in ``n`` worker processes.
    Chaining as in tf.data: ``map(fn)`` applies ``fn(x, y)`` to each batch (in the workers),
    ``take(n)`` keeps the first n batches, ``cardinality()`` counts them, ``unbatch()`` then
    ``batch(n)`` rebatch (before any ``map``), ``shuffle(buffer_size, seed)`` shuffles all
    samples every epoch (the buffer size is not needed: samples are addressed by index), and
    ``prefetch``/``cache`` return
    the loader unchanged (the DataLoader's workers already load ahead).

    Example:
        >>> ds = BatchLoader(torch.utils.data.TensorDataset(torch.arange(6.0)), batch_size=4)
        >>> [len(b[0]) for b in ds]
        [4, 2]
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 32,
        shuffle: bool = False,
        seed: int | None = None,
        num_workers: int = 0,
        class_names: list[str] | None = None,
        file_paths: list[str] | None = None,
        maps: tuple[Callable, ...] = (),
        take: int | None = None,
        pad: bool = False,
    ) -> None:
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(
                f"`batch_size` must be a positive integer or None. Received: {batch_size!r}"
            )
        generator = None
        if shuffle:
            generator = torch.Generator()
            generator.manual_seed(int(np.random.randint(1e6)) if seed is None else int(seed))
        sampler = RandomSampler(dataset, generator=generator) if shuffle else None
        batches: Any = torch.utils.data.BatchSampler(
            sampler or SequentialSampler(dataset), batch_size or 1, drop_last=False
        )
        if take is not None:
            batches = _FirstBatches(batches, take)
        super().__init__(
            dataset,
            batch_sampler=batches,
            collate_fn=_Pipeline(batch_size is None, tuple(maps), pad),
            num_workers=num_workers,
        )
        self._options = dict(
            batch_size=batch_size, shuffle=shuffle, seed=seed, num_workers=num_workers, pad=pad
        )
        self._maps, self._take = tuple(maps), take
        self.class_names, self.file_paths = class_names, file_paths

    def _derive(self, **changes: Any) -> BatchLoader:
        options = {**self._options, "maps": self._maps, "take": self._take, **changes}
        return BatchLoader(
            self.dataset, class_names=self.class_names, file_paths=self.file_paths, **options
        )

    def with_workers(self, num_workers: int) -> BatchLoader:
        """The same loader reading samples in ``num_workers`` worker processes."""
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(
                f"`num_workers` must be a non-negative integer. Received: {num_workers!r}"
            )
        return self._derive(num_workers=num_workers)

    def map(self, map_func: Callable, num_parallel_calls: Any = None, **kwargs: Any) -> Any:
        """Apply ``map_func(x, y)`` (or ``map_func(x)``) to every batch."""
        if kwargs:
            raise NotImplementedError(f"BatchLoader.map: arguments {sorted(kwargs)}")
        return self._derive(maps=(*self._maps, map_func))

    def take(self, count: int) -> BatchLoader:
        """The first ``count`` batches (all of them for ``count=-1``)."""
        return self._derive(take=None if count == -1 else int(count))

    def batch(self, batch_size: int, drop_remainder: bool = False) -> BatchLoader:
        """Batches of ``batch_size`` samples (on an unbatched loader, as after ``unbatch``)."""
        if drop_remainder:
            raise NotImplementedError("BatchLoader.batch(drop_remainder=True)")
        if self._options["batch_size"] is not None or self._maps:
            raise NotImplementedError(
                "BatchLoader.batch: call unbatch() first; batching batches (or rebatching "
                "after map) is not supported."
            )
        return self._derive(batch_size=int(batch_size))

    def unbatch(self) -> BatchLoader:
        """Single samples instead of batches."""
        if self._maps:
            raise NotImplementedError("BatchLoader.unbatch after map() is not supported.")
        return self._derive(batch_size=None)

    def shuffle(self, buffer_size: int, seed: int | None = None, **kwargs: Any) -> BatchLoader:
        """Reshuffle all samples every epoch (``buffer_size`` is accepted, not needed)."""
        return self._derive(shuffle=True, seed=seed)

    def prefetch(self, buffer_size: Any = None) -> BatchLoader:
        """The loader itself: its workers already load batches ahead."""
        return self

    def cardinality(self) -> np.int64:
        """The number of batches (tf.data's ``cardinality()``)."""
        return np.int64(len(self))

    def cache(self, filename: str = "") -> BatchLoader:
        """The loader itself (nothing to cache: samples are read by index)."""
        if filename:
            raise NotImplementedError("BatchLoader.cache(filename=...)")
        return self


def _first(batch: Any) -> Any:
    """One sample from a batch of one (``batch_size=None``)."""
    if isinstance(batch, tuple):
        return tuple(_first(b) for b in batch)
    return batch[0]
