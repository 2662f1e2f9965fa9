"""Train a small convnet on the 8x8 handwritten digits that ship with tkeras.

The same script runs under real Keras: change the import below to `import keras`.

    python examples/digits_convnet.py            # 15 epochs, about a minute on a laptop CPU
    python examples/digits_convnet.py --quick    # 1 epoch on 256 images, seconds
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=15, help="training epochs (default: 15)")
parser.add_argument("--quick", action="store_true", help="1 epoch on 256 images (a smoke run)")
args = parser.parse_args()  # before the imports below, so --help answers at once
epochs = 1 if args.quick else args.epochs

import numpy as np

import tkeras as keras
from tkeras import layers
from tkeras.datasets import digits

keras.utils.set_random_seed(42)

(x_train, y_train), (x_test, y_test) = digits.load_data()
# Scale pixels (0..16) to [0, 1] and add a channels axis: (n, 8, 8, 1), channels_last.
x_train = (x_train.astype("float32") / 16.0)[..., None]
x_test = (x_test.astype("float32") / 16.0)[..., None]
if args.quick:
    x_train, y_train = x_train[:256], y_train[:256]
print(f"x_train {x_train.shape}, x_test {x_test.shape}, classes {np.unique(y_train).size}")

model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(64, kernel_size=3, activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ]
)
model.summary()

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1)

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
predictions = model.predict(x_test[:5], verbose=0).argmax(axis=1)
print(f"first five predictions {predictions.tolist()}, labels {y_test[:5].tolist()}")
