"""Shape inference by trial runs: the output shape of a layer for an input shape.

The layer runs on torch's meta device with meta copies of its parameters and buffers
(``torch.func.functional_call``), under no_grad in eval mode, so nothing is computed and no
state changes. A ``None`` dimension is tried at two sizes; an output dimension that differs
between the two runs is ``None``. If the meta run fails (a data-dependent op), the same run is
repeated on small real CPU tensors.
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.backend.global_state import stateless_scope
from tkeras.models.symbolic import is_shape

# Sizes tried for unknown dimensions: (batch, other axes), two runs.
_TRIAL_SIZES = ((2, 64), (3, 65))


def _trial_tensors(shape: Any, sizes: tuple[int, int], device: str) -> Any:
    if is_shape(shape):
        dims = [(sizes[0] if i == 0 else sizes[1]) if d is None else d for i, d in enumerate(shape)]
        return torch.zeros(dims, device=device)
    if isinstance(shape, dict):
        return {k: _trial_tensors(v, sizes, device) for k, v in shape.items()}
    return [_trial_tensors(s, sizes, device) for s in shape]


def _out_shapes(y: Any) -> Any:
    if isinstance(y, torch.Tensor):
        return tuple(y.shape)
    if isinstance(y, dict):
        return {k: _out_shapes(v) for k, v in y.items()}
    return [_out_shapes(v) for v in y]


def _merge(a: Any, b: Any) -> Any:
    if is_shape(a):
        return tuple(x if x == y else None for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: _merge(a[k], b[k]) for k in a}
    return [_merge(x, y) for x, y in zip(a, b)]


def _run(layer: Any, x: Any, meta: bool, with_mask: bool = False) -> Any:
    # Shape inference leaves every submodule as it found it: its own mode (a BatchNormalization
    # frozen with .eval() inside a training model stays in eval) and its added losses.
    modules = list(layer.modules())
    modes = [m.training for m in modules]
    losses = [list(m._losses) if hasattr(m, "_losses") else None for m in modules]
    layer.train(False)
    # A real run may write weights (``self.kernel.assign(...)`` in call): put values back.
    saved = (
        [] if meta else [(t, t.detach().clone()) for t in (*layer.parameters(), *layer.buffers())]
    )
    # Random draws advance SeedGenerators even on meta tensors; Keras's graph calls draw none.
    from tkeras.random.seed_generator import seed_states  # random imports this module

    saved += [(t, t.detach().clone()) for t in seed_states(modules)]
    try:
        kwargs = {}
        if with_mask:  # a sequence mask: every axis but the features
            kwargs["mask"] = torch.ones(x.shape[:-1], dtype=torch.bool, device=x.device)
        with torch.no_grad(), stateless_scope("meta" if meta else "cpu"):
            if not meta:
                return layer(x, **kwargs)
            state = {n: torch.empty_like(p, device="meta") for n, p in layer.named_parameters()}
            state.update({n: torch.empty_like(b, device="meta") for n, b in layer.named_buffers()})
            return torch.func.functional_call(layer, state, (x,), kwargs, strict=False)
    finally:
        with torch.no_grad():
            for tensor, value in saved:
                tensor.copy_(value)
        for module, mode, added in zip(modules, modes, losses):
            module.training = mode
            if added is not None:
                module._losses[:] = added


def infer_output_shape(layer: Any, input_shape: Any, with_mask: bool = False) -> Any:
    """The output shape of ``layer`` for ``input_shape`` (None dims allowed), by trial runs
    (``with_mask``: given an all-True mask of the input's shape without its last axis)."""
    results = []
    for sizes in _TRIAL_SIZES:
        try:
            y = _run(layer, _trial_tensors(input_shape, sizes, "meta"), True, with_mask)
        except (RuntimeError, NotImplementedError, TypeError, ValueError, AttributeError):
            # AttributeError: call() used a Variable method (assign) on a meta stand-in.
            y = _run(layer, _trial_tensors(input_shape, sizes, "cpu"), False, with_mask)
        results.append(_out_shapes(y))
    merged = _merge(results[0], results[1])
    if is_shape(input_shape) and input_shape and input_shape[0] is not None and is_shape(merged):
        merged = (input_shape[0], *merged[1:])
    return merged
