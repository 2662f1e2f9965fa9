"""``EpochIterator``: the batches of one epoch, with Keras's ``steps_per_epoch`` semantics."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
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

    def __init__(self, adapter: DataAdapter, steps_per_epoch: int | None = None) -> None:
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
