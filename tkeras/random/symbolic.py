"""``keras.random`` on symbolic tensors: random draws recorded in functional models.

``random.dropout(x, 0.5)``, ``random.shuffle(x)`` and ``random.categorical(logits, 1)`` given
a KerasTensor record a graph node, as ``tkeras.ops`` functions do. A draw whose ``shape`` is
``ops.shape(x)`` of a KerasTensor with unknown dimensions (the batch) records a node that
takes ``x``'s run-time shape: ``z_mean + ops.exp(0.5 * z_log_var) * keras.random.normal(
shape=ops.shape(z_mean))`` builds a functional model, as ``tf.shape`` did in tf.keras. The
seed is kept in the node: an int seed draws the same numbers on every call, a SeedGenerator
new ones. Shape inference never advances a SeedGenerator (``global_state.stateless_scope``).

Differences from Keras: Keras 3 raises for a KerasTensor (or a ``None`` dimension) given to
``keras.random``; draw inside a layer's ``call()`` (the VAE example's Sampling layer) to
write code that runs on both.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from tkeras.models.operation import Operation, dispatching
from tkeras.models.symbolic import SymbolicShape

_MODULE = "tkeras.random"
_SHAPED = ("normal", "uniform", "randint", "truncated_normal", "gamma", "beta", "binomial")


def _class_name(name: str) -> str:
    return "".join(p.capitalize() for p in name.split("_"))


def _drawn_like(name: str, fn: Any) -> Any:
    def like(x, *args, **kwargs):
        return fn(tuple(x.shape), *args, **kwargs)

    like.__name__ = like.__qualname__ = f"{name}_like"
    like._keras_entry = (_MODULE, _class_name(name) + "Like", ())
    return like


def _shaped(name: str, fn: Any) -> Any:
    plain = dispatching(fn, (_MODULE, _class_name(name), ()))
    like = _drawn_like(name, fn)

    @functools.wraps(fn)
    def draw(*args: Any, **kwargs: Any) -> Any:
        shape = args[0] if args else kwargs.get("shape")
        if shape.__class__ is SymbolicShape and None in shape:
            kwargs.pop("shape", None)
            return Operation(like, like._keras_entry)(shape.source, *args[1:], **kwargs)
        if shape is not None and not isinstance(shape, SymbolicShape) and _unknown(shape):
            raise ValueError(
                f"`keras.random.{name}` got shape={tuple(shape)} with an unknown (None) "
                "dimension. Pass `shape=ops.shape(x)` of the symbolic tensor to draw its "
                "shape, or draw inside a layer's call() where shapes are concrete."
            )
        return plain(*args, **kwargs)

    draw._keras_entry = plain._keras_entry
    draw._drawn_like = like  # what a node calls: ``normal_like(x, ...)`` draws ``x.shape``
    return draw


def _unknown(shape: Any) -> bool:
    return isinstance(shape, (tuple, list)) and any(d is None for d in shape)


def install(namespace: dict) -> None:
    """Wrap the public functions of ``tkeras.random`` (in ``namespace``) once."""
    for name in namespace["__all__"]:
        fn = namespace[name]
        if not inspect.isfunction(fn) or hasattr(fn, "_keras_entry"):
            continue
        if name in _SHAPED:
            namespace[name] = _shaped(name, fn)
        else:
            namespace[name] = dispatching(fn, (_MODULE, _class_name(name), ()))
