"""Port: "Understanding masking & padding" (Scott Zhu, fchollet, keras.io guide), Keras 3.

Source: https://keras.io/guides/understanding_masking_and_padding/ (keras-team/keras-io,
guides/understanding_masking_and_padding.py). Sections run unchanged, with the Keras 3
guide's `keras.ops` calls in place of the TensorFlow 2 edition's `tf.*`: `pad_sequences`,
the masks of `Embedding(mask_zero=True)` and `Masking` (`_keras_mask`), mask propagation
into `LSTM` in Sequential and functional models, a custom layer passing
`embedding.compute_mask(inputs)` to `LSTM(mask=...)`, `TemporalSplit` (a `compute_mask`
that splits the mask), `CustomEmbedding` (a mask from input values), `MyActivation`
(`supports_masking = True`) and `TemporalSoftmax` (a mask consumer asserting it gets one, at
graph construction too). Batches of 4 instead of 32; sequences of 10 instead of 100.

Compared: the padded arrays and every mask exactly; output shapes; and, after copying the
Keras run's weights, the masked functional model's outputs (no model here calls `fit`, so
the harness's weight sync does not apply: the program copies them itself through a
`SHARED` dict filled by the Keras run).
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both

SHARED: dict = {}


def _sync(model, key):
    # The Keras run records its weights, the tkeras run loads them (same order and layouts).
    if key in SHARED:
        model.set_weights(SHARED.pop(key))
    else:
        SHARED[key] = [np.array(w) for w in model.get_weights()]


def program(keras):
    layers, ops = keras.layers, keras.ops
    np_ = lambda t: ops.convert_to_numpy(t)  # noqa: E731
    out = {}

    raw_inputs = [
        [711, 632, 71],
        [73, 8, 3215, 55, 927],
        [83, 91, 1, 645, 1253, 927],
    ]
    padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
    out["padded"] = padded_inputs

    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)
    out["embedding_mask"] = np_(masked_output._keras_mask)

    masking_layer = layers.Masking()
    unmasked_embedding = ops.cast(
        ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), "float32"
    )
    masked_embedding = masking_layer(unmasked_embedding)
    out["masking_mask"] = np_(masked_embedding._keras_mask)

    model = keras.Sequential(
        [layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True), layers.LSTM(32)]
    )
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    outputs = layers.LSTM(32)(x)
    model = keras.Model(inputs, outputs)
    _sync(model, "functional_lstm")
    out["functional_lstm"] = np_(model(padded_inputs))

    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
            self.lstm = layers.LSTM(32)

        def call(self, inputs):
            x = self.embedding(inputs)
            mask = self.embedding.compute_mask(inputs)
            output = self.lstm(x, mask=mask)  # The layer will ignore the masked values
            return output

    layer = MyLayer()
    x = np.random.random((4, 10)) * 100
    x = x.astype("int32")
    out["my_layer_shape"] = tuple(layer(x).shape)

    class TemporalSplit(keras.layers.Layer):
        """Split the input tensor into 2 tensors along the time dimension."""

        def call(self, inputs):
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            if mask is None:
                return None
            return ops.split(mask, 2, axis=1)

    first_half, second_half = TemporalSplit()(masked_embedding)
    out["split_masks"] = [np_(first_half._keras_mask), np_(second_half._keras_mask)]

    class CustomEmbedding(keras.layers.Layer):
        def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.output_dim = output_dim
            self.mask_zero = mask_zero

        def build(self, input_shape):
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                initializer="random_normal",
                dtype="float32",
            )

        def call(self, inputs):
            inputs = ops.cast(inputs, "int32")
            return ops.take(self.embeddings, inputs)

        def compute_mask(self, inputs, mask=None):
            if not self.mask_zero:
                return None
            return ops.not_equal(inputs, 0)

    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = np.random.random((3, 10)) * 9
    x = x.astype("int32")
    y = layer(x)
    out["custom_embedding"] = (tuple(y.shape), np_(layer.compute_mask(x)))

    class MyActivation(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return ops.relu(inputs)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)  # Will pass the mask along
    outputs = layers.LSTM(32)(x)  # Will receive the mask
    model = keras.Model(inputs, outputs)
    _sync(model, "activation_lstm")
    out["activation_lstm"] = np_(model(padded_inputs))

    class TemporalSoftmax(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    model = keras.Model(inputs, outputs)
    _sync(model, "temporal_softmax")
    y = model(np.random.randint(0, 10, size=(4, 10)))
    out["temporal_softmax"] = np_(y)
    return out


def test_masking_and_padding_guide_matches_keras():
    expected, got = run_both(program)
    assert not SHARED
    assert_close(expected, got, rtol=1e-5, atol=1e-6)
