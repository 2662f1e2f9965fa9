"""Sequential: building (eager from Input, lazy on first call), shapes, summary, errors."""

import warnings

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers


def _mlp(lib, with_input=True):
    L = lib.layers
    stack = [
        L.Reshape((12,), name="flat"),
        L.Dense(8, activation="relu", name="hidden"),
        L.Dropout(0.3, name="drop"),
        L.Dense(3, name="logits"),
    ]
    return lib.Sequential(([lib.Input((3, 4))] if with_input else []) + stack, name="mlp")


def test_built_at_once_from_input_with_output_shapes():
    model = _mlp(tkeras)
    assert model.built
    assert [layer.output_shape for layer in model.layers] == [
        (None, 12),
        (None, 8),
        (None, 8),
        (None, 3),
    ]
    assert model.output_shape == (None, 3)
    assert model.count_params() == 12 * 8 + 8 + 8 * 3 + 3


def test_built_from_input_shape_on_first_layer():
    model = tkeras.Sequential([layers.Dense(4, input_shape=(6,)), layers.Dense(2)])
    assert model.built and model.output_shape == (None, 2)
    model = tkeras.Sequential([layers.Dense(4, input_dim=6)])
    assert model.output_shape == (None, 4)


def test_lazy_build_on_first_call_and_add_pop():
    model = tkeras.Sequential()
    model.add(layers.Dense(4))
    model.add(layers.Dense(2))
    assert not model.built
    y = model(torch.ones(5, 3))
    assert model.built and y.shape == (5, 2)
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1
    assert model(torch.ones(5, 3)).shape == (5, 4)
    with pytest.raises(TypeError, match="There are no layers in the model"):
        tkeras.Sequential().pop()


def test_outputs_match_keras_with_copied_weights():
    km, tm = _mlp(keras), _mlp(tkeras)
    tm.set_weights(km.get_weights())
    x = np.random.default_rng(0).standard_normal((6, 3, 4)).astype("float32")
    np.testing.assert_allclose(
        tm(torch.tensor(x)).detach().numpy(),
        keras.ops.convert_to_numpy(km(x)),
        rtol=1e-5,
        atol=1e-5,
    )
    np.testing.assert_allclose(
        tm.predict_on_batch(x)
        if hasattr(tm, "predict_on_batch")
        else tm(torch.tensor(x)).detach().numpy(),
        keras.ops.convert_to_numpy(km(x)),
        rtol=1e-5,
        atol=1e-5,
    )


def test_summary_text_equals_keras():
    texts = {}
    for lib in (keras, tkeras):
        out = []
        _mlp(lib).summary(print_fn=lambda s, line_break=None, out=out: out.append(s))
        texts[lib.__name__] = "".join(out)
    assert texts["tkeras"] == texts["keras"]


def test_summary_of_unbuilt_model():
    out = []
    tkeras.Sequential([layers.Dense(2, name="d")], name="s").summary(print_fn=out.append)
    assert "│ d (Dense)" in out[0] and "0 (unbuilt)" in out[0] and "?" in out[0]


def test_get_layer_by_name_and_index():
    model = _mlp(tkeras)
    assert model.get_layer("hidden") is model.layers[1]
    assert model.get_layer(index=-1).name == "logits"
    with pytest.raises(ValueError, match=r"No such layer: nope. Existing layers are: \['flat'"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 4 layers"):
        model.get_layer(index=9)


def test_incompatible_input_names_layer_and_shapes():
    model = _mlp(tkeras)
    with pytest.raises(
        ValueError,
        match=r"Reshape 'flat': the total size of the tensor must be unchanged. "
        r"Received: input_shape=\(5, 4\), target_shape=\(12,\)",
    ):
        model(torch.ones(2, 5, 4))
    dense = tkeras.Sequential([layers.Dense(3, name="head")])
    dense(torch.ones(1, 4))
    with pytest.raises(
        ValueError,
        match=r'Input 0 of layer "head" is incompatible with the layer: '
        r"expected axis -1 of input shape to have value 4, but "
        r"received input with shape \(1, 5\)",
    ):
        dense(torch.ones(1, 5))
    with pytest.raises(ValueError, match=r"expected min_ndim=2, found ndim=1"):
        dense(torch.ones(4))


def test_bad_entries_raise():
    with pytest.raises(ValueError, match=r"Only instances of `tkeras.layers.Layer` \(or torch.nn"):
        tkeras.Sequential(["dense"])
    with pytest.raises(ValueError, match="should have unique names"):
        tkeras.Sequential([layers.Dense(2, name="x"), layers.Dense(2, name="x")])
    with pytest.raises(ValueError, match="an Input may only be the first entry"):
        tkeras.Sequential([layers.Dense(2), tkeras.Input((3,))])


def test_plain_module_state_dict_keys_and_torch_interop():
    model = _mlp(tkeras)
    assert list(model.state_dict()) == [
        "layers.1.kernel",
        "layers.1.bias",
        "layers.3.kernel",
        "layers.3.bias",
    ]
    twin = _mlp(tkeras)
    twin.load_state_dict(model.state_dict())
    x = torch.randn(2, 3, 4)
    assert torch.equal(twin(x), model(x))
    assert isinstance(model, torch.nn.Module)
    assert len(list(model.parameters())) == 4


def test_symbolic_input_shapes_none_dims():
    model = tkeras.Sequential([tkeras.Input((None, 5)), layers.Dense(2)])
    assert model.output_shape == (None, None, 2)
    assert model(torch.ones(3, 7, 5)).shape == (3, 7, 2)


def test_embedding_mask_is_propagated_and_dropped_with_warning():
    emb = layers.Embedding(10, 4, mask_zero=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = tkeras.Sequential([tkeras.Input((3,)), emb, layers.Flatten(), layers.Dense(2)])
    assert any("does not support masking" in str(w.message) for w in caught)
    assert emb(torch.tensor([[1, 0, 2]]))._keras_mask.tolist() == [[True, False, True]]
    assert model(torch.tensor([[1, 0, 2]])).shape == (1, 2)
