"""Port: "Variational AutoEncoder" (fchollet), the Keras 3 version.

Source: https://keras.io/examples/generative/vae/ (keras-team/keras-io,
examples/generative/vae.py). Unchanged program logic: the `Sampling` layer drawing
`keras.random.normal(shape=(batch, dim), seed=self.seed_generator)` from a
`SeedGenerator(1337)` with `ops.shape` and `ops.exp`, used on `keras.Input` inside the
functional encoder; the Conv2DTranspose decoder; a `VAE` model with three
`keras.metrics.Mean` trackers in a `metrics` property, a `call` and a custom `train_step`
computing the reconstruction and KL losses with `keras.ops`; `vae.decoder.predict` over a
latent grid and `vae.encoder.predict` (the two plots' data).

The example's `train_step` records gradients with `tf.GradientTape` (TensorFlow only); here
the same step takes them the PyTorch-backend way of Keras's "Customizing fit() with PyTorch"
guide (`self.zero_grad()`, `total_loss.backward()`, `v.value.grad`), then calls
`apply_gradients` as the example does. MNIST replaced by 16 random 28x28 images; 1 epoch of
batch 8 instead of 30 of 128; a 3x3 latent grid instead of 30x30.

Compared: `keras.random` draws the same numbers in both libraries for the same seed, and the
harness starts tkeras's VAE from Keras's initial weights, so the loss histories, the decoded
grid, the encoder's outputs (z included) and the SeedGenerator state match Keras's.
"""

from __future__ import annotations

import numpy as np
import torch

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers, ops = keras.layers, keras.ops

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch = ops.shape(z_mean)[0]
            dim = ops.shape(z_mean)[1]
            epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    latent_dim = 2

    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    sampling = Sampling()
    z = sampling([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")

    class VAE(keras.Model):
        def __init__(self, encoder, decoder, **kwargs):
            super().__init__(**kwargs)
            self.encoder = encoder
            self.decoder = decoder
            self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

        @property
        def metrics(self):
            return [
                self.total_loss_tracker,
                self.reconstruction_loss_tracker,
                self.kl_loss_tracker,
            ]

        def train_step(self, data):
            self.zero_grad()
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = ops.mean(
                ops.sum(
                    keras.losses.binary_crossentropy(data, reconstruction),
                    axis=(1, 2),
                )
            )
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
            total_loss.backward()
            grads = [v.value.grad for v in self.trainable_weights]
            with torch.no_grad():
                self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.total_loss_tracker.update_state(total_loss)
            self.reconstruction_loss_tracker.update_state(reconstruction_loss)
            self.kl_loss_tracker.update_state(kl_loss)
            return {
                "loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result(),
            }

        def call(self, x):
            z_mean, z_log_var, z = self.encoder(x)
            return self.decoder(z)

    mnist_digits = np.random.randint(0, 256, size=(16, 28, 28)).astype("uint8")
    mnist_digits = np.expand_dims(mnist_digits, -1).astype("float32") / 255

    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam())
    history = vae.fit(mnist_digits, epochs=1, batch_size=8, verbose=0).history

    # plot_latent_space's data: decoded digits over a latent grid
    n, scale = 3, 1.0
    grid_x = np.linspace(-scale, scale, n)
    grid_y = np.linspace(-scale, scale, n)[::-1]
    decoded = [
        vae.decoder.predict(np.array([[xi, yi]]), verbose=0) for yi in grid_y for xi in grid_x
    ]
    # plot_label_clusters's data
    encoded = vae.encoder.predict(mnist_digits, verbose=0)
    return {
        "history": history,
        "decoded": decoded,
        "encoded": list(encoded),
        "seed_state": ops.convert_to_numpy(sampling.seed_generator.state),
    }


def test_vae_matches_keras():
    expected, got = run_both(program)
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
