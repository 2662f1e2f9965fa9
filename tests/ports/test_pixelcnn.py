"""Port: "PixelCNN" (ADMoreau).

Source: https://keras.io/examples/generative/pixelcnn/ (keras-team/keras-io,
examples/generative/pixelcnn.py). Unchanged model, training and sampling code: a
``PixelConvLayer`` that builds its Conv2D in ``build``, makes a numpy mask from
``ops.shape(self.conv.kernel)`` and re-masks the kernel with ``kernel.assign`` on every call,
``ResidualBlock`` ending in ``keras.layers.add``, the model, Adam + binary crossentropy, ``fit``
with validation_split, and the pixel-by-pixel sampling loop (``predict``, ``ops.ceil``,
``keras.random.uniform``). MNIST replaced by 144 random binary 4x4 images (input_shape
(4, 4, 1)), n_residual_blocks 2 and 2 epochs (2 batches an epoch). Left out: tqdm around
the sampling loop and the PNG saving / IPython display at the end. One line changed:
``probs - keras.random.uniform(...)`` (numpy array minus torch tensor, a TypeError under
Keras's own torch backend) is written ``ops.subtract(probs, keras.random.uniform(...))``.

The losses and the trained model's predictions match Keras; the sampled images are drawn with
each library's own random numbers, so only their shape and values in {0, 1} are compared.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.ports.harness import assert_close, run_both


def program(keras):
    layers = keras.layers
    ops = keras.ops

    num_classes = 10  # noqa: F841 (the example's own variable)
    input_shape = (4, 4, 1)
    n_residual_blocks = 2
    x = np.random.randint(0, 256, size=(72, 4, 4))
    y = np.random.randint(0, 256, size=(72, 4, 4))
    data = np.concatenate((x, y), axis=0)
    data = np.where(data < (0.33 * 256), 0, 1)
    data = data.astype(np.float32)

    class PixelConvLayer(layers.Layer):
        def __init__(self, mask_type, **kwargs):
            super().__init__()
            self.mask_type = mask_type
            self.conv = layers.Conv2D(**kwargs)

        def build(self, input_shape):
            # Build the conv2d layer to initialize kernel variables
            self.conv.build(input_shape)
            # Use the initialized kernel to create the mask
            kernel_shape = ops.shape(self.conv.kernel)
            self.mask = np.zeros(shape=kernel_shape)
            self.mask[: kernel_shape[0] // 2, ...] = 1.0
            self.mask[kernel_shape[0] // 2, : kernel_shape[1] // 2, ...] = 1.0
            if self.mask_type == "B":
                self.mask[kernel_shape[0] // 2, kernel_shape[1] // 2, ...] = 1.0

        def call(self, inputs):
            self.conv.kernel.assign(self.conv.kernel * self.mask)
            return self.conv(inputs)

    class ResidualBlock(keras.layers.Layer):
        def __init__(self, filters, **kwargs):
            super().__init__(**kwargs)
            self.conv1 = keras.layers.Conv2D(filters=filters, kernel_size=1, activation="relu")
            self.pixel_conv = PixelConvLayer(
                mask_type="B",
                filters=filters // 2,
                kernel_size=3,
                activation="relu",
                padding="same",
            )
            self.conv2 = keras.layers.Conv2D(filters=filters, kernel_size=1, activation="relu")

        def call(self, inputs):
            x = self.conv1(inputs)
            x = self.pixel_conv(x)
            x = self.conv2(x)
            return keras.layers.add([inputs, x])

    inputs = keras.Input(shape=input_shape)
    x = PixelConvLayer(
        mask_type="A", filters=128, kernel_size=7, activation="relu", padding="same"
    )(inputs)

    for _ in range(n_residual_blocks):
        x = ResidualBlock(filters=128)(x)

    for _ in range(2):
        x = PixelConvLayer(
            mask_type="B",
            filters=128,
            kernel_size=1,
            strides=1,
            activation="relu",
            padding="valid",
        )(x)

    out = keras.layers.Conv2D(
        filters=1, kernel_size=1, strides=1, activation="sigmoid", padding="valid"
    )(x)

    pixel_cnn = keras.Model(inputs, out)
    adam = keras.optimizers.Adam(learning_rate=0.0005)
    pixel_cnn.compile(optimizer=adam, loss="binary_crossentropy")

    pixel_cnn.summary(print_fn=lambda *a, **k: None)
    history = pixel_cnn.fit(
        x=data, y=data, batch_size=128, epochs=2, validation_split=0.1, verbose=0
    )

    # Create an empty array of pixels.
    batch = 4
    pixels = np.zeros(shape=(batch,) + (pixel_cnn.input_shape)[1:])
    batch, rows, cols, channels = pixels.shape

    # Iterate over the pixels because generation has to be done sequentially pixel by pixel.
    for row in range(rows):
        for col in range(cols):
            for channel in range(channels):
                # Feed the whole array and retrieving the pixel value probabilities for the next
                # pixel.
                probs = pixel_cnn.predict(pixels, verbose=0)[:, row, col, channel]
                # Use the probabilities to pick pixel values and append the values to the image
                # frame.
                # (``probs - keras.random.uniform(...)`` in the example: a numpy array minus a
                # torch tensor raises TypeError with Keras's torch backend too.)
                pixels[:, row, col, channel] = ops.ceil(
                    ops.subtract(probs, keras.random.uniform(probs.shape))
                )

    pixel_conv = pixel_cnn.layers[1]
    kernel = ops.convert_to_numpy(pixel_conv.conv.kernel)
    return {
        **history.history,
        "predictions": pixel_cnn.predict(data[:8], verbose=0),
        "masked_out": float(np.abs(kernel[pixel_conv.mask == 0]).sum()),
        "pixels": pixels,
    }


# ``kernel * mask`` (a torch tensor times a numpy array) warns in torch itself under NumPy 2.
@pytest.mark.filterwarnings("ignore:__array_wrap__ must accept context:DeprecationWarning")
def test_pixelcnn_matches_keras():
    expected, got = run_both(program)
    for result in (expected, got):
        pixels = result.pop("pixels")
        assert pixels.shape == (4, 4, 4, 1)
        assert set(np.unique(pixels)) <= {0.0, 1.0}
    assert expected.pop("masked_out") == got.pop("masked_out") == 0.0
    assert_close(expected, got, rtol=1e-4, atol=1e-5)
