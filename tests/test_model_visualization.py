"""``utils.model_to_dot`` / ``plot_model``: DOT text written without pydot, with Keras's nodes,
labels, edges and graph attributes. Keras needs pydot (not installed here), so the expected
labels follow Keras's ``make_layer_label`` source; the signatures are compared with Keras's."""

from __future__ import annotations

import inspect
import re
import shutil

import keras
import pytest

import tkeras
from tkeras import layers
from tkeras.utils import model_visualization


def _functional():
    inputs = tkeras.Input((4,), name="features")
    a = layers.Dense(3, activation="relu", name="left")(inputs)
    b = layers.Dense(3, name="right")(inputs)
    merged = layers.concatenate([a, b], name="merge")
    return tkeras.Model(inputs, layers.Dense(1, name="head")(merged), name="net")


def _edges(text):
    return set(re.findall(r"^(\d+) -> (\d+) \[penwidth=2\];$", text, re.M))


def _ids(model):
    return {layer.name: str(id(layer)) for layer in model.layers}


def test_signatures_are_keras_s():
    for name in ("model_to_dot", "plot_model"):
        ours = inspect.signature(getattr(tkeras.utils, name))
        assert ours == inspect.signature(getattr(keras.utils, name)), name


def test_dot_text_of_a_functional_model_has_keras_s_nodes_edges_and_labels():
    model = _functional()
    text = tkeras.utils.model_to_dot(model, show_shapes=True, show_dtype=True).to_string()
    assert text.startswith("digraph G {\nrankdir=TB;\nconcentrate=true;\ndpi=200;")
    assert "splines=ortho;\nnode [shape=record];" in text
    ids = _ids(model)
    assert _edges(text) == {
        (ids["features"], ids["left"]), (ids["features"], ids["right"]),
        (ids["left"], ids["merge"]), (ids["right"], ids["merge"]), (ids["merge"], ids["head"]),
    }  # fmt: skip
    nodes = dict(re.findall(r"^(\d+) \[label=(<<table.*?</table>>), ", text, re.M))
    assert set(nodes) == set(ids.values())
    # Keras's label: "<b>name</b> (Class)", then input/output shape and dtype cells.
    merge = nodes[ids["merge"]]
    assert "<b>merge</b> (Concatenate)" in merge and 'colspan="3"' in merge
    assert "Input shape: <b>[(None, 3), (None, 3)]</b>" in merge
    assert "Output shape: <b>(None, 6)</b>" in merge and "Output dtype: <b>float32</b>" in merge
    # An InputLayer shows no input shape.
    assert "Input shape" not in nodes[ids["features"]]
    assert "Output shape: <b>(None, 4)</b>" in nodes[ids["features"]]
    plain = tkeras.utils.model_to_dot(model, show_layer_names=False, rankdir="LR").to_string()
    assert "rankdir=LR;" in plain and "<b>Dense</b>" in plain and "left" not in plain


def test_activations_trainable_and_nested_models():
    inner = tkeras.Sequential(
        [tkeras.Input((3,)), layers.Dense(2, activation="tanh", name="d1"),
         layers.Dense(2, name="d2")], name="inner",
    )  # fmt: skip
    inputs = tkeras.Input((3,), name="x")
    model = tkeras.Model(inputs, layers.Dense(1, name="out")(inner(inputs)))
    model.get_layer("out").trainable = False
    text = tkeras.utils.model_to_dot(
        model, show_layer_activations=True, show_trainable=True
    ).to_string()
    assert "Activation: <b>linear</b>" in text and "<b>Non-trainable</b>" in text
    assert "<b>inner</b> (Sequential)" in text and "cluster" not in text
    expanded = tkeras.utils.model_to_dot(model, expand_nested=True, show_layer_activations=True)
    text = expanded.to_string()
    assert "subgraph cluster_inner {\nlabel=inner;\nlabeljust=l;\nstyle=dashed;" in text
    assert "Activation: <b>tanh</b>" in text
    ids = {**_ids(model), **_ids(inner)}
    assert _edges(text) == {
        (ids["x"], ids["d1"]), (ids["d1"], ids["d2"]), (ids["d2"], ids["out"])
    }  # fmt: skip


def test_plot_model_writes_dot_files_and_names_graphviz_when_missing(tmp_path, monkeypatch):
    model = _functional()
    out = tmp_path / "model.dot"
    assert tkeras.utils.plot_model(model, to_file=out, show_shapes=True) is None
    assert (
        out.read_text()
        == tkeras.utils.model_to_dot(model, show_shapes=True, show_layer_names=False).to_string()
    )
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ImportError, match=r"install graphviz.*`dot` program.*model\.dot"):
        tkeras.utils.plot_model(model, to_file=tmp_path / "model.png")
    assert not (tmp_path / "model.png").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_plot_model_renders_a_png_with_graphviz(tmp_path):
    tkeras.utils.plot_model(_functional(), to_file=tmp_path / "m.png")
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_errors():
    unbuilt = tkeras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match=r"not yet been built"):
        tkeras.utils.model_to_dot(unbuilt)
    with pytest.raises(ValueError, match=r"`layer_range` is no longer supported"):
        tkeras.utils.plot_model(_functional(), layer_range=["a", "b"])
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments: \{'colour': 1\}"):
        model_visualization.model_to_dot(_functional(), colour=1)


def _keras_and_tkeras(module):
    inputs = module.Input((4,), name="features")
    a = module.layers.Dense(3, activation="relu", name="left")(inputs)
    b = module.layers.Dense(3, name="right")(inputs)
    merged = module.layers.concatenate([a, b], name="merge")
    inner = module.Sequential(
        [module.Input((6,)), module.layers.Dense(2, activation="tanh", name="d1"),
         module.layers.Dense(2, name="d2")], name="inner",
    )  # fmt: skip
    return module.Model(inputs, module.layers.Dense(1, name="head")(inner(merged)), name="net")


def _parsed(text, model, pydot):
    """Labels by layer name, edges by layer names, graph attributes and clusters."""
    names = {}

    def collect(m):
        for layer in m.layers:
            names[str(id(layer))] = layer.name
            if hasattr(layer, "layers"):
                collect(layer)

    collect(model)
    graph = pydot.graph_from_dot_data(text)[0]

    def nodes(g):
        out = {names.get(n.get_name(), n.get_name()): n.get("label") for n in g.get_nodes()
               if n.get_name() not in ("node", "edge", "graph")}  # fmt: skip
        for sub in g.get_subgraphs():
            out[sub.get_name()] = [sub.get(k) for k in ("label", "labeljust", "style")]
            out.update(nodes(sub))
        return out

    edges = sorted((names[e.get_source()], names[e.get_destination()]) for e in graph.get_edges())
    attrs = [graph.get(k) for k in ("rankdir", "concentrate", "dpi", "splines")]
    return nodes(graph), edges, attrs


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's use of pyparsing
@pytest.mark.parametrize(
    "options",
    [{}, {"show_shapes": True, "show_dtype": True},
     {"show_layer_names": False, "rankdir": "LR", "show_trainable": True,
      "show_layer_activations": True},
     {"expand_nested": True, "show_shapes": True}],
)  # fmt: skip
def test_dot_equals_keras_s_model_to_dot_when_pydot_is_installed(options):
    pydot = pytest.importorskip("pydot")
    k_model, t_model = _keras_and_tkeras(keras), _keras_and_tkeras(tkeras)
    expected = _parsed(keras.utils.model_to_dot(k_model, **options).to_string(), k_model, pydot)
    got = _parsed(tkeras.utils.model_to_dot(t_model, **options).to_string(), t_model, pydot)
    assert got == expected
