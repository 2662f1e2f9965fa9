"""The Layer base: lazy build, names, weights in Keras's order, training mode, config."""

import copy
import pickle

import keras
import numpy as np
import pytest
import torch

import tkeras
from tkeras import layers
from tkeras.utils.naming import to_snake_case


class Scale(layers.Layer):
    """A custom layer in Keras's style: build() + add_weight() + call()."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.frozen = self.add_weight(shape=(1,), initializer="zeros", trainable=False, name="f")

    def call(self, x):
        return x * self.w * self.factor + self.frozen


def test_build_is_lazy_and_happens_on_first_call():
    layer = layers.Dense(3)
    assert not layer.built and layer.weights == []
    y = layer(torch.ones(2, 5))
    assert layer.built and y.shape == (2, 3)
    assert [tuple(w.keras_shape) for w in layer.weights] == [(5, 3), (3,)]
    assert layer.input_shape == (2, 5)
    assert layer.output_shape == (2, 3)


def test_explicit_build_creates_weights_from_shape_only():
    layer = layers.Dense(4)
    layer.build_from_shape((None, 7))
    assert [tuple(w.keras_shape) for w in layer.weights] == [(7, 4), (4,)]
    assert layer.kernel.shape == (7, 4)  # Keras's shape
    assert layer.kernel.t().is_contiguous()  # over nn.Linear's (out, in) memory


def test_build_called_by_hand_keeps_the_weights_on_first_call():
    # Keras's guides build layers by hand (`layer.build((None, 4))`) and then call them.
    for layer in (layers.Dense(3), layers.BatchNormalization()):
        layer.build((None, 4))
        assert layer.built
        count = len(layer.weights)
        layer(np.ones((2, 4), "float32"))
        assert len(layer.weights) == count


def test_names_are_unique_snake_case_like_keras():
    assert to_snake_case("SimpleRNN") == "simple_rnn"
    assert to_snake_case("MaxPooling2D") == "max_pooling2d"
    assert to_snake_case("Conv2D") == "conv2d"
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name != b.name
    assert a.name.startswith("dense") and b.name.startswith("dense_")
    assert layers.Dense(1, name="head").name == "head"


def test_custom_layer_weights_order_trainable_then_non_trainable():
    layer = Scale()
    layer(torch.ones(2, 3))
    assert [w.name for w in layer.weights] == ["w", "f"]
    assert [w.name for w in layer.trainable_weights] == ["w"]
    assert [w.name for w in layer.non_trainable_weights] == ["f"]
    assert layer.w.path == f"{layer.name}/w"
    # assigning add_weight's result to an attribute keeps one registration
    assert sorted(n for n, _ in layer.named_parameters()) == ["frozen", "w"]
    assert layer.count_params() == 4


def test_trainable_false_freezes_parameters():
    layer = layers.Dense(2)
    layer(torch.ones(1, 3))
    layer.trainable = False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2
    assert not any(p.requires_grad for p in layer.parameters())
    layer.trainable = True
    assert all(p.requires_grad for p in layer.parameters())


def test_trainable_must_be_bool():
    with pytest.raises(
        ValueError, match="Expected `trainable` to be a boolean. Received: trainable='yes'"
    ):
        layers.Dense(2, trainable="yes")


def test_get_set_weights_use_keras_layout_and_match_keras():
    k = keras.layers.Dense(3)
    k.build((None, 4))
    t = layers.Dense(3)
    t.build_from_shape((None, 4))
    t.set_weights(k.get_weights())
    for a, b in zip(t.get_weights(), k.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    np.testing.assert_allclose(
        t(torch.tensor(x)).detach().numpy(), keras.ops.convert_to_numpy(k(x)), rtol=1e-5, atol=1e-6
    )


def test_set_weights_validates_everything_before_changing_anything():
    t = layers.Dense(3)
    t.build_from_shape((None, 4))
    before = t.get_weights()
    with pytest.raises(ValueError, match=r"expects 2 weights, but the weights list has 1"):
        t.set_weights([np.zeros((4, 3))])
    with pytest.raises(
        ValueError, match=r"weight 1 \(bias\) expects shape \(3,\), but received shape \(4,\)"
    ):
        t.set_weights([np.ones((4, 3)), np.zeros(4)])
    for a, b in zip(before, t.get_weights()):
        np.testing.assert_array_equal(a, b)  # the valid kernel was not written


def test_variable_api_assign_and_numpy():
    t = layers.Dense(2)
    t.build_from_shape((None, 3))
    value = np.arange(6, dtype="float32").reshape(3, 2)
    t.kernel.assign(value)
    np.testing.assert_array_equal(t.kernel.numpy(), value)
    np.testing.assert_array_equal(t.kernel.detach().numpy(), value)
    np.testing.assert_array_equal(np.asarray(t.kernel), value)
    t.kernel.assign_add(np.ones((3, 2)))
    np.testing.assert_array_equal(t.kernel.numpy(), value + 1)
    t.kernel.assign_sub(np.ones((3, 2)))
    np.testing.assert_array_equal(t.kernel.numpy(), value)
    assert t.kernel.t().is_contiguous()  # assign keeps the storage layout
    with pytest.raises(ValueError, match=r"Cannot assign a value of shape \(2, 3\)"):
        t.kernel.assign(np.zeros((2, 3)))
    assert isinstance(t.kernel, tkeras.Variable) and isinstance(t.kernel, torch.nn.Parameter)


def test_layers_start_in_eval_mode_and_training_flag_follows_keras():
    model = tkeras.Sequential([layers.Dropout(0.5)])
    x = torch.ones(200, 10)
    assert not model.training
    assert torch.equal(model(x), x)  # model(x) is inference
    dropped = model(x, training=True)  # explicit flag passes down to sublayers
    assert (dropped == 0).any() and not model.training
    model.train()
    assert (model(x) == 0).any()  # training mode follows torch's mode
    assert torch.equal(model(x, training=False), x)


def test_count_params_before_build_raises():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(2).count_params()


def test_get_config_from_config_round_trip():
    layer = layers.Dense(7, activation="relu", use_bias=False, name="d7")
    cfg = layer.get_config()
    assert cfg["units"] == 7 and cfg["activation"] == "relu" and cfg["name"] == "d7"
    clone = layers.Dense.from_config(cfg)
    assert clone.get_config() == cfg
    custom = Scale(factor=3.0)
    assert Scale.from_config(custom.get_config()).factor == 3.0


def test_unknown_keyword_argument_raises():
    with pytest.raises(
        ValueError, match=r"Unrecognized keyword arguments passed to Dense: \{'unit': 3\}"
    ):
        layers.Dense(3, unit=3)


def test_dtype_sets_the_policy_and_bad_names_raise():
    # Policies in depth: tests/test_mixed_precision.py.
    assert layers.Dense(3, dtype="float16").compute_dtype == "float16"
    with pytest.raises(ValueError, match="Cannot convert 'float17' to a mixed precision"):
        layers.Dense(3, dtype="float17")


def test_autocast_casts_float64_inputs_like_keras():
    layer = layers.Dense(2)
    y = layer(torch.ones(1, 3, dtype=torch.float64))
    assert y.dtype == torch.float32
    strict = layers.Dense(2, autocast=False)
    strict.build_from_shape((None, 3))
    with pytest.raises(RuntimeError):
        strict(torch.ones(1, 3, dtype=torch.float64))


def test_numpy_input_is_converted():
    layer = layers.Dense(2)
    assert layer(np.ones((1, 3))).shape == (1, 2)


def test_layer_is_a_plain_module_deepcopy_pickle_state_dict():
    layer = Scale()
    layer(torch.ones(1, 2))
    clone = copy.deepcopy(layer)
    assert [w.name for w in clone.weights] == ["w", "f"]
    assert clone.w is not layer.w and clone.weights[0] is clone.w
    restored = pickle.loads(pickle.dumps(layer))
    assert torch.equal(restored(torch.ones(1, 2)), layer(torch.ones(1, 2)))
    assert set(layer.state_dict()) == {"w", "frozen"}


def test_training_context_reaches_nested_custom_layers():
    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.drop = layers.Dropout(0.9)

        def call(self, x):
            return self.drop(x)

    block = Block()
    x = torch.ones(100)
    assert torch.equal(block(x), x)
    assert (block(x, training=True) == 0).any()


@pytest.mark.parametrize("lib", [keras, tkeras], ids=["keras", "tkeras"])
def test_build_called_directly_marks_the_layer_built(lib):
    # A wrapper that builds its inner Conv2D in its own build (keras.io PixelCNN) must not
    # get a second kernel and bias when the inner layer is first called.
    conv = lib.layers.Conv2D(4, 3)
    conv.build((None, 6, 6, 2))
    assert conv.built
    conv(np.zeros((1, 6, 6, 2), "float32"))
    assert len(conv.weights) == 2


def test_user_build_called_directly_marks_the_layer_built():
    scale = Scale()
    scale.build((None, 3))  # a build that never sets `built` itself
    assert scale.built
    scale(torch.ones(2, 3))
    assert len(scale.weights) == 2
