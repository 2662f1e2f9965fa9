"""``predict`` and ``predict_on_batch``: every batch's outputs, concatenated as numpy (under
torchrun, each rank's shards gathered back in the global order)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tkeras.callbacks.callback_list import CallbackList
from tkeras.trainers.data_adapters import get_data_adapter
from tkeras.trainers.data_utils import move
from tkeras.trainers.epoch_iterator import EpochIterator, executions
from tkeras.trainers.loops import check_verbose, parallel_context, prepare
from tkeras.trainers.step import ModeGuard, StepRunner


def _concat(batches: list, to_numpy: bool = True) -> Any:
    """Concatenate per-batch outputs (tensors or structures of them) along the batch axis;
    as numpy for ``predict``'s result, as tensors for an execution's callback outputs."""
    first = batches[0]
    if isinstance(first, torch.Tensor):
        out = torch.cat([b.detach() for b in batches])
        return out.cpu().numpy() if to_numpy else out
    if isinstance(first, (list, tuple)):
        return type(first)(_concat([b[i] for b in batches], to_numpy) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _concat([b[k] for b in batches], to_numpy) for k in first}
    return np.concatenate([np.asarray(b) for b in batches])


def predict(model: Any, x: Any, batch_size: Any, verbose: Any, steps: Any, callbacks: Any) -> Any:
    """``Model.predict``: every batch's outputs, concatenated, as numpy."""
    check_verbose(verbose)
    adapter = get_data_adapter(x, batch_size=batch_size, steps=steps)
    iterator = EpochIterator(adapter, steps, model.steps_per_execution)
    device = prepare(model, adapter, training=False)
    parallel = parallel_context(device, x, "predict")
    batches = iterator if parallel is None else parallel.batches(iterator)
    if not isinstance(callbacks, CallbackList):
        callbacks = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
            model=model,
        )
    runner = StepRunner(model, "predict")
    object.__setattr__(model, "stop_predicting", False)
    outputs: list = []
    with ModeGuard(model), torch.no_grad():
        model.eval()
        callbacks.on_predict_begin()
        begin = callbacks.hooks("on_predict_batch_begin")
        end = callbacks.hooks("on_predict_batch_end")
        for first, last, chunk in executions(batches, iterator.steps_per_execution):
            if begin:
                callbacks.on_predict_batch_begin(first)
            outs = [runner.step(bx, by, bsw) for bx, by, bsw in chunk]
            outputs.extend(outs)
            if end:
                out = outs[0] if len(outs) == 1 else _concat(outs, to_numpy=False)
                callbacks.on_predict_batch_end(last, {"outputs": out})
            if model.stop_predicting:
                break
        callbacks.on_predict_end()
    if not outputs:
        raise ValueError(
            "predict() ran no batch: the input yielded no samples (an empty array, Dataset, "
            "DataLoader or generator, or `steps=0`). Pass at least one sample."
        )
    if parallel is not None:
        outputs = parallel.gather(outputs)
    return _concat(outputs)


def predict_on_batch(model: Any, x: Any) -> Any:
    """``predict_on_batch``: the outputs of one batch as numpy."""
    adapter = get_data_adapter(x)
    device = prepare(model, adapter, training=False)
    runner = StepRunner(model, "predict")
    with ModeGuard(model), torch.no_grad():
        model.eval()
        out = runner.step(move(x, device), None, None)
    return _concat([out])
