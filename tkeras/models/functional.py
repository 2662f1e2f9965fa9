"""Functional models: ``Model(inputs, outputs)`` over the graph that KerasTensors recorded."""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import torch
from torch import nn

from tkeras.backend.convert import input_torch_dtype, to_string_array
from tkeras.backend.global_state import thread_state
from tkeras.layers.layer import Layer
from tkeras.models.layer_list import LayerList
from tkeras.models.model import Model
from tkeras.models.symbolic import KerasTensor, Node, flatten_kt, map_kt


def _order_nodes(inputs: list[KerasTensor], outputs: list[KerasTensor]):
    """Nodes and layers between ``inputs`` and ``outputs``, deepest (closest to inputs) first.

    The order follows Keras's (depth from the outputs, ties broken by first traversal), so
    ``model.layers`` and ``get_weights()`` list layers in Keras's order.
    """
    input_ids = {id(t) for t in inputs}
    finished: set[int] = set()
    in_progress: set[int] = set()
    ordered: list[Node] = []
    first_seen: dict[int, int] = {}

    def visit(tensor: KerasTensor) -> None:
        node = tensor.node
        if node is None or id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))  # an intermediate tensor declared as a model input
            return
        if id(node) in in_progress:
            raise ValueError(f"Tensor {tensor} from layer {node.layer.name!r} is part of a cycle.")
        first_seen.setdefault(id(node.layer), len(first_seen))
        in_progress.add(id(node))
        if not node.is_input:
            for parent in node.input_tensors:
                visit(parent)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered.append(node)

    for t in outputs:
        visit(t)

    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    in_graph = {id(n) for n in ordered}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:
        if t.node is not None and id(t.node.layer) not in layer_depth and t.node.is_input:
            layer_depth[id(t.node.layer)] = 0
            first_seen[id(t.node.layer)] = -1
            node_depth[id(t.node)] = 0
            ordered.append(t.node)

    by_id = {id(n.layer): n.layer for n in ordered}
    layers = sorted(by_id.values(), key=lambda l: (-layer_depth[id(l)], first_seen[id(l)]))
    nodes = sorted(
        {id(n): n for n in ordered}.values(), key=lambda n: (-node_depth[id(n)], ordered.index(n))
    )
    return nodes, layers


def _check_graph(
    nodes: list[Node], layers: list[Layer], inputs: list[KerasTensor], outputs: list[KerasTensor]
) -> None:
    computable = {id(t) for t in inputs}
    done: list[str] = []
    for node in nodes:
        if node.is_input and not any(id(t) in computable for t in node.output_tensors):
            continue
        for t in node.input_tensors:
            if id(t) not in computable:
                raise ValueError(
                    f"Graph disconnected: cannot find parent for tensor {t} at layer "
                    f"{node.layer.name!r}. The following previous layers were accessed without "
                    f"issue: {done}. Pass the Input(s) that this tensor comes from to `inputs`."
                )
        done.append(node.layer.name)
        computable.update(id(t) for t in node.output_tensors)
    missing = [t for t in outputs if id(t) not in computable]
    if missing:
        raise ValueError(f"Output {missing[0]} is not connected to `inputs`.")
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(
                f'The name "{name}" is used {names.count(name)} times in the model. '
                "All layer names should be unique."
            )
    used = {id(t) for n in nodes for t in n.input_tensors} | {id(t) for t in outputs}
    unused = [t.name for t in inputs if id(t) not in used]
    if unused:
        raise ValueError(
            f"Inputs {unused} do not reach any output of the model. Remove them "
            "from `inputs` or connect them to an output."
        )


class Functional(Model):
    """A model defined by ``Model(inputs, outputs)``: a graph of layer calls on KerasTensors.

    Inputs and outputs may each be one KerasTensor, a list or a dict; the model is called with
    (and returns) the same structure. Layers may be shared (called on several tensors) and
    models may be used as layers. Once built it is a plain ``nn.Module``.

    Example:
        >>> import tkeras
        >>> inputs = tkeras.Input((4,))
        >>> outputs = tkeras.layers.Dense(2)(inputs)
        >>> tkeras.Model(inputs, outputs).output_shape
        (None, 2)
    """

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        name: str | None = None,
        trainable: bool = True,
        **kwargs: Any,
    ) -> None:
        if name is None:
            name = _functional_name() if type(self) is Functional else None
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        if isinstance(outputs, dict):
            # Keras flattens a dict by sorted key: outputs, output_names and the dicts that
            # call/predict return follow that order, whatever order the dict was written in.
            outputs = {key: outputs[key] for key in sorted(outputs)}
        flat_in, flat_out = flatten_kt(inputs), flatten_kt(outputs)
        for kind, value, flat in (("inputs", inputs, flat_in), ("outputs", outputs, flat_out)):
            if not flat or len(flat) != _count_leaves(value):
                raise ValueError(
                    f"All `{kind}` of a functional Model must be KerasTensors "
                    f"(from tkeras.Input or a layer call). Received: {value!r}"
                )
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        # Keras returns the tensor itself (not a one-element list) for outputs=[out].
        self._call_outputs = (
            outputs[0] if isinstance(outputs, (list, tuple)) and len(outputs) == 1 else outputs
        )
        self._flat_inputs = flat_in
        self._flat_outputs = flat_out
        # None for a "string" Input: its text stays a numpy array of str (docs/data.md).
        self._input_dtypes = [input_torch_dtype(t.dtype) for t in flat_in]
        self._text_inputs = any(d is None for d in self._input_dtypes)
        nodes, layers = _order_nodes(flat_in, flat_out)
        _check_graph(nodes, layers, flat_in, flat_out)
        self._nodes = [n for n in nodes if not n.is_input]
        self._all_nodes = nodes
        # Ops (``x + y``, ``ops.sum``) are graph nodes but not layers, as in Keras.
        self._operations = layers
        self._modules["layers"] = nn.ModuleList(l for l in layers if isinstance(l, nn.Module))
        self._masking = any(n.layer._creates_mask for n in self._nodes)
        self._mask_routes = _mask_routes(self._nodes)
        self.built = True
        self._build_shape = map_kt(lambda t: t.shape, inputs)
        self._output_shape = map_kt(lambda t: t.shape, self._call_outputs)

    @property
    def layers(self) -> list[Layer]:
        return LayerList(self._modules["layers"])

    @property
    def operations(self) -> list[Any]:
        """Every layer and op of the graph, in Keras's order (``layers`` has the layers)."""
        return list(self._operations)

    @property
    def inputs(self) -> list[KerasTensor]:
        return list(self._flat_inputs)

    @property
    def outputs(self) -> list[KerasTensor]:
        return list(self._flat_outputs)

    @property
    def input(self) -> Any:
        """The model's input structure (one KerasTensor, a list or a dict), as given."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        """The model's output structure, as given."""
        return self._outputs_struct

    @property
    def input_names(self) -> list[str]:
        return [t.node.layer.name for t in self._flat_inputs]

    @property
    def output_names(self) -> list[str]:
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        return [t.node.layer.name for t in self._flat_outputs]

    def _feed(self, inputs: Any) -> dict[int, Any]:
        struct = self._inputs_struct
        if len(self._flat_inputs) == 1:
            # One input: a bare tensor, a one-element list or a dict keyed by the input's name
            # all work, whichever way the model was built (as in Keras).
            only = self._flat_inputs[0]
            if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
                inputs = inputs[0]
            elif isinstance(inputs, dict) and len(inputs) == 1:
                key = next(iter(struct)) if isinstance(struct, dict) else self.input_names[0]
                if key not in inputs:
                    raise ValueError(
                        f"Model {self.name!r} expects an input named {key!r}; received keys "
                        f"{list(inputs)}."
                    )
                inputs = inputs[key]
            return {id(only): inputs}
        if isinstance(struct, dict):
            if not isinstance(inputs, dict):
                raise ValueError(
                    f"Model {self.name!r} expects a dict of inputs with keys "
                    f"{list(struct)}; received {type(inputs).__name__}."
                )
            missing = [k for k in struct if k not in inputs]
            if missing:
                raise ValueError(
                    f"Model {self.name!r}: missing inputs {missing}; received keys {list(inputs)}."
                )
            return {id(struct[k]): inputs[k] for k in struct}
        if isinstance(struct, (list, tuple)):
            if isinstance(inputs, dict):
                names = self.input_names
                inputs = [inputs[n] for n in names]
            if not isinstance(inputs, (list, tuple)) or len(inputs) != len(self._flat_inputs):
                got = len(inputs) if isinstance(inputs, (list, tuple)) else 1
                raise ValueError(
                    f"Model {self.name!r} expects {len(self._flat_inputs)} input(s), "
                    f"but it received {got} input tensors."
                )
            return {id(t): v for t, v in zip(self._flat_inputs, inputs)}
        return {id(self._flat_inputs[0]): inputs}

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        values = self._feed(inputs)
        for t, want in zip(self._flat_inputs, self._input_dtypes):
            v = values[id(t)]
            if want is None:
                values[id(t)] = _adjust_rank(to_string_array(v), t)
                continue
            if not isinstance(v, torch.Tensor):
                from tkeras.backend.convert import convert_to_tensor

                v = values[id(t)] = convert_to_tensor(v)
            if v.dtype is not want:
                # Keras converts each input to its Input's dtype (bool one-hots, int arrays).
                v = values[id(t)] = v.to(want)
            if v.dim() != len(t.shape):
                values[id(t)] = _adjust_rank(v, t)
        # Text layers return host tensors: they join the device of the model's weights.
        device = self._text_device() if self._text_inputs else None
        masks: dict[int, Any] = {}
        if mask is not None and len(self._flat_inputs) == 1:
            masks[id(self._flat_inputs[0])] = mask
        get = values.__getitem__
        # Keras's functional run gives every layer the model's own `training` (the argument or
        # the outer call's), over a `training=` recorded when the graph was built.
        outer_training = thread_state().training
        for node in self._nodes:
            layer = node.layer
            args = map_kt(lambda t: get(id(t)), node.args)
            kwargs = map_kt(lambda t: get(id(t)), node.kwargs) if node.kwargs else {}
            if outer_training is not None and "training" in kwargs and layer._call_has_training:
                kwargs = {**kwargs, "training": outer_training}
            in_mask = None
            if self._masking or masks:
                if len(node.input_tensors) == 1:
                    in_mask = masks.get(id(node.input_tensors[0]))
                else:
                    in_mask = [masks.get(id(t)) for t in node.input_tensors]
                    if all(m is None for m in in_mask):
                        in_mask = None
                if in_mask is not None and layer._call_has_mask and "mask" not in kwargs:
                    kwargs = {**kwargs, "mask": in_mask}
                elif in_mask is not None and node in self._mask_routes:
                    kwargs = dict(kwargs)
                    for kwarg, t in self._mask_routes[node]:
                        m = masks.get(id(t))
                        if m is not None and kwargs.get(kwarg) is None:
                            kwargs[kwarg] = m
            out = layer(*args, **kwargs)
            if device is not None and isinstance(out, torch.Tensor) and out.device != device:
                out = out.to(device)
            flat = node.output_tensors
            if len(flat) == 1:
                values[id(flat[0])] = out
                if (self._masking or masks) and layer.supports_masking and args:
                    new_mask = layer.compute_mask(args[0], in_mask)
                    if new_mask is not None:
                        masks[id(flat[0])] = new_mask
            else:
                for t, v in zip(flat, _flatten_values(out)):
                    values[id(t)] = v
                if (self._masking or masks) and layer.supports_masking and args:
                    # Multi-output layers (an RNN with return_state) give one mask per output.
                    new_masks = layer.compute_mask(args[0], in_mask)
                    if not isinstance(new_masks, (list, tuple)):
                        new_masks = [new_masks]
                    for t, m in zip(flat, new_masks):
                        if m is not None:
                            masks[id(t)] = m
        return map_kt(lambda t: get(id(t)), self._call_outputs)

    def _text_device(self) -> torch.device | None:
        first = next(itertools.chain(self.parameters(), self.buffers()), None)
        return None if first is None else first.device

    def compute_output_shape(self, input_shape: Any) -> Any:
        return map_kt(lambda t: t.shape, self._call_outputs)

    def build_from_shape(self, input_shape: Any) -> None:
        return None

    def get_config(self) -> dict[str, Any]:
        """Keras's functional config, the one ``.keras`` files hold (saving/graph_config.py)."""
        from tkeras.saving import graph_config

        return graph_config.functional_config(self)


def _mask_routes(nodes: list[Node]) -> dict[Node, list[tuple[str, KerasTensor]]]:
    """For layers taking one mask argument per input (MultiHeadAttention's ``query_mask``...),
    which input tensor's mask goes to which argument, as Keras routes them."""
    routes = {}
    for node in nodes:
        names = getattr(node.layer, "_input_mask_kwargs", None)
        if not names:
            continue
        bound = inspect.signature(node.layer.call).bind_partial(*node.args, **node.kwargs)
        route = [
            (names[arg], value)
            for arg, value in bound.arguments.items()
            if arg in names and isinstance(value, KerasTensor)
        ]
        if route:
            routes[node] = route
    return routes


def _adjust_rank(x: Any, ref: KerasTensor) -> Any:
    """Keras's input rank adjustment: a trailing axis of 1 is dropped or added to match the
    Input's rank (``(batch,)`` data for ``Input(shape=(1,))``); other ranks pass unchanged."""
    rank, want = x.ndim, len(ref.shape)
    if rank == want + 1 and x.shape[-1] == 1:
        return x[..., 0]
    if rank == want - 1 and ref.shape[-1] == 1:
        return x[..., None]
    return x


def _flatten_values(out: Any) -> list:
    if isinstance(out, (list, tuple)):
        return [v for e in out for v in _flatten_values(e)]
    if isinstance(out, dict):
        return [v for e in out.values() for v in _flatten_values(e)]
    return [out]


def _count_leaves(struct: Any) -> int:
    if isinstance(struct, dict):
        return sum(_count_leaves(v) for v in struct.values())
    if isinstance(struct, (list, tuple)):
        return sum(_count_leaves(v) for v in struct)
    return 1


def _functional_name() -> str:
    from tkeras.utils.naming import uniquify

    return uniquify("functional")
