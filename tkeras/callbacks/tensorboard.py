"""``TensorBoard``: Keras's TensorBoard logs (scalars, weight histograms, the model config)
written by ``torch.utils.tensorboard``, without TensorFlow."""

from __future__ import annotations

import os
import time
from typing import Any

from tkeras.callbacks.callback import Callback


def _profile_range(profile_batch: Any) -> tuple[int, int]:
    """Keras's ``profile_batch``: 0 (off), a batch N, a pair or a "start,stop" string."""
    value = profile_batch
    if isinstance(value, str):
        try:
            value = tuple(int(v) for v in value.split(","))
        except ValueError:
            value = None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, value
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
        and value[0] <= value[1]
    ):
        return value[0], value[1]
    raise ValueError(
        "profile_batch must be a non-negative integer or a pair of positive integers "
        "(start, stop) with start <= stop, or a 'start,stop' string. Received: "
        f"profile_batch={profile_batch!r}"
    )


def _summary_writer() -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as e:
        raise ImportError(
            "tkeras.callbacks.TensorBoard writes event files with torch.utils.tensorboard, "
            "which needs the `tensorboard` package: pip install tensorboard "
            "(or pip install 'tkeras[tensorboard]')."
        ) from e
    return SummaryWriter


class TensorBoard(Callback):
    """Write TensorBoard logs: epoch and batch metrics, learning rate, weight histograms.

    The layout and tags are Keras's: ``log_dir/train`` holds ``epoch_loss``,
    ``epoch_<metric>``, ``epoch_learning_rate`` (and ``batch_<name>`` every ``update_freq``
    batches), ``log_dir/validation`` holds the validation metrics under the same
    ``epoch_<name>`` tags plus ``evaluation_<name>_vs_iterations``; ``histogram_freq`` writes
    ``<weight path>/histogram`` for every weight (e.g. ``dense/kernel/histogram``).

    Args:
        log_dir: the folder for the logs.
        histogram_freq: write weight histograms every this many epochs (0: never).
        write_graph: write the model's Keras config as the text summary ``keras`` (as
            Keras's "keras" model summary); the torch graph is not written.
        write_images: must be False (weight images are not written).
        write_steps_per_second: also log ``epoch_steps_per_second`` / ``batch_steps_per_second``.
        update_freq: ``"epoch"``, ``"batch"`` or an int: write ``batch_*`` scalars every
            this many batches.
        profile_batch: profile these training batches with ``torch.profiler`` (N, a pair
            ``(start, stop)`` or ``"start,stop"``; 0: off); the trace is written to
            ``log_dir/train`` for TensorBoard's PyTorch profiler plugin (Keras's torch
            backend raises for profiling).
        embeddings_freq: must be 0 (the embedding projector is not written).
        embeddings_metadata: must be None.

    Needs the ``tensorboard`` package (``torch.utils.tensorboard`` imports it).

    Differences from Keras: scalars are written as TensorBoard ``simple_value`` summaries
    (Keras writes tensor summaries; TensorBoard shows both the same); ``write_graph``
    writes the model config, not an op graph.

    Example:
        >>> model.fit(x, y, epochs=5,
        ...           callbacks=[TensorBoard(log_dir="logs", histogram_freq=1)])  # doctest: +SKIP
    """

    _chief_only = True

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self._start_batch, self._stop_batch = _profile_range(profile_batch)
        if write_images:
            raise NotImplementedError("TensorBoard(write_images=True): weight images")
        if embeddings_freq or embeddings_metadata is not None:
            raise NotImplementedError("TensorBoard(embeddings_freq=...): the embedding projector")
        if (
            update_freq != "epoch"
            and update_freq != "batch"
            and not (isinstance(update_freq, int) and update_freq > 0)
        ):
            raise ValueError(
                "`update_freq` must be 'epoch', 'batch' or a positive integer. Received: "
                f"update_freq={update_freq!r}"
            )
        _summary_writer()  # fail at construction, not after the first epoch
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict[str, Any] = {}
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0
        self._profiler: Any = None

    def _writer(self, which: str) -> Any:
        if which not in self._writers:
            folder = os.path.join(self.log_dir, "train" if which == "train" else "validation")
            self._writers[which] = _summary_writer()(log_dir=folder)
        return self._writers[which]

    def set_model(self, model):
        super().set_model(model)
        self._close()

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        if self.write_graph:
            try:
                config = self.model.to_json()
            except Exception as e:  # a subclassed model without a config
                import warnings

                warnings.warn(
                    f"TensorBoard(write_graph=True): the model's config could not be written "
                    f"({e}).",
                    stacklevel=2,
                )
            else:
                self._writer("train").add_text("keras", config, 0)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start_time = time.time()
        self._epoch_start_iterations = self._iterations()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._batch_start_time = time.time()
        if self._start_batch and self._global_train_batch == self._start_batch:
            import torch.profiler

            folder = os.path.join(self.log_dir, "train")
            self._profiler = torch.profiler.profile(
                on_trace_ready=torch.profiler.tensorboard_trace_handler(folder)
            )
            self._profiler.__enter__()

    def on_train_batch_end(self, batch, logs=None):
        if self._profiler is not None and self._global_train_batch >= self._stop_batch:
            self._stop_profiler()
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        writer, step = self._writer("train"), self._global_train_batch
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-12)
            writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in (logs or {}).items():
            writer.add_scalar(f"batch_{name}", float(value), step)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or logs is None:
            return
        writer = self._writer("val")
        for name, value in logs.items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", float(value), self._iterations())
        writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-12)
            train["steps_per_second"] = (
                self._iterations() - self._epoch_start_iterations
            ) / elapsed
        for which, values in (("train", train), ("val", val)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    writer.add_scalar(f"epoch_{name}", float(value), epoch)
                writer.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            writer = self._writer("train")
            for layer in self.model.layers:
                for weight in layer.weights:
                    tag = f"{weight.path.replace(':', '_')}/histogram"
                    writer.add_histogram(tag, weight.detach().cpu().float().numpy(), epoch)
            writer.flush()

    def on_train_end(self, logs=None):
        self._stop_profiler()
        self._close()

    def _stop_profiler(self) -> None:
        if self._profiler is not None:
            self._profiler.__exit__(None, None, None)  # writes the trace (on_trace_ready)
            self._profiler = None

    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return int(getattr(optimizer, "iterations", 0) or 0)

    def _close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
