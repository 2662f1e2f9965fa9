"""VGG16 (and the VGG builder VGG19 shares), with Keras's layer names and weight files."""

from __future__ import annotations

from typing import Any

from tkeras import layers
from tkeras.applications import _weights, imagenet_utils
from tkeras.models.functional import Functional

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_FILES = {
    # name: ((top file, hash), (no-top file, hash))
    "vgg16": (
        ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"),
        ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
    ),
    "vgg19": (
        ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
        ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"),
    ),
}

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]


def build_vgg(
    convs_per_block: tuple,
    family: str,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    name: str,
) -> Functional:
    """A VGG network: five blocks of 3x3 'same' convs + 2x2 max pooling, then 2 x fc4096."""
    img_input, input_shape = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, 224
    )
    x = img_input
    for block, (filters, n_convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for i in range(1, n_convs + 1):
            x = layers.Conv2D(
                filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}"
            )(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _weights.pool(x, pooling)
    fname, file_hash = _FILES[family][0 if include_top else 1]
    return _weights.finish(
        x, img_input, input_tensor, name, weights, (fname, f"{_BASE}{family}/{fname}", file_hash)
    )


def VGG16(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg16",
):
    """VGG16 for ImageNet classification or feature extraction (Keras's architecture and weights).

    Args:
        include_top: include the 3 fully-connected layers at the top.
        weights: ``None`` (random init), ``"imagenet"`` (Keras's pretrained weights, downloaded
            once into Keras's cache) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: ``(h, w, 3)`` when ``include_top=False`` (h, w >= 32).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        name: the model's name.

    Inputs go through ``tkeras.applications.vgg16.preprocess_input`` (caffe mode) first.

    Example:
        >>> from tkeras.applications import VGG16
        >>> VGG16(weights=None, include_top=False, input_shape=(32, 32, 3)).output.shape
        (None, 1, 1, 512)
    """
    return build_vgg(
        (2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor, input_shape,
        pooling, classes, classifier_activation, name,
    )  # fmt: skip


def preprocess_input(x, data_format=None):
    """VGG16 preprocessing: RGB to BGR, minus the ImageNet mean per channel (caffe mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
