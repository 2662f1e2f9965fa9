"""Symbolic tensors (``KerasTensor``), the graph nodes they record, and ``symbolic_call``.

The output shape of a layer without its own ``compute_output_shape`` comes from trial runs in
``tkeras.models.shape_inference``.
"""

from __future__ import annotations

from typing import Any

from tkeras import config


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for unknown dims), a dtype and the call producing it."""

    def __init__(
        self,
        shape: tuple,
        dtype: str | None = None,
        name: str | None = None,
        node: Node | None = None,
        index: int = 0,
    ) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype or config.floatx()
        self.name = name
        self.node = node
        self.index = index

    sparse = False
    ragged = False

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def numpy(self) -> Any:
        raise ValueError(_SYMBOLIC_VALUE)

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(_SYMBOLIC_VALUE)

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a Python bool (in `if`, `and`, `or`). "
            "Use tkeras.ops.cond / ops.where, or write the logic inside a layer's call()."
        )

    def __iter__(self) -> Any:
        raise TypeError(
            "Iterating over a symbolic KerasTensor is not supported: index it (x[:, 0]) or "
            "use tkeras.ops.unstack."
        )

    def __len__(self) -> int:
        raise TypeError(
            f"len() of a symbolic KerasTensor ({self.name}, shape {self.shape}) has no value: "
            "read a dimension with x.shape[i] (None when unknown), or use ops.shape(x) inside "
            "a layer's call()."
        )

    def __float__(self) -> float:
        raise ValueError(_symbolic_cast(self, "float"))

    def __int__(self) -> int:
        raise ValueError(_symbolic_cast(self, "int"))

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None):
        name = getattr(func, "__name__", str(func))
        kts = [kt for kt in flatten_kt((args, kwargs or {})) if isinstance(kt, KerasTensor)]
        shown = ", ".join(f"{kt.name} {kt.shape}" for kt in kts)
        raise TypeError(
            f"torch.{name}() got a symbolic KerasTensor ({shown}): torch functions need real "
            f"tensors. In a functional model use the tkeras.ops function instead ({_ops_hint(name)}"
            "), or call torch inside a layer's call(), where inputs are real tensors."
        )

    def reshape(self, newshape: Any) -> KerasTensor:
        return _op("reshape", self, newshape)

    def squeeze(self, axis: Any = None) -> KerasTensor:
        return _op("squeeze", self, axis=axis)

    @property
    def T(self) -> KerasTensor:  # noqa: N802  (numpy's name)
        return _op("transpose", self)

    # Python operators record the same ops as tkeras.ops, as Keras's KerasTensor does.
    def __add__(self, other: Any) -> KerasTensor:
        return _op("add", self, other)

    def __radd__(self, other: Any) -> KerasTensor:
        return _op("add", other, self)

    def __sub__(self, other: Any) -> KerasTensor:
        return _op("subtract", self, other)

    def __rsub__(self, other: Any) -> KerasTensor:
        return _op("subtract", other, self)

    def __mul__(self, other: Any) -> KerasTensor:
        return _op("multiply", self, other)

    def __rmul__(self, other: Any) -> KerasTensor:
        return _op("multiply", other, self)

    def __truediv__(self, other: Any) -> KerasTensor:
        return _op("true_divide", self, other)

    def __rtruediv__(self, other: Any) -> KerasTensor:
        return _op("true_divide", other, self)

    def __floordiv__(self, other: Any) -> KerasTensor:
        return _op("floor_divide", self, other)

    def __rfloordiv__(self, other: Any) -> KerasTensor:
        return _op("floor_divide", other, self)

    def __mod__(self, other: Any) -> KerasTensor:
        return _op("mod", self, other)

    def __rmod__(self, other: Any) -> KerasTensor:
        return _op("mod", other, self)

    def __pow__(self, other: Any) -> KerasTensor:
        return _op("power", self, other)

    def __rpow__(self, other: Any) -> KerasTensor:
        return _op("power", other, self)

    def __matmul__(self, other: Any) -> KerasTensor:
        return _op("matmul", self, other)

    def __rmatmul__(self, other: Any) -> KerasTensor:
        return _op("matmul", other, self)

    def __neg__(self) -> KerasTensor:
        return _op("negative", self)

    def __pos__(self) -> KerasTensor:
        return self

    def __abs__(self) -> KerasTensor:
        return _op("absolute", self)

    def __invert__(self) -> KerasTensor:
        return _op("logical_not", self)

    def __and__(self, other: Any) -> KerasTensor:
        return _op("logical_and", self, other)

    def __rand__(self, other: Any) -> KerasTensor:
        return _op("logical_and", other, self)

    def __or__(self, other: Any) -> KerasTensor:
        return _op("logical_or", self, other)

    def __ror__(self, other: Any) -> KerasTensor:
        return _op("logical_or", other, self)

    def __xor__(self, other: Any) -> KerasTensor:
        return _op("logical_xor", self, other)

    def __rxor__(self, other: Any) -> KerasTensor:
        return _op("logical_xor", other, self)

    def __lt__(self, other: Any) -> KerasTensor:
        return _op("less", self, other)

    def __le__(self, other: Any) -> KerasTensor:
        return _op("less_equal", self, other)

    def __gt__(self, other: Any) -> KerasTensor:
        return _op("greater", self, other)

    def __ge__(self, other: Any) -> KerasTensor:
        return _op("greater_equal", self, other)

    def __ne__(self, other: Any) -> Any:
        return _op("not_equal", self, other)

    # == stays identity (as in Keras), so KerasTensors can be dict keys and list members.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __getitem__(self, key: Any) -> KerasTensor:
        return _op("get_item", self, key)


def _symbolic_cast(kt: KerasTensor, kind: str) -> str:
    return (
        f"A KerasTensor is symbolic ({kt.name}, shape {kt.shape}): it has no value, so it "
        f"cannot be converted to a {kind}. Call this inside a layer's call() or on real data."
    )


def _ops_hint(torch_name: str) -> str:
    from tkeras import ops

    aliases = {"cat": "concatenate", "concat": "concatenate", "mm": "matmul", "bmm": "matmul"}
    name = aliases.get(torch_name, torch_name.lstrip("_"))
    return f"tkeras.ops.{name}" if name in getattr(ops, "__all__", ()) else "see tkeras.ops"


_SYMBOLIC_VALUE = (
    "A KerasTensor is symbolic: it is a placeholder for a shape and a dtype and has no value. "
    "It cannot be converted to a NumPy array or read: call this inside a layer's call() or on "
    "real data (model.predict(x), model(x))."
)


def _op(name: str, *args: Any, **kwargs: Any) -> Any:
    from tkeras import ops

    return getattr(ops, name)(*args, **kwargs)


class Node:
    """One layer call in a graph: the layer, the call's args/kwargs (holding KerasTensors) and
    its outputs. ``input_tensors`` lists every KerasTensor the call consumed, in order."""

    def __init__(
        self, layer: Any, args: tuple, kwargs: dict, outputs: Any = None, is_input: bool = False
    ) -> None:
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.is_input = is_input
        self.input_tensors = flatten_kt((args, kwargs))
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)

    @property
    def output_tensors(self) -> list[KerasTensor]:
        return flatten_kt(self.outputs)

    @property
    def parent_nodes(self) -> list[Node]:
        return [kt.node for kt in self.input_tensors if kt.node is not None]


class SymbolicShape(tuple):
    """``ops.shape(x)`` of a KerasTensor: Keras's tuple (``None`` for unknown dims) that also
    remembers ``x``, so ``keras.random.normal(shape=ops.shape(x))`` can draw x's run-time shape
    in a functional model. Slices and copies are plain tuples."""

    def __new__(cls, source: KerasTensor) -> SymbolicShape:
        out = super().__new__(cls, source.shape)
        out.source = source
        return out

    def __reduce__(self) -> tuple:
        return tuple, (tuple(self),)


def flatten_kt(structure: Any) -> list[KerasTensor]:
    """Every KerasTensor in a nest of lists, tuples and dicts, in order."""
    if isinstance(structure, KerasTensor):
        return [structure]
    if isinstance(structure, dict):
        return [kt for v in structure.values() for kt in flatten_kt(v)]
    if isinstance(structure, (list, tuple)):
        return [kt for v in structure for kt in flatten_kt(v)]
    return []


def is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int) for d in value)


def map_shapes(fn, structure: Any) -> Any:
    """Apply ``fn`` to each shape in a nest of shapes (a shape is a tuple of ints/None)."""
    if is_shape(structure):
        return fn(tuple(structure))
    if isinstance(structure, dict):
        return {k: map_shapes(fn, v) for k, v in structure.items()}
    return [map_shapes(fn, s) for s in structure]


def _map_kt(fn, structure: Any) -> Any:
    if isinstance(structure, KerasTensor):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_kt(fn, v) for k, v in structure.items()}
    if isinstance(structure, list):
        return [_map_kt(fn, v) for v in structure]
    if isinstance(structure, tuple):
        return tuple(_map_kt(fn, v) for v in structure)
    return structure


map_kt = _map_kt


def symbolic_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """Call ``layer`` on KerasTensors: build it, infer the output shape, record a Node."""
    inputs = args[0] if args else next(iter(kwargs.values()))
    shapes = _map_kt(lambda kt: kt.shape, inputs)
    if isinstance(inputs, KerasTensor):
        shapes = inputs.shape
    if not layer.built:
        layer.build_from_shape(shapes)
    elif layer.input_spec is not None and isinstance(inputs, KerasTensor):
        layer.input_spec.check(layer.name, shapes, hint=layer._input_hint())
    if "mask" not in kwargs and _needs_trial_mask(layer, inputs):
        from tkeras.models.shape_inference import infer_output_shape  # it imports this module

        out_shape = infer_output_shape(layer, shapes, with_mask=True)
    else:
        out_shape = layer.compute_output_shape(shapes)
    node = Node(layer, tuple(args), dict(kwargs))
    count = [0]
    # Layers whose outputs are not floatx (the lookup and text layers) name their dtype.
    dtype = layer._symbolic_dtype() if hasattr(layer, "_symbolic_dtype") else None

    def make(shape):
        kt = KerasTensor(shape, dtype, node=node, index=count[0], name=layer.name)
        count[0] += 1
        return kt

    outputs = map_shapes(make, out_shape)
    node.outputs = outputs
    return outputs


def _needs_trial_mask(layer: Any, inputs: Any) -> bool:
    """Whether a user's mask-consuming layer (``call(inputs, mask=None)``) gets a mask here:
    its input descends from a mask-making layer through mask-propagating ones. Its shape
    inference then passes an all-True mask, as Keras passes a symbolic one."""
    from tkeras.layers.layer import Layer

    cls = type(layer)
    if (
        not getattr(layer, "_call_has_mask", False)
        or cls.__module__.startswith("tkeras.")
        or cls.compute_output_shape is not Layer.compute_output_shape
        or not isinstance(inputs, KerasTensor)
    ):
        return False
    stack, seen = [inputs], set()
    while stack:
        node = stack.pop().node
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if getattr(node.layer, "_creates_mask", False):
            return True
        if getattr(node.layer, "supports_masking", False):
            stack.extend(flatten_kt(node.args))
    return False
