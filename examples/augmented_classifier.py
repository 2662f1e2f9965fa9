"""An image classifier with augmentation layers (active only during fit), on the 8x8 digits.

python examples/augmented_classifier.py            # 25 epochs
python examples/augmented_classifier.py --quick    # 1 epoch on 256 images, seconds
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=25, help="training epochs (default: 25)")
parser.add_argument("--quick", action="store_true", help="1 epoch on 256 images (a smoke run)")
args = parser.parse_args()  # before the imports below, so --help answers at once
epochs = 1 if args.quick else args.epochs

import tkeras as keras
from tkeras import layers
from tkeras.datasets import digits

keras.utils.set_random_seed(5)
(x_train, y_train), (x_test, y_test) = digits.load_data()
x_train, x_test = x_train[..., None].astype("float32"), x_test[..., None].astype("float32")
if args.quick:
    x_train, y_train = x_train[:256], y_train[:256]

model = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        layers.Rescaling(1.0 / 16.0),
        # Augmentation: random per-image transforms in training, identity in evaluate/predict.
        layers.RandomRotation(0.05, fill_mode="constant", seed=1),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=2),
        layers.RandomZoom(0.1, fill_mode="constant", seed=3),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.2),
        layers.Dense(10),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(2e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {accuracy:.4f}")
