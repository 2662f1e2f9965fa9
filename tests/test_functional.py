"""Functional models: graphs of layer calls, shared layers, nested models, errors."""

import keras
import numpy as np
import pytest
import torch

import tkeras


def _graph(lib):
    """Two inputs, a shared layer, a nested Sequential, two outputs."""
    L = lib.layers
    a = lib.Input((6,), name="in_a")
    b = lib.Input((6,), name="in_b")
    shared = L.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(a), shared(b)
    inner = lib.Sequential(
        [
            lib.Input((5,)),
            L.Dense(4, activation="relu", name="inner_d"),
            L.Dense(3, name="inner_out"),
        ],
        name="inner",
    )
    out1 = L.Dense(2, name="head1")(inner(ha))
    out2 = L.Dense(1, name="head2")(L.Dense(3, name="mix")(hb))
    return lib.Model({"in_a": a, "in_b": b}, {"head1": out1, "head2": out2}, name="two_heads")


def test_graph_with_shared_layer_and_nested_model_matches_keras():
    km, tm = _graph(keras), _graph(tkeras)
    assert [l.name for l in tm.layers] == [l.name for l in km.layers]
    assert [tuple(w.shape) for w in tm.get_weights()] == [w.shape for w in km.get_weights()]
    tm.set_weights(km.get_weights())
    rng = np.random.default_rng(0)
    x = {
        "in_a": rng.standard_normal((4, 6)).astype("float32"),
        "in_b": rng.standard_normal((4, 6)).astype("float32"),
    }
    yk = km(x)
    yt = tm({k: torch.tensor(v) for k, v in x.items()})
    for key in ("head1", "head2"):
        np.testing.assert_allclose(
            yt[key].detach().numpy(), keras.ops.convert_to_numpy(yk[key]), rtol=1e-5, atol=1e-5
        )


def test_inputs_outputs_names_and_layer_tensors():
    tm = _graph(tkeras)
    assert tm.input_names == ["in_a", "in_b"]
    assert tm.output_names == ["head1", "head2"]
    assert [t.shape for t in tm.inputs] == [(None, 6), (None, 6)]
    assert [t.shape for t in tm.outputs] == [(None, 2), (None, 1)]
    shared = tm.get_layer("shared")
    assert len(shared._inbound_nodes) == 2
    assert shared.output.shape == (None, 5)  # first node, as in Keras
    assert tm.output_shape == {"head1": (None, 2), "head2": (None, 1)}


def test_feature_extractor_from_intermediate_tensor():
    L = tkeras.layers
    inputs = tkeras.Input((8,))
    h = L.Dense(4, name="feat")(inputs)
    base = tkeras.Model(inputs, L.Dense(2)(h))
    extractor = tkeras.Model(base.input, base.get_layer("feat").output)
    x = torch.randn(3, 8)
    assert torch.equal(extractor(x), base.get_layer("feat")(x))
    assert extractor.get_layer("feat") is base.get_layer("feat")  # weights are shared


def test_list_inputs_and_outputs_structure():
    L = tkeras.layers
    a, b = tkeras.Input((3,)), tkeras.Input((3,))
    model = tkeras.Model([a, b], [L.Dense(2)(a), L.Dense(1)(b)])
    ya, yb = model([torch.ones(2, 3), torch.ones(2, 3)])
    assert ya.shape == (2, 2) and yb.shape == (2, 1)
    with pytest.raises(ValueError, match=r"expects 2 input\(s\), but it received 1 input tensors"):
        model([torch.ones(2, 3)])


def test_model_call_on_keras_tensor_nests_a_functional_model():
    L = tkeras.layers
    i = tkeras.Input((4,))
    block = tkeras.Model(i, L.Dense(3)(i), name="block")
    j = tkeras.Input((4,))
    outer = tkeras.Model(j, L.Dense(1)(block(j)))
    assert [l.name for l in outer.layers][1] == "block"
    assert outer(torch.ones(5, 4)).shape == (5, 1)
    assert len(outer.weights) == 4


def test_graph_errors():
    L = tkeras.layers
    a, b = tkeras.Input((4,), name="ea"), tkeras.Input((4,), name="eb")
    with pytest.raises(ValueError, match=r"Inputs \['eb'\] do not reach any output"):
        tkeras.Model([a, b], L.Dense(2)(a))
    with pytest.raises(ValueError, match="Graph disconnected: cannot find parent for tensor"):
        tkeras.Model(a, L.Dense(2)(b))
    first = L.Dense(3, name="dup")(a)
    with pytest.raises(ValueError, match='The name "dup" is used 2 times in the model'):
        tkeras.Model(a, L.Dense(3, name="dup")(first))
    with pytest.raises(
        ValueError, match=r'Input 0 of layer "conv2d.*expected ndim=4, found ndim=2'
    ):
        L.Conv2D(2, 3)(a)
    with pytest.raises(ValueError, match="must be KerasTensors"):
        tkeras.Model(a, torch.ones(2))


def test_functional_model_is_a_plain_module():
    tm = _graph(tkeras)
    keys = list(tm.state_dict())
    assert keys[0].startswith("layers.") and all("." in k for k in keys)
    twin = _graph(tkeras)
    twin.load_state_dict(tm.state_dict())
    x = {"in_a": torch.randn(2, 6), "in_b": torch.randn(2, 6)}
    assert torch.equal(twin(x)["head1"], tm(x)["head1"])


def _dict_output_model(lib, keys):
    """One input, two heads returned in a dict written in the order ``keys``."""
    inputs = lib.Input((3,), name="x")
    heads = {
        "zeta": lib.layers.Dense(2, name="zeta")(inputs),
        "beta": lib.layers.Dense(1, name="beta")(inputs),
    }
    return lib.Model(inputs, {k: heads[k] for k in keys})


@pytest.mark.parametrize("keys", [("zeta", "beta"), ("beta", "zeta")])
def test_dict_outputs_come_back_in_keras_order(keys):
    x = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    ref = _dict_output_model(keras, keys)
    model = _dict_output_model(tkeras, keys)
    model.set_weights(ref.get_weights())
    assert model.output_names == ref.output_names == ["beta", "zeta"]
    expected = ref.predict(x, verbose=0)
    for out in (model.predict(x, verbose=0), model.predict_on_batch(x), model(torch.tensor(x))):
        assert list(out) == list(expected) == ["beta", "zeta"]
        for key in expected:
            np.testing.assert_allclose(
                np.asarray(out[key].detach() if hasattr(out[key], "detach") else out[key]),
                keras.ops.convert_to_numpy(expected[key]),
                rtol=1e-5,
                atol=1e-5,
            )
    assert [t.shape for t in model.outputs] == [(None, 1), (None, 2)]
