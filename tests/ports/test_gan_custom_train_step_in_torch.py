"""Port: "Customizing what happens in `fit()` with PyTorch", its end-to-end GAN (fchollet).

Source: https://keras.io/guides/custom_train_step_in_torch/ (keras-team/keras-io,
guides/custom_train_step_in_torch.py, section "Wrapping up: an end-to-end GAN example").
Unchanged program logic: a `GAN` model overriding `compile(d_optimizer, g_optimizer,
loss_fn)`, a `metrics` property of two `keras.metrics.Mean` trackers, `self.built = True`,
and a `train_step` that draws latent vectors and label noise with `keras.random` from a
`SeedGenerator(1337)`, trains the discriminator then the generator with `self.zero_grad()`,
`loss.backward()`, `v.value.grad` and `optimizer.apply`. MNIST replaced by 16 random 28x28
images in a `DataLoader` of batch 8 with `shuffle=False` (the guide shuffles; both runs must
see the same batches); 1 epoch. The loader reads the image tensor itself, not the guide's
`TensorDataset(x, x)`: Keras 3.15.1 hands `train_step` that loader's batch as a *list*, which
the guide's `isinstance(real_images, tuple)` misses, so the guide fails on Keras as written
(tkeras passes a tuple and runs it).

Compared: `keras.random` draws the same numbers in both libraries for the same seed, and the
harness starts tkeras's GAN from Keras's initial weights, so the d_loss/g_loss history, the
generator's final weights and the SeedGenerator state match Keras's.
"""

from __future__ import annotations

import numpy as np
import torch

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers

    discriminator = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )

    latent_dim = 128
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            # We want to generate 128 coefficients to reshape into a 7x7x128 map
            layers.Dense(7 * 7 * 128),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator(1337)
            self.built = True

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real_images):
            device = "cuda" if torch.cuda.is_available() else "cpu"
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            # Sample random points in the latent space
            batch_size = real_images.shape[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine them with real images
            real_images = torch.tensor(real_images, device=device)
            combined_images = torch.concat([generated_images, real_images], axis=0)

            # Assemble labels discriminating real from fake images
            labels = torch.concat(
                [
                    torch.ones((batch_size, 1), device=device),
                    torch.zeros((batch_size, 1), device=device),
                ],
                axis=0,
            )
            # Add random noise to the labels - important trick!
            labels += 0.05 * keras.random.uniform(labels.shape, seed=self.seed_generator)

            # Train the discriminator
            self.zero_grad()
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
            d_loss.backward()
            grads = [v.value.grad for v in self.discriminator.trainable_weights]
            with torch.no_grad():
                self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

            # Sample random points in the latent space
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )

            # Assemble labels that say "all real images"
            misleading_labels = torch.zeros((batch_size, 1), device=device)

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            self.zero_grad()
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
            grads = g_loss.backward()
            grads = [v.value.grad for v in self.generator.trainable_weights]
            with torch.no_grad():
                self.g_optimizer.apply(grads, self.generator.trainable_weights)

            # Update metrics and return their value.
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {
                "d_loss": self.d_loss_tracker.result(),
                "g_loss": self.g_loss_tracker.result(),
            }

    batch_size = 8
    all_digits = np.random.randint(0, 256, size=(16, 28, 28)).astype("uint8")
    all_digits = all_digits.astype("float32") / 255.0
    all_digits = np.reshape(all_digits, (-1, 28, 28, 1))

    dataset = torch.from_numpy(all_digits)
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=False)

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )

    history = gan.fit(dataloader, epochs=1, verbose=0).history
    return {
        "history": history,
        "generator": [np.array(w) for w in generator.get_weights()],
        "seed_state": keras.ops.convert_to_numpy(gan.seed_generator.state),
    }


def test_gan_matches_keras():
    expected, got = run_both(program)
    # Adam's normalized steps carry float32 summation-order noise into a few weights (~1e-5).
    assert_close(expected, got, rtol=1e-4, atol=1e-4)
