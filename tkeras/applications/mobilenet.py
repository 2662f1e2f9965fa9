"""MobileNet (v1) with Keras's layer names, ``alpha``/``depth_multiplier`` and weight files."""

from __future__ import annotations

import warnings

from tkeras import config, layers
from tkeras.applications import _weights, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
# (pointwise filters, stride) of the 13 depthwise-separable blocks.
_BLOCKS = (
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
)  # fmt: skip

__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]


def _depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier, strides, block_id):
    axis = _weights.channel_axis()
    x = inputs
    if strides != 1:
        # TF's 'same' for a stride-2 3x3 conv pads one cell at the end only.
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        (3, 3), padding="same" if strides == 1 else "valid", depth_multiplier=depth_multiplier,
        strides=(strides, strides), use_bias=False, name=f"conv_dw_{block_id}",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        int(pointwise_filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
        name=f"conv_pw_{block_id}",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(
    input_shape=None,
    alpha=1.0,
    depth_multiplier=1,
    dropout=1e-3,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """MobileNet (v1) for ImageNet classification or feature extraction (Keras's architecture).

    Args:
        input_shape: ``(h, w, 3)``; with ``include_top=False``, any h, w >= 32.
        alpha: width multiplier (``"imagenet"`` weights: 0.25, 0.5, 0.75, 1.0).
        depth_multiplier: depthwise channel multiplier (1 for ``"imagenet"``).
        dropout: dropout rate before the 1x1 conv classifier.
        include_top: include the classifier top.
        weights: ``None``, ``"imagenet"`` (Keras's weight files, via Keras's cache) or a path.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        name: the model's name; default ``mobilenet_{alpha:.2f}_{rows}``.

    Inputs go through ``tkeras.applications.mobilenet.preprocess_input`` (tf mode) first.

    Example:
        >>> from tkeras.applications import MobileNet
        >>> MobileNet(weights=None, include_top=False, input_shape=(32, 32, 3), alpha=0.25).name
        'mobilenet_0.25_32'
    """
    _weights.check_weights(weights, include_top, classes)
    channels_last = config.image_data_format() == "channels_last"
    default_size = 224
    if input_shape is not None:
        rows, cols = input_shape[:2] if channels_last else input_shape[1:]
        if rows == cols and rows in _SIZES:
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, config.image_data_format(), include_top, weights
    )
    rows, cols = input_shape[:2] if channels_last else input_shape[1:]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(
                "If imagenet weights are being loaded, depth multiplier must be 1.  "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, "
                f"`0.75` or `1.0` only.  Received alpha={alpha}"
            )
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as "
                "the default.",
                stacklevel=2,
            )
    img_input = _weights.image_input(input_tensor, input_shape)
    axis = _weights.channel_axis()
    x = layers.Conv2D(
        int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1"
    )(img_input)
    x = layers.BatchNormalization(axis=axis, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _weights.pool(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    suffix = "" if include_top else "_no_top"
    fname = f"mobilenet_{_ALPHA_TEXT.get(alpha, '2_5')}_{rows}_tf{suffix}.h5"
    return _weights.finish(x, img_input, input_tensor, name, weights, (fname, _BASE + fname, None))


def preprocess_input(x, data_format=None):
    """MobileNet preprocessing: scale pixels to [-1, 1] (tf mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
