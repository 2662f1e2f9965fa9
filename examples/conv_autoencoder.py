"""A convolutional autoencoder with transposed convolutions, on the shipped 8x8 digits.

python examples/conv_autoencoder.py            # 20 epochs
python examples/conv_autoencoder.py --quick    # 1 epoch on 256 images, seconds
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=20, help="training epochs (default: 20)")
parser.add_argument("--quick", action="store_true", help="1 epoch on 256 images (a smoke run)")
args = parser.parse_args()  # before the imports below, so --help answers at once
epochs = 1 if args.quick else args.epochs

import numpy as np

import tkeras as keras
from tkeras import layers
from tkeras.datasets import digits

keras.utils.set_random_seed(11)
(x_train, _), (x_test, _) = digits.load_data()
x_train = (x_train.astype("float32") / 16.0)[..., None]
x_test = (x_test.astype("float32") / 16.0)[..., None]
if args.quick:
    x_train = x_train[:256]

inputs = keras.Input((8, 8, 1))
h = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(inputs)  # 4x4
h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)  # 2x2
h = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)  # 4x4
h = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)  # 8x8
outputs = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h)
autoencoder = keras.Model(inputs, outputs, name="autoencoder")
autoencoder.summary()

autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
autoencoder.fit(x_train, x_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=2)

reconstructed = autoencoder.predict(x_test, verbose=0)
mse = float(np.mean((reconstructed - x_test) ** 2))
baseline = float(np.mean((x_test.mean(axis=0) - x_test) ** 2))
print(f"test reconstruction MSE {mse:.4f} (predicting the mean image: {baseline:.4f})")
