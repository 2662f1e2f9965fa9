"""DenseNet121/169/201 with Keras's layer names and weight files."""

from __future__ import annotations

from tkeras import config, layers
from tkeras.applications import _weights, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
_HASHES = {
    121: ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    169: ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    201: ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
_BLOCKS = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32)}
_EPS = 1.001e-5

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions", "preprocess_input"]


def _bn_relu(x, name):
    axis = 3 if config.image_data_format() == "channels_last" else 1
    x = layers.BatchNormalization(axis=axis, epsilon=_EPS, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 conv, BN-ReLU-3x3 conv, concatenated to the block's input."""
    axis = 3 if config.image_data_format() == "channels_last" else 1
    x1 = _bn_relu(x, f"{name}_0")
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = _bn_relu(x1, f"{name}_1")
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=axis, name=f"{name}_concat")([x, x1])


def dense_block(x, blocks, name):
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    axis = 3 if config.image_data_format() == "channels_last" else 1
    x = _bn_relu(x, name)
    x = layers.Conv2D(int(x.shape[axis] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(
    blocks,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet",
):
    """A DenseNet of four dense blocks of ``blocks[i]`` conv blocks (growth rate 32)."""
    img_input, input_shape = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, 224
    )
    axis = 3 if config.image_data_format() == "channels_last" else 1
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPS, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name=f"conv{i + 2}")
        if i < 3:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = layers.BatchNormalization(axis=axis, epsilon=_EPS, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _weights.classifier(
        x, include_top, pooling, classes, classifier_activation, weights,
        top_pool_name="avg_pool", named_pooling=True,
    )  # fmt: skip
    depth = {v: k for k, v in _BLOCKS.items()}.get(tuple(blocks))
    if weights == "imagenet" and depth is None:
        weights = None  # Keras has no weights for other depths and loads nothing either
    imagenet = None
    if weights == "imagenet":
        suffix = "" if include_top else "_notop"
        fname = f"densenet{depth}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        imagenet = (fname, _BASE + fname, _HASHES[depth][0 if include_top else 1])
    return _weights.finish(x, img_input, input_tensor, name, weights, imagenet)


_DOC = """{model} for ImageNet classification or feature extraction (Keras's architecture).

    Args:
        include_top: include the average pooling + Dense top.
        weights: ``None``, ``"imagenet"`` (Keras's weight files, via Keras's cache) or a path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: ``(h, w, 3)`` when ``include_top=False`` (h, w >= 32).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        name: the model's name.

    Inputs go through ``tkeras.applications.densenet.preprocess_input`` (torch mode) first.

    Example:
        >>> from tkeras.applications import {model}
        >>> {model}(weights=None, include_top=False, input_shape=(32, 32, 3)).name
        '{name}'
"""


def _variant(depth):
    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=f"densenet{depth}",
    ):
        return DenseNet(
            _BLOCKS[depth], include_top, weights, input_tensor, input_shape, pooling, classes,
            classifier_activation, name=name,
        )  # fmt: skip

    constructor.__name__ = constructor.__qualname__ = f"DenseNet{depth}"
    constructor.__module__ = __name__
    constructor.__doc__ = _DOC.format(model=constructor.__name__, name=f"densenet{depth}")
    return constructor


DenseNet121 = _variant(121)
DenseNet169 = _variant(169)
DenseNet201 = _variant(201)


def preprocess_input(x, data_format=None):
    """DenseNet preprocessing: scale to [0, 1], then ImageNet mean/std per channel (torch)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
