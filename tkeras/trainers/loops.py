"""The fit / evaluate / predict loops: Keras's callback order around a lean torch loop."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import torch

from tkeras import config
from tkeras.callbacks.callback_list import CallbackList
from tkeras.distribute import DataParallelContext, world_size
from tkeras.trainers.data_adapters import DataAdapter, get_data_adapter
from tkeras.trainers.data_utils import (
    class_weight_to_sample_weight,
    flatten,
    float_bools,
    is_array_structure,
    move,
    tree_map,
    unpack,
)
from tkeras.trainers.epoch_iterator import EpochIterator, executions
from tkeras.trainers.logs import LazyLogs, pythonify_logs
from tkeras.trainers.optim import is_torch_optimizer
from tkeras.trainers.step import ModeGuard, StepRunner, build_model, resolve_device

_VERBOSE = ("auto", 0, 1, 2)


def check_verbose(verbose: Any) -> None:
    if verbose not in _VERBOSE:
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")


def prepare(model: Any, adapter: DataAdapter, training: bool) -> torch.device:
    """Build the model from a first batch if needed, move it and the data to the device, and
    build the optimizer on the model's trainable weights."""
    if not (model.built and all(getattr(m, "built", True) for m in model.modules())):
        build_model(model, adapter.peek()[0])
    device = resolve_device(model)
    model.to(device)
    adapter.to(device)
    if training:
        optimizer = model.optimizer
        if optimizer is None:
            raise ValueError("fit() needs an optimizer: pass `optimizer=` to `compile()`.")
        if not is_torch_optimizer(optimizer):
            optimizer.build(model.trainable_weights)
    return device


def _batch_logs(model: Any, runner: StepRunner) -> LazyLogs:
    logs = runner.logs
    return LazyLogs(model.get_metrics_result if logs is None else (lambda: logs))


def _split(struct: Any, start: int, stop: int | None) -> Any:
    return tree_map(lambda t: t[start:stop], struct)


def train_validation_split(arrays: tuple, validation_split: float) -> tuple[tuple, tuple]:
    """The last ``validation_split`` of the samples for validation, as Keras splits them."""
    if not is_array_structure(*arrays):
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy arrays. Found "
            f"incompatible input: {type(arrays[0]).__name__}"
        )
    n = int(flatten(arrays)[0].shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data contains {n} samples, which is not sufficient to split it into a "
            f"validation and training set as specified by `validation_split="
            f"{validation_split}`. Either provide more data, or a different value for the "
            "`validation_split` argument."
        )
    return (
        tuple(_split(a, 0, split_at) for a in arrays),
        tuple(_split(a, split_at, None) for a in arrays),
    )


def _check_fit_args(
    epochs: Any, validation_split: Any, validation_freq: Any, initial_epoch: Any
) -> None:
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"`epochs` must be a non-negative integer. Received: epochs={epochs!r}")
    if not isinstance(initial_epoch, (int, np.integer)) or initial_epoch < 0:
        raise ValueError(
            f"`initial_epoch` must be a non-negative integer. Received: "
            f"initial_epoch={initial_epoch!r}"
        )
    if not isinstance(validation_split, (int, float)) or not 0 <= validation_split < 1:
        raise ValueError(
            f"`validation_split` must be a float in [0, 1). Received: "
            f"validation_split={validation_split!r}"
        )
    if not isinstance(validation_freq, (int, list)) or isinstance(validation_freq, bool):
        raise ValueError(
            "Expected `validation_freq` to be a list or int. Received: validation_freq="
            f"{validation_freq} of the type {type(validation_freq)}."
        )


def _should_eval(epoch: int, validation_freq: int | list) -> bool:
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def fit(
    model: Any,
    x: Any,
    y: Any,
    batch_size: Any,
    epochs: int,
    verbose: Any,
    callbacks: Any,
    validation_split: float,
    validation_data: Any,
    shuffle: Any,
    class_weight: Any,
    sample_weight: Any,
    initial_epoch: int,
    steps_per_epoch: Any,
    validation_steps: Any,
    validation_batch_size: Any,
    validation_freq: Any,
) -> Any:
    """``Model.fit``: see its docstring."""
    model._assert_compile_called("fit")
    check_verbose(verbose)
    _check_fit_args(epochs, validation_split, validation_freq, initial_epoch)
    cap = config.max_epochs()  # keras.config's debugging cap
    if cap and cap < epochs:
        warnings.warn(f"Limiting epochs to {cap}", stacklevel=3)
        epochs = cap
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = train_validation_split(
            (x, y, sample_weight), validation_split
        )
    adapter = get_data_adapter(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        steps=steps_per_epoch,
        shuffle=shuffle,
        class_weight=class_weight,
    )
    per_execution = model.steps_per_execution
    iterator = EpochIterator(adapter, steps_per_epoch, per_execution)
    device = prepare(model, adapter, training=True)
    parallel = None
    if world_size() > 1:
        parallel = DataParallelContext.for_fit(model, device, batch_size, _num_rows(x))
        if parallel.rank != 0:
            verbose = 0  # only rank 0 prints
    try:
        val_iterator = _validation_iterator(
            validation_data, validation_batch_size or batch_size, validation_steps, device,
            per_execution,
        )  # fmt: skip
        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_history=True,
                add_progbar=verbose != 0,
                verbose=verbose,
                epochs=epochs,
                steps=iterator.num_batches,
                model=model,
            )
        object.__setattr__(model, "stop_training", False)
        runner = StepRunner(model, "train")
        run_step = runner.step
        if parallel is not None:
            run_step = parallel.wrap_step(model, runner.step, "train")
        _fit_epochs(model, iterator, val_iterator, callbacks, runner, run_step, parallel,
                    epochs, initial_epoch, validation_freq)  # fmt: skip
    finally:
        if parallel is not None:
            parallel.close()
    return model.history


def _validation_iterator(
    validation_data: Any, batch_size: Any, steps: Any, device: torch.device, per_execution: int
) -> EpochIterator | None:
    if validation_data is None:
        return None
    vx, vy, vsw = unpack(validation_data)
    adapter = get_data_adapter(vx, vy, vsw, batch_size=batch_size, steps=steps, shuffle=False)
    adapter.to(device)
    return EpochIterator(adapter, steps, per_execution)


def _fit_epochs(
    model: Any,
    iterator: EpochIterator,
    val_iterator: EpochIterator | None,
    callbacks: CallbackList,
    runner: StepRunner,
    run_step: Any,
    parallel: DataParallelContext | None,
    epochs: int,
    initial_epoch: int,
    validation_freq: Any,
) -> None:
    per_execution = model.steps_per_execution
    training_logs: dict = {}
    with ModeGuard(model):
        callbacks.on_train_begin()
        # BackupAndRestore resumes a run: the epoch, and the batches of it already run.
        initial_epoch = model.__dict__.pop("_initial_epoch", initial_epoch)
        resume = model.__dict__.pop("_resume_skip", None)
        for epoch in range(initial_epoch, epochs):
            model.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            model.train()
            begin = callbacks.hooks("on_train_batch_begin")
            end = callbacks.hooks("on_train_batch_end")
            ran = False
            batches = iterator if resume is None else _skip_batches(iterator, *resume)
            if parallel is not None:
                batches = parallel.batches(batches)
            resume = None
            for first, last, chunk in executions(batches, per_execution):
                if begin:
                    callbacks.on_train_batch_begin(first)
                for bx, by, bsw in chunk:
                    run_step(bx, by, bsw)
                ran = True
                if end:
                    callbacks.on_train_batch_end(last, _batch_logs(model, runner))
                if model.stop_training:
                    break
            if parallel is not None:
                parallel.reduce_metrics(model)
            # An epoch without batches (the data ran out) logs nothing, as in Keras.
            epoch_logs = dict(model._get_metrics_result_or_logs(runner.logs)) if ran else {}
            model.eval()
            if val_iterator is not None and _should_eval(epoch, validation_freq):
                val_logs = run_evaluation(model, val_iterator, callbacks, parallel)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if model.stop_training:
                break
        optimizer = model.optimizer
        if not is_torch_optimizer(optimizer) and epochs > 0:
            with torch.no_grad():
                optimizer.finalize_variable_values(model.trainable_weights)
        callbacks.on_train_end(training_logs)


def _num_rows(x: Any) -> int | None:
    """The row count of array-like training data (None for loaders and generators)."""
    first = x
    while isinstance(first, (list, tuple, dict)) and first:
        first = first[0] if not isinstance(first, dict) else next(iter(first.values()))
    shape = getattr(first, "shape", None)
    return int(shape[0]) if shape else None


def _skip_batches(iterator: Any, count: int, rng: dict) -> Any:
    """The epoch's batches after the first ``count`` (already run before a restart); the
    random generators take their saved state where the resumed batches begin."""
    from tkeras.callbacks.backup_and_restore import set_rng_state

    restored = False
    for step, batch in iterator:
        if step < count:
            continue
        if not restored:
            set_rng_state(rng)
            restored = True
        yield step, batch
    if not restored:
        set_rng_state(rng)


def run_evaluation(
    model: Any,
    iterator: EpochIterator,
    callbacks: CallbackList,
    parallel: DataParallelContext | None = None,
) -> dict:
    """One evaluation pass with callbacks (this rank's shards under torchrun, the metrics
    summed over the ranks at the end); returns the logs as Python floats."""
    runner = StepRunner(model, "test")
    batches, run_step = iterator, runner.step
    if parallel is not None:
        batches = parallel.batches(iterator)
        run_step = parallel.wrap_step(model, runner.step, "test")
    object.__setattr__(model, "stop_evaluating", False)
    callbacks.on_test_begin()
    model.reset_metrics()
    begin = callbacks.hooks("on_test_batch_begin")
    end = callbacks.hooks("on_test_batch_end")
    with torch.no_grad():
        for first, last, chunk in executions(batches, iterator.steps_per_execution):
            if begin:
                callbacks.on_test_batch_begin(first)
            for bx, by, bsw in chunk:
                run_step(bx, by, bsw)
            if end:
                callbacks.on_test_batch_end(last, _batch_logs(model, runner))
            if model.stop_evaluating:
                break
    if parallel is not None:
        parallel.reduce_metrics(model)
    logs = pythonify_logs(model._get_metrics_result_or_logs(runner.logs))
    callbacks.on_test_end(logs)
    return logs


def evaluate(
    model: Any,
    x: Any,
    y: Any,
    batch_size: Any,
    verbose: Any,
    sample_weight: Any,
    steps: Any,
    callbacks: Any,
) -> dict:
    """``Model.evaluate`` as a dict of floats."""
    model._assert_compile_called("evaluate")
    check_verbose(verbose)
    adapter = get_data_adapter(x, y, sample_weight, batch_size=batch_size, steps=steps)
    iterator = EpochIterator(adapter, steps, model.steps_per_execution)
    device = prepare(model, adapter, training=False)
    parallel = parallel_context(device, x, "evaluate")
    if not isinstance(callbacks, CallbackList):
        callbacks = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
            model=model,
        )
    with ModeGuard(model):
        model.eval()
        return run_evaluation(model, iterator, callbacks, parallel)


def parallel_context(device: torch.device, x: Any, method: str) -> DataParallelContext | None:
    """Under torchrun, the data-parallel context of an ``evaluate``/``predict`` run."""
    return DataParallelContext(device, _num_rows(x), method) if world_size() > 1 else None


def on_batch(model: Any, kind: str, x: Any, y: Any, sample_weight: Any, class_weight: Any) -> dict:
    """``train_on_batch`` / ``test_on_batch`` as a dict of floats."""
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError(
                "Arguments `sample_weight` and `class_weight` cannot be specified at the same "
                f"time. Received: sample_weight={sample_weight}, class_weight={class_weight}"
            )
        sample_weight = class_weight_to_sample_weight(y, class_weight)
    adapter = get_data_adapter(x, y, sample_weight)
    device = prepare(model, adapter, training=kind == "train")
    x, y, sample_weight = (move(s, device) for s in (x, y, sample_weight))
    y = tree_map(float_bools, y)
    runner = StepRunner(model, kind)
    model.reset_metrics()
    with ModeGuard(model):
        if kind == "train":
            model.train()
            runner.step(x, y, sample_weight)
        else:
            model.eval()
            with torch.no_grad():
                runner.step(x, y, sample_weight)
    return pythonify_logs(model._get_metrics_result_or_logs(runner.logs))
