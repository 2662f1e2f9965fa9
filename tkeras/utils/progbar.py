"""``Progbar``: Keras's progress bar, ``469/469 ━━━━━━━━━━━━━━━━━━━━ 3s 6ms/step - loss: 0.3``."""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from tkeras import config


def print_msg(message: str, line_break: bool = True) -> None:
    """Write ``message`` to stdout and flush (Keras's interactive logging); with interactive
    logging disabled, log it at INFO on the ``'tkeras'`` logger instead."""
    if not config.is_interactive_logging_enabled():
        logging.getLogger("tkeras").info(message)
        return
    message = f"{message}\n" if line_break else message
    try:
        sys.stdout.write(message)
    except UnicodeEncodeError:
        # A non-UTF-8 terminal: fall back to Keras 2's bar character, as Keras does.
        encoding = sys.stdout.encoding or "utf-8"
        message = message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding)
        sys.stdout.write(message)
    sys.stdout.flush()


def _dynamic_display() -> bool:
    return (
        (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
        or "ipykernel" in sys.modules
        or "PYCHARM_HOSTED" in os.environ
    )


def _format_value(avg: float, verbose: int) -> str:
    # Keras tests abs() in verbose=1 but the signed value in verbose=2; kept as is.
    big = abs(avg) > 1e-3 if verbose == 1 else avg > 1e-3
    return f" {avg:.4f}" if big else f" {avg:.4e}"


class Progbar:
    """Displays Keras's progress bar: steps done, a bar, elapsed or ETA, time per step, values.

    Args:
        target: the total number of steps, or None if unknown.
        width: the width of the bar in characters.
        verbose: 0 (silent), 1 (a redrawn bar) or 2 (one line when the target is reached).
        interval: the minimum time in seconds between two redraws.
        stateful_metrics: names of values shown as given (not averaged over updates). Pass
            at most one of ``stateful_metrics`` and ``stateless_metrics``.
        stateless_metrics: names of values averaged over updates; all others are shown as
            given.
        unit_name: the unit shown in the time per unit (``"step"``).

    Differences from Keras: when stdout is not a terminal (a log file, a pipe) and not a
    notebook, ``verbose=1`` writes only the final line of each bar, with no carriage-return
    redraws in between. Keras redraws on every POSIX system, so a log file fills with ``\\r``
    frames.

    Example:
        >>> from tkeras.utils import Progbar
        >>> bar = Progbar(target=2, verbose=2)
        >>> for step in (1, 2):
        ...     bar.update(step, [("loss", 0.5)])  # doctest: +ELLIPSIS
        2/2 - 0s - ...
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        stateless_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ) -> None:
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be provided. "
                f"Received: stateful_metrics={stateful_metrics!r}, "
                f"stateless_metrics={stateless_metrics!r}"
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set(stateful_metrics or ())
            self.stateless_metrics = None
        self._dynamic_display = _dynamic_display()
        self._seen_so_far = 0
        self._values: dict[str, list] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    def due(self, current: int) -> bool:
        """Whether ``update(current)`` would redraw now (lets callers skip reading values)."""
        if self.verbose != 1:
            return False
        if current == 1:
            if not self._dynamic_display:
                # No redraw, but the first step still leaves the time-per-step estimate.
                self._time_after_first_step = time.time()
            return self._dynamic_display
        return self._dynamic_display and time.time() - self._last_update >= self.interval

    def _is_stateless(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, current: int, values: Iterable[tuple[str, Any]], finalize: bool) -> None:
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if self._is_stateless(name) and not finalize:
                base = max(current - self._seen_so_far, 1)
                if name in self._values:
                    self._values[name][0] += value * base
                    self._values[name][1] += base
                else:
                    self._values[name] = [value * base, base]
            else:
                self._values[name] = [value, 1]
        self._seen_so_far = current

    def _averages(self) -> list[tuple[str, float]]:
        out = []
        for name in self._values_order:
            total, count = self._values[name]
            if not isinstance(total, float):
                total = np.mean(total)
            out.append((name, total / max(1, count)))
        return out

    def update(
        self,
        current: int,
        values: Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Record ``values`` at step ``current`` and redraw if due.

        Args:
            current: the index of the current step (1-based count of steps done).
            values: ``(name, value)`` pairs; stateless names are averaged over steps.
            finalize: whether this is the last update; defaults to ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or (), finalize)
        now = time.time()
        per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if not finalize and (
                now - self._last_update < self.interval or not self._dynamic_display
            ):
                return
            self._draw(current, now, per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            info = f"%{digits}d/%d - {now - self._start:.0f}s -" % (current, self.target)
            info += self._format_time(per_unit, self.unit_name)
            for name, avg in self._averages():
                info += f" - {name}:" + _format_value(avg, 2)
            print_msg(info + "\n", line_break=False)
        self._last_update = now

    def _draw(self, current: int, now: float, per_unit: float, finalize: bool) -> None:
        special = 0
        if self.target is not None and self.target > 0:
            digits = int(math.log10(self.target)) + 1
            bar = f"\x1b[1m{f'%{digits}d/%d' % (current, self.target)}\x1b[0m "
            special += 8
            done = int(self.width * float(current) / self.target)
            if done > 0:
                bar += f"\33[32m{'━' * done}\x1b[0m"
                special += 9
            bar += f"\33[37m{'━' * (self.width - done)}\x1b[0m"
            special += 9
        else:
            bar = f"{int(current):7d}/Unknown"
        if self.target is not None and self.target > 0 and not finalize:
            info = f" \x1b[1m{self._format_eta(per_unit * (self.target - current))}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        special += 8
        info += self._format_time(per_unit, self.unit_name)
        for name, avg in self._averages():
            info += f" - {name}:" + _format_value(avg, 1)
        width = len(bar) + len(info) - special
        message = bar + info
        if self._dynamic_display:
            message = "\b" * self._prev_total_width + "\r" + message
            if self._prev_total_width > width:
                message += " " * (self._prev_total_width - width)
        if finalize:
            message += "\n"
        print_msg(message, line_break=False)
        self._prev_total_width = width

    @staticmethod
    def _format_eta(eta: float) -> str:
        if eta > 3600:
            return f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
        if eta > 60:
            return f"{int(eta // 60)}:{int(eta % 60):02d}"
        return f"{int(eta)}s"

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advance the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    @staticmethod
    def _format_time(time_per_unit: float, unit_name: str) -> str:
        if time_per_unit >= 1 or time_per_unit == 0:
            return f" {time_per_unit:.0f}s/{unit_name}"
        if time_per_unit >= 1e-3:
            return f" {time_per_unit * 1000.0:.0f}ms/{unit_name}"
        return f" {time_per_unit * 1000000.0:.0f}us/{unit_name}"

    def _estimate_step_duration(self, current: int, now: float) -> float:
        # The first step (graph warm-up, allocation) is left out once later steps exist.
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit
