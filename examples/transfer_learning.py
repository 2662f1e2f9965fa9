"""Transfer learning with a pretrained MobileNetV2 on a folder of images (Keras's guide recipe).

Freeze the base, train a new head, then unfreeze and fine-tune with a small learning rate; the
base runs with ``training=False`` so its BatchNormalization layers stay in inference mode, as
Keras's transfer-learning guide explains. The same script runs under real Keras: change the
import below to ``import keras``.

    python examples/transfer_learning.py                    # random weights, made-up images
    python examples/transfer_learning.py --quick            # seconds: tiny images, 1 epoch
    python examples/transfer_learning.py --data DIR --imagenet   # your folder, ImageNet weights

``DIR`` holds one subfolder per class. ``--imagenet`` downloads Keras's MobileNetV2 weights
once into ``~/.keras/models`` (files Keras downloaded before are reused); offline, leave it out.
"""

import argparse
import os
import tempfile

import numpy as np
from PIL import Image

import tkeras as keras


def make_images(root: str, per_class: int = 12, size: int = 64) -> str:
    """A tiny two-class image folder (bright vs dark noise) so the script runs offline."""
    rng = np.random.default_rng(0)
    for label, low in (("bright", 128), ("dark", 0)):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(per_class):
            pixels = rng.integers(low, low + 128, (size, size, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(os.path.join(root, label, f"{i}.png"))
    return root


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="MobileNetV2 transfer learning")
    parser.add_argument("--data", help="folder with one subfolder per class")
    parser.add_argument("--imagenet", action="store_true", help="start from ImageNet weights")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=96)
    parser.add_argument("--quick", action="store_true", help="1 epoch on tiny images (a smoke run)")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.image_size = 1, 32
    keras.utils.set_random_seed(0)
    data = args.data or make_images(tempfile.mkdtemp(), per_class=4 if args.quick else 12)
    size = (args.image_size, args.image_size)
    train_ds = keras.utils.image_dataset_from_directory(
        data, validation_split=0.25, subset="training", seed=1, image_size=size, batch_size=8
    )
    val_ds = keras.utils.image_dataset_from_directory(
        data, validation_split=0.25, subset="validation", seed=1, image_size=size, batch_size=8
    )
    num_classes = len(train_ds.class_names)

    base_model = keras.applications.MobileNetV2(
        weights="imagenet" if args.imagenet else None,
        input_shape=(*size, 3),
        include_top=False,
        alpha=0.35,
    )
    base_model.trainable = False  # freeze the base

    inputs = keras.Input(shape=(*size, 3))
    # MobileNetV2 expects pixels in [-1, 1] (mobilenet_v2.preprocess_input's "tf" mode).
    x = keras.layers.Rescaling(scale=1 / 127.5, offset=-1)(inputs)
    # training=False: the base's BatchNormalization keeps its moving statistics, also when
    # the base is unfrozen for fine-tuning below.
    x = base_model(x, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(num_classes)(x)
    model = keras.Model(inputs, outputs)

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(), loss=loss, metrics=["accuracy"])
    head = model.fit(train_ds, epochs=args.epochs, validation_data=val_ds)

    # Fine-tune the whole model with a small learning rate.
    base_model.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss=loss, metrics=["accuracy"])
    tuned = model.fit(train_ds, epochs=args.epochs, validation_data=val_ds)
    print(f"fine-tuned: val_accuracy {tuned.history['val_accuracy'][-1]:.3f}")
    return {"head": head.history, "fine_tune": tuned.history}


if __name__ == "__main__":
    main()
