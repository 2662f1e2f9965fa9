"""A custom layer (build + add_weight + call) inside a subclassed Model, trained with fit().

python examples/custom_layer_subclassed_model.py            # 10 epochs
python examples/custom_layer_subclassed_model.py --quick    # 1 epoch on 256 images
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=10, help="training epochs (default: 10)")
parser.add_argument("--quick", action="store_true", help="1 epoch on 256 images (a smoke run)")
args = parser.parse_args()  # before the imports below, so --help answers at once
epochs = 1 if args.quick else args.epochs

import tkeras as keras
from tkeras import layers
from tkeras.datasets import digits


class ScaledDense(layers.Layer):
    """A Dense layer with a learned per-unit output scale, written the Keras way."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")

    def call(self, inputs):
        return self.activation((inputs @ self.kernel + self.bias) * self.scale)


class DigitClassifier(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = layers.Flatten()
        self.hidden = ScaledDense(64, activation="relu")
        self.dropout = layers.Dropout(0.2)
        self.classifier = layers.Dense(10)

    def call(self, inputs, training=None):
        x = self.flatten(inputs)
        x = self.hidden(x)
        x = self.dropout(x, training=training)
        return self.classifier(x)


keras.utils.set_random_seed(3)
(x_train, y_train), (x_test, y_test) = digits.load_data()
x_train, x_test = x_train.astype("float32") / 16.0, x_test.astype("float32") / 16.0
if args.quick:
    x_train, y_train = x_train[:256], y_train[:256]

model = DigitClassifier()
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {accuracy:.4f}")
model.summary()
