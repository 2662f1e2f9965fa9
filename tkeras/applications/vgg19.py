"""VGG19: VGG16's builder with four convs in blocks 3 to 5."""

from __future__ import annotations

from tkeras.applications import imagenet_utils
from tkeras.applications.vgg16 import build_vgg

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]


def VGG19(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg19",
):
    """VGG19 for ImageNet classification or feature extraction (Keras's architecture and weights).

    Args: as ``tkeras.applications.VGG16``.

    Example:
        >>> from tkeras.applications import VGG19
        >>> VGG19(weights=None, include_top=False, input_shape=(32, 32, 3)).count_params()
        20024384
    """
    return build_vgg(
        (2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor, input_shape,
        pooling, classes, classifier_activation, name,
    )  # fmt: skip


def preprocess_input(x, data_format=None):
    """VGG19 preprocessing: RGB to BGR, minus the ImageNet mean per channel (caffe mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
