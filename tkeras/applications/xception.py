"""Xception with Keras's layer names and order, and its weight files."""

from __future__ import annotations

from tkeras import layers
from tkeras.applications import _weights, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
_FILES = (
    ("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"),
    ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97"),
)

__all__ = ["Xception", "decode_predictions", "preprocess_input"]


def _sep_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_weights.channel_axis(), name=f"{name}_bn")(x)


def _downsample_block(x, filters, block, relu_first=True):
    """Two separable convs + strided max pooling, added to a strided 1x1 conv shortcut."""
    axis = _weights.channel_axis()
    first, second = filters if isinstance(filters, tuple) else (filters, filters)
    residual = layers.Conv2D(second, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=axis)(residual)
    if relu_first:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, first, f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, second, f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.Add()([x, residual])


@_weights.documented("xception", "tf", 299, 71, (None, 3, 3, 2048))
def Xception(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="xception",
):
    img_input, input_shape = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, 299, 71
    )
    axis = _weights.channel_axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _downsample_block(x, 128, 2, relu_first=False)
    x = _downsample_block(x, 256, 3)
    x = _downsample_block(x, 728, 4)
    for block in range(5, 13):  # middle flow: 8 residual blocks of 3 separable convs
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{i}")
        x = layers.Add()([x, residual])
    x = _downsample_block(x, (728, 1024), 13)
    for i, filters in ((1, 1536), (2, 2048)):
        x = _sep_bn(x, filters, f"block14_sepconv{i}")
        x = layers.Activation("relu", name=f"block14_sepconv{i}_act")(x)
    x = _weights.classifier(
        x, include_top, pooling, classes, classifier_activation, weights, top_pool_name="avg_pool"
    )
    fname, file_hash = _FILES[0 if include_top else 1]
    return _weights.finish(
        x, img_input, input_tensor, name, weights, (fname, _BASE + fname, file_hash)
    )


def preprocess_input(x, data_format=None):
    """Xception preprocessing: scale pixels to [-1, 1] (tf mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
