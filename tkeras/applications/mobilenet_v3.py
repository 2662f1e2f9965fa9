"""MobileNetV3Small/Large with Keras's layer names, options and weight files.

The squeeze-excite gate is ``ReLU(6)(x + 3) * (1/6)`` written with operators on symbolic
tensors, as in Keras, so the model's layers (the ops are not layers) match Keras's one for one.
"""

from __future__ import annotations

import warnings

from tkeras import config, layers
from tkeras.applications import _weights, imagenet_utils
from tkeras.applications.mobilenet_v2 import make_divisible
from tkeras.models.symbolic import KerasTensor

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
_HASHES = {  # model: (top file hash, no-top file hash)
    "large_224_0.75_float": (
        "765b44a33ad4005b3ac83185abf1d0eb",
        "40af19a13ebea4e2ee0c676887f69a2e",
    ),
    "large_224_1.0_float": (
        "59e551e166be033d707958cf9e29a6a7",
        "07fb09a5933dd0c8eaafa16978110389",
    ),
    "large_minimalistic_224_1.0_float": (
        "675e7b876c45c57e9e63e6d90a36599c",
        "ec5221f64a2f6d1ef965a614bdae7973",
    ),
    "small_224_0.75_float": (
        "cb65d4e5be93758266aa0a7f2c6708b7",
        "ebdb5cc8e0b497cd13a7c275d475c819",
    ),
    "small_224_1.0_float": (
        "8768d4c2e7dee89b9d02b2d03d65d862",
        "d3e8ec802a04aa4fc771ee12a9a9b836",
    ),
    "small_minimalistic_224_1.0_float": (
        "99cd97fb2fcdad2bf028eb838de69e37",
        "cde8136e733e811080d9fcd8a252f7e4",
    ),
}
# expansion, filters, kernel ("k": 5, or 3 when minimalistic), stride, SE, activation ("a": hard
# swish, or relu when minimalistic) of each inverted residual block.
_SMALL = (
    (1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"),
    (88 / 24, 24, 3, 1, False, "relu"), (4, 40, "k", 2, True, "a"), (6, 40, "k", 1, True, "a"),
    (6, 40, "k", 1, True, "a"), (3, 48, "k", 1, True, "a"), (3, 48, "k", 1, True, "a"),
    (6, 96, "k", 2, True, "a"), (6, 96, "k", 1, True, "a"), (6, 96, "k", 1, True, "a"),
)  # fmt: skip
_LARGE = (
    (1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "a"), (2.5, 80, 3, 1, False, "a"), (2.3, 80, 3, 1, False, "a"),
    (2.3, 80, 3, 1, False, "a"), (6, 112, 3, 1, True, "a"), (6, 112, 3, 1, True, "a"),
    (6, 160, "k", 2, True, "a"), (6, 160, "k", 1, True, "a"), (6, 160, "k", 1, True, "a"),
)  # fmt: skip

__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]


def _depth(v, divisor=8):
    return make_divisible(v, divisor)


def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _bn(name):
    return layers.BatchNormalization(
        axis=_weights.channel_axis(), epsilon=1e-3, momentum=0.999, name=name
    )


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(
        inputs
    )
    x = layers.Conv2D(
        _depth(filters * se_ratio), kernel_size=1, padding="same",
        name=f"{prefix}squeeze_excite_conv",
    )(x)  # fmt: skip
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1"
    )(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[_weights.channel_axis()]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(
            _depth(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
            name=f"{prefix}expand",
        )(x)  # fmt: skip
        x = _bn(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        pad = imagenet_utils.correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=pad, name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
        name=f"{prefix}depthwise",
    )(x)  # fmt: skip
    x = _bn(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = _bn(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _stack_fn(table, alpha):
    def stack_fn(x, kernel, activation, se_ratio):
        for block_id, (expansion, filters, k, stride, se, act) in enumerate(table):
            x = _inverted_res_block(
                x, expansion, _depth(filters * alpha), kernel if k == "k" else k, stride,
                se_ratio if se else None, relu if act == "relu" else activation, block_id,
            )  # fmt: skip
        return x

    return stack_fn


def MobileNetV3(
    stack_fn, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
    include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
    dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None,
):  # fmt: skip
    """The MobileNetV3 builder shared by Small and Large."""
    _weights.check_weights(weights, include_top, classes)
    channels_last = config.image_data_format() == "channels_last"
    if input_shape is not None and input_tensor is not None:
        if not isinstance(input_tensor, KerasTensor):
            raise ValueError(f"input_tensor specified: {input_tensor} is not a keras tensor")
        if input_tensor.shape[2 if channels_last else 1] != input_shape[1]:
            raise ValueError(
                f"input_shape[1] must equal input_tensor.shape[{2 if channels_last else 1}].  "
                f"Received input_shape={input_shape}, input_tensor.shape={input_tensor.shape}"
            )
    if input_shape is None and isinstance(input_tensor, KerasTensor):
        # Keras builds (cols, rows, 3) here; kept for identical models.
        if channels_last:
            input_shape = (input_tensor.shape[2], input_tensor.shape[1], 3)
        else:
            input_shape = (3, input_tensor.shape[3], input_tensor.shape[2])
    if input_shape is None:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    rows, cols = input_shape[:2] if channels_last else input_shape[1:]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for "
                "non minimalistic or `1.0` for minimalistic only."
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for "
                "input shape (224, 224) will be loaded as the default.",
                stacklevel=3,
            )
    img_input = _weights.image_input(input_tensor, input_shape)
    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(
        16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv"
    )(x)
    x = _bn("conv_bn")(x)
    x = activation(x)
    x = stack_fn(x, kernel, activation, se_ratio)
    last_conv_ch = _depth(x.shape[_weights.channel_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = _bn("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(
            last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2"
        )(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _weights.pool(x, pooling, "avg_pool", "max_pool")
    imagenet = None
    if weights == "imagenet":
        model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        suffix = "" if include_top else "_no_top_v2"
        fname = f"weights_mobilenet_v3_{model_name}{suffix}.h5"
        imagenet = (fname, _BASE + fname, _HASHES[model_name][0 if include_top else 1])
    return _weights.finish(x, img_input, input_tensor, name, weights, imagenet)


_DOC = """{model} for ImageNet classification or feature extraction (Keras's architecture).

    Args:
        input_shape: ``(h, w, 3)`` (h, w >= 32); default ``(None, None, 3)``.
        alpha: width multiplier (``"imagenet"`` weights: 0.75 or 1.0; 1.0 if minimalistic).
        minimalistic: no squeeze-excite, no hard-swish, 3x3 kernels only.
        include_top: include the classifier top.
        weights: ``None``, ``"imagenet"`` (Keras's weight files, via Keras's cache) or a path.
        input_tensor: optional Keras tensor to use as the image input.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        dropout_rate: dropout before the logits.
        classifier_activation: activation of the top layer (``None`` gives logits).
        include_preprocessing: rescale [0, 255] pixels to [-1, 1] inside the model.
        name: the model's name.

    Example:
        >>> from tkeras.applications import {model}
        >>> {model}(weights=None, include_top=False, input_shape=(32, 32, 3)).name
        '{model}'
"""


def MobileNetV3Small(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Small",
):
    return MobileNetV3(
        _stack_fn(_SMALL, alpha), 1024, input_shape, alpha, "small", minimalistic, include_top,
        weights, input_tensor, classes, pooling, dropout_rate, classifier_activation,
        include_preprocessing, name=name,
    )  # fmt: skip


def MobileNetV3Large(
    input_shape=None,
    alpha=1.0,
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name="MobileNetV3Large",
):
    return MobileNetV3(
        _stack_fn(_LARGE, alpha), 1280, input_shape, alpha, "large", minimalistic, include_top,
        weights, input_tensor, classes, pooling, dropout_rate, classifier_activation,
        include_preprocessing, name=name,
    )  # fmt: skip


MobileNetV3Small.__doc__ = _DOC.format(model="MobileNetV3Small")
MobileNetV3Large.__doc__ = _DOC.format(model="MobileNetV3Large")


def preprocess_input(x, data_format=None):
    """Return ``x`` unchanged: MobileNetV3 rescales its inputs inside the model (as Keras)."""
    return x


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
