"""``plot_model`` and ``model_to_dot``: a model's graph in Graphviz's DOT language.

Keras builds the graph with pydot and renders it with Graphviz. tkeras writes the DOT text
itself (the same nodes, HTML-table labels, edges and graph attributes as Keras's), so
``model_to_dot`` and ``plot_model(to_file="model.dot")`` need nothing installed; rendering an
image (``.png``, ``.svg``, ``.pdf``, ...) runs Graphviz's ``dot`` program when it is on PATH.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from typing import Any

# Extensions written as DOT text, with no Graphviz needed.
DOT_FORMATS = ("dot", "gv", "raw")
GRAPHVIZ_MISSING = (
    "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) for "
    "`plot_model` to work: its `dot` program was not found on PATH. To get the graph without "
    "Graphviz, save DOT text instead (`to_file='model.dot'`) or use `model_to_dot(model)`."
)


def _quote(value: Any) -> str:
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        return text  # an HTML label
    if text.replace("_", "").replace(".", "").isalnum():
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attributes(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items())


class DotGraph:
    """A DOT graph (Keras returns a ``pydot.Dot``; this has its ``to_string``, ``write`` and
    ``create`` methods). ``nodes`` maps node ids to attributes, ``edges`` lists
    ``(source id, destination id)``, ``subgraphs`` the clusters of expanded nested models."""

    def __init__(self, name: str = "G", cluster: bool = False, **attributes: Any) -> None:
        self.name, self.cluster = name, cluster
        self.attributes: dict[str, Any] = attributes
        self.node_defaults: dict[str, Any] = {}
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: list[tuple[str, str]] = []
        self.subgraphs: list[DotGraph] = []

    def add_edge(self, source: str, destination: str) -> None:
        if (source, destination) not in self.edges:
            self.edges.append((source, destination))

    def _body(self) -> list[str]:
        lines = [f"{k}={_quote(v)};" for k, v in self.attributes.items()]
        if self.node_defaults:
            lines.append(f"node [{_attributes(self.node_defaults)}];")
        for sub in self.subgraphs:
            lines.append(sub.to_string())
        lines += [f"{node} [{_attributes(attrs)}];" for node, attrs in self.nodes.items()]
        lines += [f"{a} -> {b} [penwidth=2];" for a, b in self.edges]
        return lines

    def to_string(self) -> str:
        if self.cluster:
            head = f"subgraph {_quote('cluster_' + self.name)} {{"
        else:
            head = f"digraph {_quote(self.name)} {{"
        return "\n".join([head, *self._body(), "}"]) + "\n"

    __str__ = to_string

    def create(self, prog: str = "dot", format: str = "png") -> bytes:
        """The graph rendered by Graphviz (``prog`` on PATH) in ``format``."""
        if format in DOT_FORMATS:
            return self.to_string().encode()
        program = shutil.which(prog)
        if program is None:
            raise ImportError(GRAPHVIZ_MISSING)
        result = subprocess.run(
            [program, f"-T{format}"], input=self.to_string().encode(), capture_output=True
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"Graphviz `{prog} -T{format}` failed: {result.stderr.decode(errors='replace')}"
            )
        return result.stdout

    def write(self, path: str, prog: str = "dot", format: str = "raw") -> None:
        """Write the DOT text (``format="raw"``) or a rendered image to ``path``."""
        data = self.create(prog=prog, format=format)
        with open(path, "wb") as f:
            f.write(data)


def _shape_text(shape: Any) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        text = ", ".join(f"{k}: {v}" for k, v in shape.items())
    else:
        text = f"{shape}"
    return text.replace("}", "").replace("{", "")


def _structure(fn, tensors: Any) -> Any:
    if isinstance(tensors, dict):
        return {k: _structure(fn, v) for k, v in tensors.items()}
    if isinstance(tensors, (list, tuple)):
        return [_structure(fn, v) for v in tensors]
    return fn(tensors)


def _activation_name(layer: Any) -> str:
    activation = layer.activation
    for attr in ("name", "__name__"):
        if hasattr(activation, attr):
            return str(getattr(activation, attr))
    return str(activation)


def _label(layer: Any, show_layer_names, show_layer_activations, show_dtype, show_shapes,
           show_trainable) -> str:  # fmt: skip
    """Keras's HTML-table label: name (class), activation, shapes, dtype, trainable."""
    class_name = type(layer).__name__
    colspan = max(1, int(show_dtype) + int(show_trainable) + 2 * int(show_shapes))
    title = (
        f"<b>{html.escape(layer.name)}</b> ({class_name})"
        if show_layer_names
        else f"<b>{class_name}</b>"
    )
    table = '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
    table += (
        f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" color="white">'
        f"{title}</font></td></tr>"
    )
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        table += (
            f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
            f"Activation: <b>{html.escape(_activation_name(layer))}</b></font></td></tr>"
        )
    cols = []
    cell = '<td bgcolor="white"><font point-size="14">{}: <b>{}</b></font></td>'
    if show_shapes:
        shapes = []
        for attr in ("input", "output"):
            try:
                shapes.append(_structure(lambda t: t.shape, getattr(layer, attr)))
            except (ValueError, AttributeError):
                shapes.append(None)
        if class_name != "InputLayer":
            cols.append(cell.format("Input shape", html.escape(_shape_text(shapes[0]))))
        cols.append(cell.format("Output shape", html.escape(_shape_text(shapes[1]))))
    if show_dtype:
        try:
            dtype = _structure(lambda t: t.dtype, layer.output)
        except (ValueError, AttributeError):
            dtype = None
        cols.append(cell.format("Output dtype", html.escape(str(dtype or "?"))))
    if show_trainable and getattr(layer, "weights", None):
        color, text = ("forestgreen", "Trainable") if layer.trainable else (
            "firebrick", "Non-trainable")  # fmt: skip
        cols.append(
            f'<td bgcolor="{color}"><font point-size="14" color="white"><b>{text}</b></font></td>'
        )
    if cols:
        table += f"<tr>{''.join(cols)}</tr>"
    return table + "</table>>"


def _node_id(layer: Any) -> str:
    return str(id(layer))


def _is_graph_model(layer: Any) -> bool:
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    return isinstance(layer, (Functional, Sequential))


def _last_leaf(model: Any, index: int) -> Any:
    """The innermost layer producing output ``index`` of a nested model."""
    while _is_graph_model(model):
        tensor = model.outputs[index]
        model, index = tensor.node.layer, tensor.index
    return model


def _first_leaf(model: Any, index: int) -> Any:
    """The innermost layer receiving input ``index`` of a nested model."""
    from tkeras.models.sequential import Sequential

    while _is_graph_model(model):
        if isinstance(model, Sequential):
            model = model.layers[0]
        else:
            model = model.inputs[index].node.layer
    return model


def _check_call(model: Any, kwargs: dict) -> None:
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or "
            "by calling the model on a batch of data."
        )
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """A model's graph as DOT: one node per layer (Keras's labels), one edge per connection.

    Args:
        model: a built model.
        show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable:
            what each node's label shows.
        rankdir: ``"TB"`` (vertical) or ``"LR"`` (horizontal).
        expand_nested: draw nested models as dashed clusters of their layers.
        dpi: the resolution attribute of the graph.
        subgraph: return a cluster (used for nested models).
        splines: how edges are drawn (``"ortho"``, ``"curved"``, ``"polyline"``, ...).

    Returns a ``DotGraph`` (``to_string()`` is the DOT text).

    Differences from Keras: returns tkeras's ``DotGraph``, not a ``pydot.Dot``; needs no pydot.

    Example:
        >>> import tkeras
        >>> inputs = tkeras.Input((3,))
        >>> model = tkeras.Model(inputs, tkeras.layers.Dense(2)(inputs))
        >>> "->" in model_to_dot(model).to_string()
        True
    """
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential

    _check_call(model, kwargs)
    if subgraph:
        dot = DotGraph(model.name, cluster=True, label=model.name, labeljust="l",
                       style="dashed")  # fmt: skip
    else:
        dot = DotGraph(rankdir=rankdir, concentrate="true", dpi=dpi, splines=splines)
        dot.node_defaults = {"shape": "record"}
    label_args = (show_layer_names, show_layer_activations, show_dtype, show_shapes,
                  show_trainable)  # fmt: skip

    def add(layer: Any) -> None:
        attrs = {"label": _label(layer, *label_args), "fontname": "Helvetica", "border": 0}
        dot.nodes[_node_id(layer)] = {**attrs, "margin": 0}

    if not isinstance(model, (Functional, Sequential)):
        add(model)
        return dot
    layers = list(model.layers) if isinstance(model, Sequential) else model.operations
    for layer in layers:
        if expand_nested and _is_graph_model(layer):
            dot.subgraphs.append(
                model_to_dot(
                    layer,
                    show_shapes,
                    show_dtype,
                    show_layer_names,
                    rankdir,
                    expand_nested,
                    subgraph=True,
                    show_layer_activations=show_layer_activations,
                    show_trainable=show_trainable,
                )  # fmt: skip
            )
        else:
            add(layer)
    if isinstance(model, Sequential):
        for a, b in zip(layers, layers[1:]):
            source, destination = (_last_leaf(a, 0), _first_leaf(b, 0)) if expand_nested else (a, b)
            dot.add_edge(_node_id(source), _node_id(destination))
        return dot
    for node in model._nodes:
        for input_index, tensor in enumerate(node.input_tensors):
            if tensor.node is None:
                continue
            source, destination = tensor.node.layer, node.layer
            if expand_nested:
                source = _last_leaf(source, tensor.index)
                destination = _first_leaf(destination, input_index)
            dot.add_edge(_node_id(source), _node_id(destination))
    return dot


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=False,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """Draw a model's graph to ``to_file``: DOT text for ``.dot``/``.gv``, else an image
    rendered by Graphviz's ``dot`` program (ImportError naming Graphviz when it is missing).

    Arguments are Keras's (see ``model_to_dot``); the image format is ``to_file``'s extension
    (``png`` without one). Returns an ``IPython.display.Image`` of a png/jpg when IPython is
    installed, as Keras does, else None.

    Differences from Keras: needs no pydot; ``.dot``/``.gv`` files need no Graphviz either.
    """
    _check_call(model, kwargs)
    to_file = str(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    if extension not in DOT_FORMATS and shutil.which("dot") is None:
        raise ImportError(GRAPHVIZ_MISSING)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines)  # fmt: skip
    dot.write(to_file, format="raw" if extension in DOT_FORMATS else extension)
    if extension in ("png", "jpg", "jpeg"):
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
