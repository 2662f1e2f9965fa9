"""An image classifier with augmentation layers (active only during fit), on the 8x8 digits.

python examples/augmented_classifier.py
"""

import tkeras as keras
from tkeras import layers
from tkeras.datasets import digits

keras.utils.set_random_seed(5)
(x_train, y_train), (x_test, y_test) = digits.load_data()
x_train, x_test = x_train[..., None].astype("float32"), x_test[..., None].astype("float32")

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
model.fit(x_train, y_train, batch_size=32, epochs=25, validation_split=0.1, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {accuracy:.4f}")
