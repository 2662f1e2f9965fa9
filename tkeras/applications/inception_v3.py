"""InceptionV3 with Keras's layer order (auto-named conv/BN layers) and weight files."""

from __future__ import annotations

from tkeras import config, layers
from tkeras.applications import _weights, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
_FILES = (
    ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564"),
    (
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "bcbd6486424b2319ff4ef7d526e38f63",
    ),
)

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Conv (no bias) + BatchNormalization (no scale) + ReLU; ``name`` names all three."""
    bn_axis = 1 if config.image_data_format() == "channels_first" else 3
    x = layers.Conv2D(
        filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
        name=None if name is None else f"{name}_conv",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(
        axis=bn_axis, scale=False, name=None if name is None else f"{name}_bn"
    )(x)
    return layers.Activation("relu", name=name)(x)


def _avg_pool_branch(x, filters):
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def _block_35(x, pool_filters, name):
    axis = _weights.channel_axis()
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    bp = _avg_pool_branch(x, pool_filters)
    return layers.Concatenate(axis=axis, name=name)([b1, b5, b3, bp])


def _block_17(x, mid, name):
    axis = _weights.channel_axis()
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(x, mid, 1, 1)
    b7 = conv2d_bn(b7, mid, 1, 7)
    b7 = conv2d_bn(b7, 192, 7, 1)
    bd = conv2d_bn(x, mid, 1, 1)
    for filters, (r, c) in ((mid, (7, 1)), (mid, (1, 7)), (mid, (7, 1)), (192, (1, 7))):
        bd = conv2d_bn(bd, filters, r, c)
    bp = _avg_pool_branch(x, 192)
    return layers.Concatenate(axis=axis, name=name)([b1, b7, bd, bp])


def _block_8(x, i):
    axis = _weights.channel_axis()
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = layers.Concatenate(axis=axis, name=f"mixed9_{i}")(
        [conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)]
    )
    bd = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    bd = layers.Concatenate(axis=axis)([conv2d_bn(bd, 384, 1, 3), conv2d_bn(bd, 384, 3, 1)])
    bp = _avg_pool_branch(x, 192)
    return layers.Concatenate(axis=axis, name=f"mixed{9 + i}")([b1, b3, bd, bp])


@_weights.documented("inception_v3", "tf", 299, 75, (None, 1, 1, 2048))
def InceptionV3(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_v3",
):
    img_input, input_shape = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, 299, 75
    )
    axis = _weights.channel_axis()
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, f"mixed{i}")
    # mixed3: 35x35 -> 17x17
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    bd = conv2d_bn(bd, 96, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=axis, name="mixed3")([b3, bd, bp])
    for i, mid in enumerate((128, 160, 160, 192)):
        x = _block_17(x, mid, f"mixed{4 + i}")
    # mixed8: 17x17 -> 8x8
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=axis, name="mixed8")([b3, b7, bp])
    for i in range(2):
        x = _block_8(x, i)
    x = _weights.classifier(
        x, include_top, pooling, classes, classifier_activation, weights, top_pool_name="avg_pool"
    )
    fname, file_hash = _FILES[0 if include_top else 1]
    return _weights.finish(
        x, img_input, input_tensor, name, weights, (fname, _BASE + fname, file_hash)
    )


def preprocess_input(x, data_format=None):
    """InceptionV3 preprocessing: scale pixels to [-1, 1] (tf mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
