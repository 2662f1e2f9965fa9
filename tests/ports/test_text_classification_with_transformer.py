"""Port: "Text classification with Transformer" (Apoorv Nandan; Keras 3 by Sitam Meur).

Source: https://keras.io/examples/nlp/text_classification_with_transformer/
(keras-team/keras-io, examples/nlp/text_classification_with_transformer.py). Unchanged model
code (a TransformerBlock layer with MultiHeadAttention and `inputs + attn_output` residuals, a
TokenAndPositionEmbedding using ops.shape / ops.arange, a float `layers.Input` fed integer
token ids); IMDB replaced by 96 random sequences of length 20 over a 50-word vocabulary
(already of length maxlen, so the two `pad_sequences` calls are left out).
Dropout draws differ between the libraries, so the losses agree to 5%.
"""

from __future__ import annotations

import numpy as np

from tests.ports.harness import assert_close, run_both


def program(keras):
    ops = keras.ops
    layers = keras.layers

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential(
                [
                    layers.Dense(ff_dim, activation="relu"),
                    layers.Dense(embed_dim),
                ]
            )
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output)
            return self.layernorm2(out1 + ffn_output)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            maxlen = ops.shape(x)[-1]
            positions = ops.arange(start=0, stop=maxlen, step=1)
            positions = self.pos_emb(positions)
            x = self.token_emb(x)
            return x + positions

    vocab_size = 50
    maxlen = 20
    x_train = np.random.randint(1, vocab_size, size=(96, maxlen))
    y_train = np.random.randint(0, 2, size=(96,))
    x_val = np.random.randint(1, vocab_size, size=(32, maxlen))
    y_val = np.random.randint(0, 2, size=(32,))

    embed_dim = 32
    num_heads = 2
    ff_dim = 32

    inputs = layers.Input(shape=(maxlen,))
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val), verbose=0
    )
    return {k: v for k, v in history.history.items() if "loss" in k}


def test_text_classification_with_transformer_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=0.05, atol=1e-3)
