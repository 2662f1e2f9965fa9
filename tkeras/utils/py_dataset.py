"""``PyDataset`` (alias ``Sequence``): a dataset of batches written in Python, for fit()."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any


class PyDataset:
    """Base class for a dataset of whole batches: implement ``__getitem__`` and ``__len__``.

    ``__getitem__(index)`` returns batch ``index`` as ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)``; ``__len__`` returns the number of batches (or define a
    ``num_batches`` property that returns None for an endless dataset). ``on_epoch_begin``
    and ``on_epoch_end`` run around each epoch. ``fit(..., shuffle=True)`` visits the
    batches of a finite dataset in a new random order each epoch.

    Args:
        workers: the number of threads that load batches ahead of training (1: load
            each batch when needed).
        use_multiprocessing: not supported yet; must be False.
        max_queue_size: how many batches the workers may load ahead.

    Differences from Keras: ``use_multiprocessing=True`` raises NotImplementedError (use
    a ``torch.utils.data.DataLoader`` with ``num_workers`` for process parallelism).

    Example:
        >>> import numpy as np, tkeras
        >>> class Batches(tkeras.utils.PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return -(-len(self.x) // self.batch_size)
        ...     def __getitem__(self, i):
        ...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        ...         return self.x[s], self.y[s]
        >>> len(Batches(np.zeros((10, 2)), np.zeros(10), batch_size=4))
        3
    """

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ) -> None:
        if use_multiprocessing:
            raise NotImplementedError(
                "PyDataset(use_multiprocessing=True) is not supported yet (received "
                "use_multiprocessing=True). Use threads (workers=N) or a "
                "torch.utils.data.DataLoader with num_workers for process parallelism."
            )
        if not isinstance(workers, int) or workers < 0:
            raise ValueError(
                f"`workers` must be a non-negative integer. Received: workers={workers!r}"
            )
        if not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(
                f"`max_queue_size` must be a positive integer. Received: "
                f"max_queue_size={max_queue_size!r}"
            )
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    # Subclasses that skip super().__init__() get the defaults.
    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """Return batch ``index``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement __getitem__(index) returning a batch."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches, or None for an endless dataset (``len()`` by default)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            "You need to implement the `num_batches` property:\n\n"
            "@property\ndef num_batches(self):\n  return ..."
        )

    def __iter__(self) -> Iterator[Any]:
        count = self.num_batches
        for index in itertools.count() if count is None else range(count):
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


Sequence = PyDataset
