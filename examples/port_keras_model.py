"""Port a trained Keras model to PyTorch: load its .keras file with tkeras, then fine-tune it in
a plain torch loop.

1. Train a small convnet in real Keras on the 8x8 digits that ship with tkeras and save it as
   `digits_keras.keras` (Keras 3's own format).
2. Load the file with `tkeras.models.load_model`: the same architecture and weights, now a
   `torch.nn.Module`, predicting what Keras predicts.
3. Fine-tune it with `torch.optim.Adam(model.parameters())` and `F.cross_entropy` in a
   hand-written loop, then save it back to `.keras` and load that in Keras again.

Needs Keras 3 (`pip install keras`); it runs on Keras's torch backend unless KERAS_BACKEND says
otherwise. Offline; about 15 s on a laptop CPU.

    python examples/port_keras_model.py            # 2 Keras epochs, then 6 torch epochs
    python examples/port_keras_model.py --quick    # 1 + 1 epochs on 256 images, seconds
"""

import argparse
import os
import sys
import tempfile

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=6, help="torch fine-tuning epochs (default: 6)")
parser.add_argument(
    "--quick", action="store_true", help="1 Keras + 1 torch epoch on 256 images (a smoke run)"
)
args = parser.parse_args()  # before the imports below, so --help answers at once
epochs = 1 if args.quick else args.epochs

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    import keras
except ImportError:
    sys.exit("This example trains the model in real Keras first: pip install keras")

import numpy as np
import torch
import torch.nn.functional as F

import tkeras
from tkeras.datasets import digits

(x_train, y_train), (x_test, y_test) = digits.load_data()
# Pixels 0..16 -> [0, 1], plus a channels axis: (n, 8, 8, 1), channels_last as in Keras.
x_train = (x_train.astype("float32") / 16.0)[..., None]
x_test = (x_test.astype("float32") / 16.0)[..., None]
y_train, y_test = y_train.astype("int64"), y_test.astype("int64")
if args.quick:
    x_train, y_train = x_train[:256], y_train[:256]

# ---------------------------------------------------------------- 1. train and save in Keras
keras.utils.set_random_seed(0)
keras_model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10),  # logits, so the torch loop below can use F.cross_entropy
    ]
)
keras_model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
# A short run on purpose, so that the fine-tuning below has something left to learn.
keras_model.fit(x_train, y_train, batch_size=64, epochs=1 if args.quick else 2, verbose=2)

folder = tempfile.TemporaryDirectory()
keras_path = os.path.join(folder.name, "digits_keras.keras")
keras_model.save(keras_path)
print(f"Keras saved {keras_path}")

# ---------------------------------------------------------------- 2. load it with tkeras
model = tkeras.models.load_model(keras_path)
assert isinstance(model, torch.nn.Module)
print(f"tkeras loaded {type(model).__name__} with {model.count_params()} parameters")

keras_logits = keras.ops.convert_to_numpy(keras_model.predict(x_test, verbose=0))
tkeras_logits = model.predict(x_test, verbose=0)
gap = np.abs(keras_logits - tkeras_logits).max()
agree = (keras_logits.argmax(1) == tkeras_logits.argmax(1)).mean()
print(f"predictions: max |keras - tkeras| = {gap:.2e}, same class for {agree:.0%} of the test set")
assert gap < 1e-4 and agree == 1.0


# ---------------------------------------------------------------- 3. fine-tune in plain torch
def accuracy(module: torch.nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    module.eval()  # Dropout off, BatchNormalization on its moving statistics
    with torch.no_grad():
        logits = module(torch.from_numpy(x).to(device))
    return (logits.argmax(1).cpu().numpy() == y).mean()


device = tkeras.config.device()
model.to(device)
before = accuracy(model, x_test, y_test)

torch.manual_seed(0)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x_all = torch.from_numpy(x_train).to(device)
y_all = torch.from_numpy(y_train).to(device)
for epoch in range(epochs):
    model.train()  # Dropout on, BatchNormalization on batch statistics
    permutation = torch.randperm(len(x_all), device=device)
    total = 0.0
    for batch in permutation.split(32):
        loss = F.cross_entropy(model(x_all[batch]), y_all[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    print(f"torch epoch {epoch + 1}: loss {total / len(x_all):.4f}")

after = accuracy(model, x_test, y_test)
print(f"test accuracy: {before:.4f} as ported from Keras, {after:.4f} after fine-tuning")

# The fine-tuned model is still a Keras model: save it and load it back into Keras.
tuned_path = os.path.join(folder.name, "digits_tuned.keras")
model.save(tuned_path)
reloaded = keras.models.load_model(tuned_path)
tuned_logits = keras.ops.convert_to_numpy(reloaded.predict(x_test, verbose=0))
gap = np.abs(tuned_logits - model.predict(x_test, verbose=0)).max()
print(f"Keras reloads the fine-tuned model: max |keras - tkeras| = {gap:.2e}")
folder.cleanup()
