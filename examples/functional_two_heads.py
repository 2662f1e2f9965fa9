"""A functional model with two inputs and two outputs, trained with per-output losses.

Inputs: the 8x8 digit image and a "pixel count" side feature. Outputs: the digit class and
whether the digit is even. Runs offline on the digits that ship with tkeras; change the import
to `import keras` to run the same script under Keras.

    python examples/functional_two_heads.py            # 10 epochs
    python examples/functional_two_heads.py --quick    # 1 epoch on 256 images, seconds
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=10, help="training epochs (default: 10)")
parser.add_argument("--quick", action="store_true", help="1 epoch on 256 images (a smoke run)")
args = parser.parse_args()  # before the imports below, so --help answers at once
epochs = 1 if args.quick else args.epochs

import numpy as np

import tkeras as keras
from tkeras import layers
from tkeras.datasets import digits

keras.utils.set_random_seed(7)
(x_train, y_train), (x_test, y_test) = digits.load_data()
if args.quick:
    x_train, y_train = x_train[:256], y_train[:256]


def features(x):
    images = (x.astype("float32") / 16.0)[..., None]
    ink = (x > 0).mean(axis=(1, 2)).astype("float32")[:, None]
    return {"image": images, "ink": ink}


image = keras.Input((8, 8, 1), name="image")
ink = keras.Input((1,), name="ink")
h = layers.Conv2D(16, 3, padding="same", activation="relu")(image)
h = layers.MaxPooling2D()(h)
h = layers.Flatten()(h)
h = layers.concatenate([h, layers.Dense(4, activation="relu")(ink)])
h = layers.Dense(64, activation="relu")(h)
digit = layers.Dense(10, activation="softmax", name="digit")(h)
even = layers.Dense(1, activation="sigmoid", name="even")(h)
model = keras.Model({"image": image, "ink": ink}, {"digit": digit, "even": even})
model.summary()

model.compile(
    optimizer="adam",
    loss={"digit": "sparse_categorical_crossentropy", "even": "binary_crossentropy"},
    loss_weights={"digit": 1.0, "even": 0.5},
    metrics={"digit": ["accuracy"], "even": ["accuracy"]},
)
targets = {"digit": y_train, "even": (y_train % 2 == 0).astype("float32")[:, None]}
model.fit(features(x_train), targets, batch_size=32, epochs=epochs, validation_split=0.1, verbose=2)

results = model.evaluate(
    features(x_test),
    {"digit": y_test, "even": (y_test % 2 == 0).astype("float32")[:, None]},
    verbose=0,
    return_dict=True,
)
print({k: round(float(v), 4) for k, v in sorted(results.items())})
pred = model.predict(features(x_test[:4]), verbose=0)
print("digits", np.argmax(pred["digit"], axis=1).tolist(), "labels", y_test[:4].tolist())
