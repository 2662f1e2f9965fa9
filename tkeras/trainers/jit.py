"""``compile(jit_compile=True)``: the step's forward pass and loss under ``torch.compile``.

The compiled function is the model call plus the loss (AOTAutograd compiles its backward
too); the optimizer update stays eager, since its Python-side counters (iteration, bias
corrections) would make every step a new graph. Batch-size changes (the last partial batch)
cost one recompilation with a dynamic batch dimension, then none. If the first compiled call
hits graph breaks (data-dependent Python control flow, unsupported ops), one warning names
them and the step runs eagerly from then on.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch

__all__ = ["compile_step"]


def _graph_breaks() -> dict[str, int]:
    from torch._dynamo.utils import counters

    return dict(counters["graph_break"])


def compile_step(model: Any, fn: Callable, kind: str) -> Callable:
    """``fn`` compiled with ``torch.compile``; eager (after one warning) on graph breaks."""
    compiled = torch.compile(fn)
    state = {"checked": False, "eager": False}

    def step(*args: Any) -> Any:
        if state["eager"]:
            return fn(*args)
        if state["checked"]:
            return compiled(*args)
        before = _graph_breaks()
        try:
            out = compiled(*args)
        except Exception as error:  # a torch.compile failure: the step still runs, eagerly
            state["eager"] = state["checked"] = True
            warnings.warn(
                f"jit_compile: torch.compile could not compile the {kind} step of model "
                f"{model.name!r} ({type(error).__name__}: {error}); running it eagerly.",
                stacklevel=3,
            )
            return fn(*args)
        state["checked"] = True
        after = _graph_breaks()
        reasons = [r for r, n in after.items() if n > before.get(r, 0)]
        if reasons:
            state["eager"] = True
            warnings.warn(
                f"jit_compile: the {kind} step of model {model.name!r} cannot be compiled as "
                f"one graph (graph breaks: {'; '.join(reasons)}). Data-dependent Python "
                "control flow is the usual cause; it runs eagerly from now on.",
                stacklevel=3,
            )
        return out

    return step
