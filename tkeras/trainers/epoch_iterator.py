"""``EpochIterator``: the batches of one epoch, with Keras's ``steps_per_epoch`` semantics."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from tkeras import config
from tkeras.trainers.data_adapters import DataAdapter
from tkeras.trainers.data_utils import Batch


class EpochIterator:
    """Yields ``(step, batch)`` for each epoch from one data adapter.

    Without ``steps_per_epoch`` each epoch is one pass over the data. With it, an epoch is
    that many batches and the next epoch continues the same pass (as Keras does); when the
    data runs out the epoch ends early with a warning.
    """

    def __init__(
        self,
        adapter: DataAdapter,
        steps_per_epoch: int | None = None,
        steps_per_execution: int = 1,
    ) -> None:
        if steps_per_epoch is not None and (
            not isinstance(steps_per_epoch, int) or steps_per_epoch <= 0
        ):
            raise ValueError(
                f"`steps_per_epoch` must be a positive integer or None. Received: "
                f"steps_per_epoch={steps_per_epoch!r}"
            )
        cap = config.max_steps_per_epoch()  # keras.config's debugging cap
        if cap and (not steps_per_epoch or cap < steps_per_epoch):
            warnings.warn(f"Limiting steps_per_epoch to {cap}", stacklevel=2)
            steps_per_epoch = cap
        self.adapter = adapter
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = steps_per_execution
        self._num_batches = adapter.num_batches
        self._current: Iterator[Batch] | None = None
        self._seen = 0

    @property
    def num_batches(self) -> int | None:
        """Steps per epoch: ``steps_per_epoch``, the data's batch count, or None if unknown."""
        return self.steps_per_epoch or self._num_batches

    def _warn_ran_out(self) -> None:
        warnings.warn(
            "Your input ran out of data; interrupting training. Make sure that your dataset "
            "or generator can generate at least `steps_per_epoch * epochs` batches.",
            stacklevel=4,
        )

    def __iter__(self) -> Iterator[tuple[int, Batch]]:
        self.adapter.on_epoch_begin()
        try:
            yield from self._steps()
        finally:
            self.adapter.on_epoch_end()

    def _steps(self) -> Iterator[tuple[int, Any]]:
        if self.steps_per_execution > 1:
            yield from self._executions()
            return
        steps = self.steps_per_epoch or self._num_batches
        if self.steps_per_epoch is None:  # one full pass (the common case)
            step = -1
            for step, batch in enumerate(self.adapter.batches()):
                yield step, batch
            if self._num_batches is None:
                self._num_batches = step + 1
            if step < 0:
                self._warn_ran_out()
            return
        if self._current is None or self.steps_per_epoch is None:
            self._current = iter(self.adapter.batches())
            self._seen = 0
        for step in range(steps):
            if self._num_batches and self._seen >= self._num_batches:
                if self.steps_per_epoch:
                    self._warn_ran_out()
                break
            try:
                batch = next(self._current)
            except StopIteration:
                if self._num_batches is None:
                    self._num_batches = self._seen
                self._current = None
                self._warn_ran_out()
                return
            self._seen += 1
            yield step, batch
        if self._num_batches and self._seen >= self._num_batches:
            self._current = None

    def _executions(self) -> Iterator[tuple[int, Any]]:
        """The batches Keras runs with ``steps_per_execution=N``: executions of N batches
        starting at steps 0, N, 2N, ... below the epoch's step count, the last one short
        when the data ends inside it (with ``steps_per_epoch=5, N=3`` an epoch runs 6
        batches, as in Keras)."""
        n = self.steps_per_execution
        steps = self.steps_per_epoch or self._num_batches
        if steps is None:  # unknown length: executions until the data ends
            current = iter(self.adapter.batches())
            for step in itertools.count():
                batch = next(current, _END)
                if batch is _END:
                    return
                yield step, batch
        if self._current is None or self.steps_per_epoch is None:
            self._current = iter(self.adapter.batches())
            self._seen = 0
        for begin in range(0, steps, n):
            if self._num_batches and self._seen >= self._num_batches:
                if self.steps_per_epoch:
                    self._warn_ran_out()
                break
            self._seen += n
            for step in range(begin, begin + n):
                batch = next(self._current, _END)
                if batch is _END:
                    if self._num_batches is None:
                        self._num_batches = self._seen
                    self._current = None
                    if self.steps_per_epoch:
                        self._warn_ran_out()
                    return
                yield step, batch
        if self._num_batches and self._seen >= self._num_batches:
            self._current = None


_END = object()


def executions(batches: Iterable[tuple[int, Any]], n: int) -> Iterator[tuple[int, int, list]]:
    """Group an epoch's ``(step, batch)`` stream into Keras's executions of ``n`` steps:
    ``(begin_step, end_step, batches)``, where ``end_step = begin_step + n - 1`` even for a
    short last execution (the indices Keras gives ``on_*_batch_end``)."""
    if n == 1:
        for step, batch in batches:
            yield step, step, [batch]
        return
    chunk: list = []
    begin = 0
    for step, batch in batches:
        if chunk and step // n != begin // n:
            yield begin, begin + n - 1, chunk
            chunk = []
        if not chunk:
            begin = step - step % n
        chunk.append(batch)
        if len(chunk) == n:
            yield begin, begin + n - 1, chunk
            chunk = []
    if chunk:
        yield begin, begin + n - 1, chunk
