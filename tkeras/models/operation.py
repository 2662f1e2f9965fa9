"""Ops on symbolic tensors: ``x + y``, ``ops.sum(x, axis=1)``, ``activations.softmax(x)`` on
``keras.Input`` record a graph node, as Keras's ``Operation`` does.

Every public function of ``tkeras.ops`` and ``tkeras.activations`` is wrapped once (at import)
by ``dispatching``: given concrete tensors it calls the function directly; given a KerasTensor
anywhere in its arguments it creates an ``Operation`` (the function plus the Keras class it
stands for), infers the output shape and dtype by running the function on meta tensors (small
real CPU tensors as a fallback, as for layers) and records a ``Node``. A functional model runs
the node by calling the function on real tensors. ``.keras`` files store each Operation as Keras
3 does (``{"module": "keras.src.ops.numpy", "class_name": "Sum", "config": {"axis": 1, ...}}``).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np
import torch

from tkeras.backend.global_state import stateless_scope
from tkeras.models.shape_inference import _TRIAL_SIZES, _merge
from tkeras.models.symbolic import KerasTensor, Node, flatten_kt, map_kt


def has_symbolic(values: Any) -> bool:
    """Whether a KerasTensor appears in ``values`` (a tuple of arguments, one level of nesting)."""
    for v in values:
        cls = v.__class__
        if cls is KerasTensor:
            return True
        if cls is list or cls is tuple:
            for e in v:
                if e.__class__ is KerasTensor:
                    return True
    return False


class Operation:
    """One op call in a functional graph: a tkeras function standing for one Keras Operation.

    Args:
        fn: the tkeras function (``tkeras.ops.sum``), called with the node's arguments.
        keras_entry: ``(module, class_name, constructor_args)`` of Keras's Operation class.
        name: the node name (default: the snake-case class name, made unique).
        constructor_kwargs: arguments stored in the Operation's config (a file Keras wrote);
            they are passed to ``fn`` on every call.

    Not a Layer: it has no weights and is absent from ``model.layers``, as in Keras; it shows
    in ``model.summary()`` and ``model.operations``.
    """

    _creates_mask = False
    _call_has_mask = False
    supports_masking = False
    trainable = True
    built = True
    weights: list = []  # noqa: RUF012  (read-only: an op has none)
    trainable_weights: list = []  # noqa: RUF012
    non_trainable_weights: list = []  # noqa: RUF012

    def __init__(
        self,
        fn: Any,
        keras_entry: tuple,
        name: str | None = None,
        constructor_kwargs: dict | None = None,
    ) -> None:
        from tkeras.utils.naming import auto_name

        self.fn = fn
        self.keras_entry = keras_entry
        self.name = name or auto_name(keras_entry[1])
        self.constructor_kwargs = dict(constructor_kwargs or {})
        self._inbound_nodes: list[Node] = []

    def __repr__(self) -> str:
        return f"<Operation name={self.name}, op={self.keras_entry[1]}>"

    def fresh(self) -> Operation:
        """A new Operation for the same op (``clone_model`` re-applies ops)."""
        return Operation(self.fn, self.keras_entry, constructor_kwargs=self.constructor_kwargs)

    def count_params(self) -> int:
        return 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.constructor_kwargs:
            kwargs = {**self.constructor_kwargs, **kwargs}
        if has_symbolic(args) or has_symbolic(kwargs.values()):
            return self.symbolic_call(args, kwargs)
        return self.fn(*args, **kwargs)

    def symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        outputs = infer_op(self, args, kwargs)
        node = Node(self, tuple(args), dict(kwargs))
        count = [0]

        def make(spec: tuple) -> KerasTensor:
            kt = KerasTensor(spec[0], dtype=spec[1], node=node, index=count[0], name=self.name)
            count[0] += 1
            return kt

        node.outputs = _map_specs(make, outputs)
        return node.outputs

    # ------------------------------------------------------------------ Keras's config

    def split_arguments(self, node: Node) -> tuple[dict, list, dict]:
        """``(config, call args, call kwargs)`` of a node as Keras's Operation records them:
        the arguments Keras's class takes in ``__init__`` go to the config, the rest are call
        arguments."""
        init_names = self.keras_entry[2]
        try:
            bound = inspect.signature(self.fn).bind(*node.args, **node.kwargs)
        except (TypeError, ValueError):
            return {}, list(node.args), dict(node.kwargs)
        bound.apply_defaults()
        config, args, kwargs = {}, [], {}
        for pname, value in bound.arguments.items():
            kind = bound.signature.parameters[pname].kind
            if pname in init_names:
                config[pname] = value
            elif kind is inspect.Parameter.VAR_POSITIONAL:
                args.extend(value)
            elif kind is inspect.Parameter.VAR_KEYWORD:
                kwargs.update(value)
            elif kind is inspect.Parameter.KEYWORD_ONLY:
                kwargs[pname] = value
            else:
                args.append(value)
        return config, args, kwargs


def _map_specs(fn: Any, structure: Any) -> Any:
    if isinstance(structure, tuple) and len(structure) == 2 and isinstance(structure[1], str):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_specs(fn, v) for k, v in structure.items()}
    if isinstance(structure, tuple):
        return tuple(_map_specs(fn, v) for v in structure)
    return [_map_specs(fn, v) for v in structure]


def _trial(kt: KerasTensor, sizes: tuple[int, int], device: str) -> torch.Tensor:
    from tkeras.backend.convert import standardize_dtype

    dims = [(sizes[0] if i == 0 else sizes[1]) if d is None else d for i, d in enumerate(kt.shape)]
    # Ones, not zeros: integer division and logs of a real fallback run must not fail.
    return torch.ones(dims, dtype=standardize_dtype(kt.dtype), device=device)


def _specs(y: Any, op: Operation) -> Any:
    from tkeras.ops._common import dtype_name

    if isinstance(y, torch.Tensor):
        return tuple(y.shape), dtype_name(y.dtype)
    if isinstance(y, dict):
        return {k: _specs(v, op) for k, v in y.items()}
    if isinstance(y, (list, tuple)):
        return type(y)(_specs(v, op) for v in y)
    raise TypeError(
        f"Operation {op.name!r} ({op.keras_entry[1]}) on symbolic inputs returned "
        f"{type(y).__name__}, not tensors; call it inside a layer's call() on real data instead."
    )


def _run_trial(op: Operation, args: tuple, kwargs: dict, sizes: tuple, device: str) -> Any:
    def real(v: Any) -> Any:
        if isinstance(v, torch.Tensor) and device == "meta":
            return v.to("meta")
        return v

    def concrete(struct: Any) -> Any:
        if isinstance(struct, torch.Tensor):
            return real(struct)
        return map_kt(lambda kt: _trial(kt, sizes, device), struct)

    t_args = tuple(concrete(a) for a in args)
    t_kwargs = {k: concrete(v) for k, v in kwargs.items()}
    with torch.no_grad(), stateless_scope(device):
        return _specs(op.fn(*t_args, **t_kwargs), op)


def _merge_specs(a: Any, b: Any) -> Any:
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], str):
        return _merge(a[0], b[0]), a[1]
    if isinstance(a, dict):
        return {k: _merge_specs(a[k], b[k]) for k in a}
    return type(a)(_merge_specs(x, y) for x, y in zip(a, b))


def infer_op(op: Operation, args: tuple, kwargs: dict) -> Any:
    """Output ``(shape, dtype)`` specs of ``op`` on KerasTensor arguments (meta, then CPU)."""
    results = []
    for sizes in _TRIAL_SIZES:
        try:
            results.append(_run_trial(op, args, kwargs, sizes, "meta"))
            continue
        except TypeError as error:
            if "not tensors" in str(error):
                raise
            first_error: Exception = error
        except (RuntimeError, NotImplementedError, ValueError, IndexError) as error:
            first_error = error
        try:
            results.append(_run_trial(op, args, kwargs, sizes, "cpu"))
        except TypeError as error:
            if "not tensors" in str(error):
                raise
            raise _op_error(op, args, kwargs, error) from first_error
        except (RuntimeError, NotImplementedError, ValueError, IndexError) as error:
            raise _op_error(op, args, kwargs, error) from first_error
    return _merge_specs(results[0], results[1])


def _op_error(op: Operation, args: tuple, kwargs: dict, error: Exception) -> ValueError:
    shapes = ", ".join(
        str(tuple(v.shape))
        for v in (*args, *kwargs.values())
        if isinstance(v, (KerasTensor, torch.Tensor, np.ndarray))
    ) or ", ".join(str(kt.shape) for kt in flatten_kt((args, kwargs)))
    hint = ""
    unknown = [v for v in (*args, *kwargs.values()) if _holds_none(v)]
    if unknown:
        hint = (
            f". The argument {unknown[0]!r} holds None, an unknown dimension (ops.shape(x)[i] "
            "of a symbolic tensor): it has no value when the model runs. Use -1 for reshape's "
            "batch axis, or compute the shape inside a layer's call()"
        )
    return ValueError(
        f"Operation {op.name!r} ({op.keras_entry[1]}) cannot be applied to symbolic inputs of "
        f"shapes {shapes}: {error}{hint}"
    )


def _holds_none(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and any(v is None for v in value)


def dispatching(fn: Any, keras_entry: tuple) -> Any:
    """``fn`` that records an ``Operation`` when given a KerasTensor, else calls ``fn``."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if has_symbolic(args) or (kwargs and has_symbolic(kwargs.values())):
            return Operation(fn, keras_entry)(*args, **kwargs)
        return fn(*args, **kwargs)

    op._keras_entry = keras_entry
    return op


# Functions whose KerasTensor arguments are answered directly (no node) or rejected.
_NOT_OPS = frozenset(
    (
        "cond",
        "convert_to_numpy",
        "custom_gradient",
        "deserialize",
        "dtype",
        "fori_loop",
        "get",
        "is_tensor",
        "linear",
        "map",
        "scan",
        "serialize",
        "shape",
        "switch",
        "vectorized_map",
        "while_loop",
    )
)


def install(modules: Any, table: dict, module_name: str = "tkeras.ops") -> None:
    """Wrap each public function of ``modules`` with ``dispatching``, once (a function shared
    by several modules gets one wrapper). Functions Keras has no Operation class for get a
    generic entry named after them, so they still build graphs (files then load in tkeras
    only)."""
    from tkeras.utils.naming import to_snake_case

    done: dict[int, Any] = {}
    for module in modules:
        namespace = vars(module)
        names = namespace.get("__all__") or [
            n
            for n, v in namespace.items()
            if not n.startswith("_") and getattr(v, "__module__", "").startswith("tkeras.")
        ]
        for name in names:
            fn = namespace.get(name)
            if not inspect.isfunction(fn) or hasattr(fn, "_keras_entry") or name in _NOT_OPS:
                continue
            if id(fn) not in done:
                entry = table.get(name)
                if entry is None:
                    class_name = "".join(p.capitalize() for p in to_snake_case(name).split("_"))
                    entry = (module_name, class_name, ())
                done[id(fn)] = dispatching(fn, tuple(entry))
            namespace[name] = done[id(fn)]


def operation_from_keras(module: str, class_name: str, config: dict) -> Operation:
    """The Operation for a ``.keras`` file's op entry (Keras's or tkeras's)."""
    fn = _function_for(module, class_name)
    kwargs = {k: v for k, v in config.items() if k != "name"}
    return Operation(fn, fn._keras_entry, name=config.get("name"), constructor_kwargs=kwargs)


def _function_for(module: str, class_name: str) -> Any:
    from tkeras import activations, ops, random

    fns = [
        getattr(namespace, name, None)
        for namespace in (ops, activations, random)
        for name in getattr(namespace, "__all__", ())
    ]
    fns.extend([getattr(fn, "_drawn_like", None) for fn in fns])
    for same_module in (True, False):
        for fn in fns:
            entry = getattr(fn, "_keras_entry", None)
            if entry is None or entry[1] != class_name:
                continue
            if entry[0] == module or not same_module:
                return fn
    raise ValueError(
        f"Cannot load the operation {module}.{class_name}: tkeras has no matching op. "
        "Rebuild the model in code, or replace the op with a Lambda layer."
    )


def is_operation(obj: Any) -> bool:
    return isinstance(obj, Operation)


__all__ = ["Operation", "dispatching", "has_symbolic", "install", "operation_from_keras"]
