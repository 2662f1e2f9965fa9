"""EfficientNetV2 B0-B3, S, M, L with Keras's layer names, options and weight files."""

from __future__ import annotations

import copy

from tkeras import initializers, layers
from tkeras.applications import _mbconv, _weights, imagenet_utils
from tkeras.applications._mbconv import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio",
         "se_ratio", "strides", "conv_type")  # fmt: skip
# conv_type 1 = FusedMBConv, 0 = MBConv.
_B = (
    (3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
    (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0), (3, 8, 112, 192, 6, 0.25, 2, 0),
)  # fmt: skip
_TABLES = {
    "b0": _B, "b1": _B, "b2": _B, "b3": _B,
    "-s": (
        (3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
        (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
        (3, 15, 160, 256, 6, 0.25, 2, 0),
    ),
    "-m": (
        (3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
        (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
        (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0),
    ),
    "-l": (
        (3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
        (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
        (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0),
    ),
}  # fmt: skip
DEFAULT_BLOCKS_ARGS = {
    f"efficientnetv2{'-' if key.startswith('b') else ''}{key}": [
        dict(zip(_KEYS, row)) for row in table
    ]
    for key, table in _TABLES.items()
}

__all__ = [f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")] + [
    "decode_predictions",
    "preprocess_input",
]


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(
        max(minimum_depth, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor)
    )


round_repeats = _mbconv.round_repeats


def _conv(filters, kernel_size, strides, name, **kwargs):
    return layers.Conv2D(
        filters, kernel_size=kernel_size, strides=strides, padding="same", use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER, name=name, **kwargs,
    )  # fmt: skip


def _bn(momentum, name):
    return layers.BatchNormalization(axis=_mbconv.bn_axis(), momentum=momentum, name=name)


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    if strides == 1 and input_filters == output_filters:
        # Keras passes survival_probability as the *drop* rate of the residual's Dropout.
        x = _mbconv.dropped_residual(x, inputs, survival_probability, name)
    return x


def MBConvBlock(
    input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
    bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None,
):  # fmt: skip
    """Inverted residual: expand 1x1, depthwise kxk, squeeze-excite, project 1x1."""

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, 1, 1, f"{name}expand_conv")(x)
            x = _bn(bn_momentum, f"{name}expand_bn")(x)
            x = layers.Activation(activation, name=f"{name}expand_activation")(x)
        x = layers.DepthwiseConv2D(
            kernel_size=kernel_size, strides=strides, depthwise_initializer=CONV_KERNEL_INITIALIZER,
            padding="same", use_bias=False, name=f"{name}dwconv2",
        )(x)  # fmt: skip
        x = _bn(bn_momentum, f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = _mbconv.squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        x = _conv(output_filters, 1, 1, f"{name}project_conv")(x)
        x = _bn(bn_momentum, f"{name}project_bn")(x)
        return _residual(
            x, inputs, strides, input_filters, output_filters, survival_probability, name
        )

    return apply


def FusedMBConvBlock(
    input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
    bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None,
):  # fmt: skip
    """Fused inverted residual: one kxk conv replaces the expand + depthwise pair."""

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv(filters, kernel_size, strides, f"{name}expand_conv")(x)
            x = _bn(bn_momentum, f"{name}expand_bn")(x)
            x = layers.Activation(activation=activation, name=f"{name}expand_activation")(x)
        if 0 < se_ratio <= 1:
            x = _mbconv.squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        fused = expand_ratio == 1
        x = _conv(
            output_filters, kernel_size if fused else 1, strides if fused else 1,
            f"{name}project_conv",
        )(x)  # fmt: skip
        x = _bn(bn_momentum, f"{name}project_bn")(x)
        if fused:
            x = layers.Activation(activation=activation, name=f"{name}project_activation")(x)
        return _residual(
            x, inputs, strides, input_filters, output_filters, survival_probability, name
        )

    return apply


def EfficientNetV2(
    width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
    depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
    name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None,
    input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
    include_preprocessing=True, weights_name=None,
):  # fmt: skip
    """The EfficientNetV2 builder (Keras's scaling and block tables)."""
    variant = f"efficientnetv2{'-' if weights_name and weights_name.startswith('b') else ''}"
    variant = f"{variant}{weights_name}" if weights_name else name
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS[variant]
    img_input, input_shape = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, default_size
    )
    bn_axis = _mbconv.bn_axis()
    x = img_input
    if include_preprocessing:
        if variant.split("-")[-1].startswith("b") and input_shape[bn_axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            mean = [0.485, 0.456, 0.406]
            x = layers.Normalization(
                mean=mean, variance=[0.229**2, 0.224**2, 0.225**2], axis=bn_axis
            )(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def rf(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = _conv(rf(blocks_args[0]["input_filters"]), 3, 2, "stem_conv")(x)
    x = _bn(bn_momentum, "stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    total = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(
                "The number of repeats in `EfficientNetV2` must be > 0. "
                f"Received: num_repeat={args['num_repeat']}"
            )
        args["input_filters"] = rf(args["input_filters"])
        args["output_filters"] = rf(args["output_filters"])
        block = {0: MBConvBlock, 1: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(
                activation=activation, bn_momentum=bn_momentum,
                survival_probability=drop_connect_rate * b / total,
                name=f"block{i + 1}{chr(j + 97)}_", **args,
            )(x)  # fmt: skip
            b += 1
    x = _mbconv.top(x, rf(1280), activation, momentum=bn_momentum)
    x = _weights.classifier(
        x, include_top, pooling, classes, classifier_activation, weights,
        top_pool_name="avg_pool", named_pooling=True, dropout=dropout_rate,
        kernel_initializer=DENSE_KERNEL_INITIALIZER, bias_initializer=initializers.Constant(0.0),
    )  # fmt: skip
    imagenet = None
    if weights == "imagenet":
        fname = name + (".h5" if include_top else "_notop.h5")
        imagenet = (fname, _BASE + fname, _HASHES[weights_name][0 if include_top else 1])
    return _weights.finish(x, img_input, input_tensor, name, weights, imagenet)


_DOC = """{model} for ImageNet classification or feature extraction (Keras's architecture).

    Args:
        include_top: include the average pooling + dropout + Dense top.
        weights: ``None``, ``"imagenet"`` (Keras's weight files, via Keras's cache) or a path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: ``(h, w, 3)`` when ``include_top=False`` (h, w >= 32).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        include_preprocessing: normalize [0, 255] pixels inside the model.
        name: the model's name.

    Differences from Keras: a ``name`` other than the default works (Keras looks the block
    table up by name and fails).

    Example:
        >>> from tkeras.applications import {model}
        >>> {model}(weights=None, include_top=False, input_shape=(32, 32, 3)).name
        '{name}'
"""


def _variant(suffix, key, width, depth, size):
    default_name = f"efficientnetv2-{key.lstrip('-')}"

    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        include_preprocessing=True,
        name=default_name,
    ):
        return EfficientNetV2(
            width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
            include_top=include_top, weights=weights, input_tensor=input_tensor,
            input_shape=input_shape, pooling=pooling, classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing, weights_name=key,
        )  # fmt: skip

    constructor.__name__ = constructor.__qualname__ = f"EfficientNetV2{suffix}"
    constructor.__module__ = __name__
    constructor.__doc__ = _DOC.format(
        model=constructor.__name__, name=f"efficientnetv2-{key.lstrip('-')}"
    )
    return constructor


EfficientNetV2B0 = _variant("B0", "b0", 1.0, 1.0, 224)
EfficientNetV2B1 = _variant("B1", "b1", 1.0, 1.1, 240)
EfficientNetV2B2 = _variant("B2", "b2", 1.1, 1.2, 260)
EfficientNetV2B3 = _variant("B3", "b3", 1.2, 1.4, 300)
EfficientNetV2S = _variant("S", "-s", 1.0, 1.0, 384)
EfficientNetV2M = _variant("M", "-m", 1.0, 1.0, 480)
EfficientNetV2L = _variant("L", "-l", 1.0, 1.0, 480)


def preprocess_input(x, data_format=None):
    """Return ``x`` unchanged: EfficientNetV2 normalizes its inputs inside the model (as Keras)."""
    return x


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
