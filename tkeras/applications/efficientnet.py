"""EfficientNetB0-B7 with Keras's layer names, scaling rules and weight files."""

from __future__ import annotations

import copy
import math

from tkeras import layers
from tkeras.applications import _mbconv, _weights, imagenet_utils
from tkeras.applications._mbconv import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER

_BASE = "https://storage.googleapis.com/keras-applications/"
_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
# kernel, repeats, filters in, filters out, expansion, stride (SE ratio 0.25, id skip on).
_STAGES = (
    (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1),
)  # fmt: skip
DEFAULT_BLOCKS_ARGS = [
    dict(kernel_size=k, repeats=r, filters_in=fi, filters_out=fo, expand_ratio=e, id_skip=True,
         strides=s, se_ratio=0.25)
    for k, r, fi, fo, e, s in _STAGES
]  # fmt: skip
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]

__all__ = [f"EfficientNetB{i}" for i in range(8)] + ["decode_predictions", "preprocess_input"]


def block(
    inputs, activation="swish", drop_rate=0.0, name="", filters_in=32, filters_out=16,
    kernel_size=3, strides=1, expand_ratio=1, se_ratio=0.0, id_skip=True,
):  # fmt: skip
    """MBConv: expand 1x1, depthwise kxk, squeeze-excite, project 1x1, (dropped) residual."""
    bn_axis = _mbconv.bn_axis()
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(
            filters, 1, padding="same", use_bias=False,
            kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}expand_conv",
        )(x)  # fmt: skip
        x = layers.BatchNormalization(axis=bn_axis, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        pad = imagenet_utils.correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=pad, name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
        use_bias=False, depthwise_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}dwconv",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=bn_axis, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = _mbconv.squeeze_excite(x, filters_in, filters, se_ratio, activation, name)
    x = layers.Conv2D(
        filters_out, 1, padding="same", use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}project_conv",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=bn_axis, name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        x = _mbconv.dropped_residual(x, inputs, drop_rate, name)
    return x


def EfficientNet(
    width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
    depth_divisor=8, activation="swish", blocks_args="default", name="efficientnet",
    include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
    classes=1000, classifier_activation="softmax", weights_name=None,
):  # fmt: skip
    """The EfficientNet builder: B0's stages scaled in width and depth (Keras's rounding)."""
    blocks_args = DEFAULT_BLOCKS_ARGS if blocks_args == "default" else blocks_args
    img_input, _ = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, default_size
    )
    bn_axis = _mbconv.bn_axis()

    def round_filters(filters, divisor=depth_divisor):
        filters *= width_coefficient
        new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
        return int(new_filters + divisor if new_filters < 0.9 * filters else new_filters)

    # The pretrained weights include the input normalization (mean/variance in Normalization).
    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=bn_axis)(x)
    if weights == "imagenet":
        # The published Normalization stores the variance where Keras meant the std: undo it.
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(
        round_filters(32), 3, strides=2, padding="valid", use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=bn_axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    total = float(
        sum(_mbconv.round_repeats(args["repeats"], depth_coefficient) for args in blocks_args)
    )
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError(
                "The number of repeats in `EfficientNet` must be > 0. "
                f"Received: repeats={args['repeats']}"
            )
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(_mbconv.round_repeats(args.pop("repeats"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            rate = drop_connect_rate * b / total
            x = block(x, activation, rate, name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = _mbconv.top(x, round_filters(1280), activation)
    x = _weights.classifier(
        x, include_top, pooling, classes, classifier_activation, weights,
        top_pool_name="avg_pool", named_pooling=True, dropout=dropout_rate,
        kernel_initializer=DENSE_KERNEL_INITIALIZER,
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
        name: the model's name.

    The model takes pixels in [0, 255]: its input normalization is part of the network.

    Example:
        >>> from tkeras.applications import {model}
        >>> {model}(weights=None, include_top=False, input_shape=(32, 32, 3)).output.shape[-1]
        {channels}
"""


def _variant(index, width, depth, size, dropout):
    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=f"efficientnetb{index}",
    ):
        return EfficientNet(
            width, depth, size, dropout, name=name, include_top=include_top, weights=weights,
            input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
            classifier_activation=classifier_activation, weights_name=f"b{index}",
        )  # fmt: skip

    constructor.__name__ = constructor.__qualname__ = f"EfficientNetB{index}"
    constructor.__module__ = __name__
    top = max(8, int(1280 * width + 4) // 8 * 8)
    constructor.__doc__ = _DOC.format(model=constructor.__name__, channels=top)
    return constructor


EfficientNetB0 = _variant(0, 1.0, 1.0, 224, 0.2)
EfficientNetB1 = _variant(1, 1.0, 1.1, 240, 0.2)
EfficientNetB2 = _variant(2, 1.1, 1.2, 260, 0.3)
EfficientNetB3 = _variant(3, 1.2, 1.4, 300, 0.3)
EfficientNetB4 = _variant(4, 1.4, 1.8, 380, 0.4)
EfficientNetB5 = _variant(5, 1.6, 2.2, 456, 0.4)
EfficientNetB6 = _variant(6, 1.8, 2.6, 528, 0.5)
EfficientNetB7 = _variant(7, 2.0, 3.1, 600, 0.5)


def preprocess_input(x, data_format=None):
    """Return ``x`` unchanged: EfficientNet normalizes its inputs inside the model (as Keras)."""
    return x


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
