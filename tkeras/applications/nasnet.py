"""NASNetMobile and NASNetLarge (NASNet-A) with Keras's layer names and weight files."""

from __future__ import annotations

from tkeras import config, layers
from tkeras.applications import _weights, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
_FILES = {  # (default_size, include_top): (cache file name, URL file name, hash)
    (224, True): ("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
    (224, False): (
        "nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63",
    ),
    (331, True): ("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
    (331, False): (
        "nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5",
    ),
}  # fmt: skip

__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]


def _bn(name):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(filters, name):
    return layers.Conv2D(
        filters, (1, 1), strides=(1, 1), padding="same", use_bias=False, name=name,
        kernel_initializer="he_normal",
    )  # fmt: skip


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two [ReLU, separable conv, BatchNorm] units; the first may be strided."""
    x = layers.Activation("relu")(ip)
    if strides == (2, 2):
        pad = imagenet_utils.correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=pad, name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(
        filters, kernel_size, strides=strides, name=f"separable_conv_1_{block_id}",
        padding="valid" if strides == (2, 2) else "same", use_bias=False,
    )(x)  # fmt: skip
    x = _bn(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(
        filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same", use_bias=False
    )(x)
    return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p, ip, filters, block_id=None):
    """Bring the previous cell's output ``p`` to ``ip``'s grid and width."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        # Halve the grid along two paths offset by one pixel, then concatenate.
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}"
        )(p)
        p1 = _conv1x1(filters // 2, f"adjust_conv_1_{block_id}")(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}"
        )(p2)
        p2 = _conv1x1(filters // 2, f"adjust_conv_2_{block_id}")(p2)
        p = layers.Concatenate(axis=-1)([p1, p2])
        return _bn(f"adjust_bn_{block_id}")(p)
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(filters, f"adjust_conv_projection_{block_id}")(p)
        return _bn(f"adjust_bn_{block_id}")(p)
    return p


def _avg3(strides, padding, name):
    return layers.AveragePooling2D((3, 3), strides=strides, padding=padding, name=name)


def _normal_a_cell(ip, p, filters, block_id=None):
    """NASNet-A normal cell (Fig. 4 of the paper): keeps the grid."""
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(filters, f"normal_conv_1_{block_id}")(h)
    h = _bn(f"normal_bn_1_{block_id}")(h)
    x1_1 = _separable_conv_block(
        h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}"
    )
    x1_2 = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
    x1 = layers.Add(name=f"normal_add_1_{block_id}")([x1_1, x1_2])
    x2_1 = _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
    x2_2 = _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
    x2 = layers.Add(name=f"normal_add_2_{block_id}")([x2_1, x2_2])
    x3 = _avg3((1, 1), "same", f"normal_left3_{block_id}")(h)
    x3 = layers.Add(name=f"normal_add_3_{block_id}")([x3, p])
    x4_1 = _avg3((1, 1), "same", f"normal_left4_{block_id}")(p)
    x4_2 = _avg3((1, 1), "same", f"normal_right4_{block_id}")(p)
    x4 = layers.Add(name=f"normal_add_4_{block_id}")([x4_1, x4_2])
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.Add(name=f"normal_add_5_{block_id}")([x5, h])
    x = layers.Concatenate(axis=-1, name=f"normal_concat_{block_id}")([p, x1, x2, x3, x4, x5])
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """NASNet-A reduction cell (Fig. 4 of the paper): halves the grid."""
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(filters, f"reduction_conv_1_{block_id}")(h)
    h = _bn(f"reduction_bn_1_{block_id}")(h)
    pad = imagenet_utils.correct_pad(h, 3)
    h3 = layers.ZeroPadding2D(padding=pad, name=f"reduction_pad_1_{block_id}")(h)
    s2 = (2, 2)
    x1_1 = _separable_conv_block(
        h, filters, (5, 5), strides=s2, block_id=f"reduction_left1_{block_id}"
    )
    x1_2 = _separable_conv_block(
        p, filters, (7, 7), strides=s2, block_id=f"reduction_right1_{block_id}"
    )
    x1 = layers.Add(name=f"reduction_add_1_{block_id}")([x1_1, x1_2])
    x2_1 = layers.MaxPooling2D(
        (3, 3), strides=s2, padding="valid", name=f"reduction_left2_{block_id}"
    )(h3)
    x2_2 = _separable_conv_block(
        p, filters, (7, 7), strides=s2, block_id=f"reduction_right2_{block_id}"
    )
    x2 = layers.Add(name=f"reduction_add_2_{block_id}")([x2_1, x2_2])
    x3_1 = _avg3(s2, "valid", f"reduction_left3_{block_id}")(h3)
    x3_2 = _separable_conv_block(
        p, filters, (5, 5), strides=s2, block_id=f"reduction_right3_{block_id}"
    )
    x3 = layers.Add(name=f"reduction_add3_{block_id}")([x3_1, x3_2])
    x4 = _avg3((1, 1), "same", f"reduction_left4_{block_id}")(x1)
    x4 = layers.Add()([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = layers.MaxPooling2D(
        (3, 3), strides=s2, padding="valid", name=f"reduction_right5_{block_id}"
    )(h3)
    x5 = layers.Add(name=f"reduction_add4_{block_id}")([x5_1, x5_2])
    x = layers.Concatenate(axis=-1, name=f"reduction_concat_{block_id}")([x2, x3, x4, x5])
    return x, ip


def NASNet(
    input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
    skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
    input_tensor=None, pooling=None, classes=1000, default_size=None,
    classifier_activation="softmax", name="NASNet",
):  # fmt: skip
    """The NASNet-A builder: a stem, then 3 x ``num_blocks`` normal cells between reductions."""
    if config.image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    _weights.check_weights(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
            "input_shape argument must be static (no None entries). Got: "
            f"`input_shape={input_shape}`."
        )
    default_size = 331 if default_size is None else default_size
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, config.image_data_format(), include_top, weights
    )
    img_input = _weights.image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier**2)) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
            f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}"
        )
    filters = penultimate_filters // 24
    x = layers.Conv2D(
        stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False,
        name="stem_conv1", kernel_initializer="he_normal",
    )(img_input)  # fmt: skip
    x = _bn("stem_bn1")(x)
    x, p = _reduction_a_cell(x, None, filters // (filter_multiplier**2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stage in range(3):
        width = filters * filter_multiplier**stage
        if stage:
            x, p0 = _reduction_a_cell(x, p, width, block_id=f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            block_id = f"{i}" if stage == 0 else f"{stage * num_blocks + i + 1}"
            x, p = _normal_a_cell(x, p, width, block_id=block_id)
    x = layers.Activation("relu")(x)
    x = _weights.classifier(x, include_top, pooling, classes, classifier_activation, weights)
    imagenet = None
    if weights == "imagenet":
        if default_size not in (224, 331):
            raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
        fname, url_name, file_hash = _FILES[(default_size, bool(include_top))]
        imagenet = (fname, _BASE + url_name, file_hash)
    return _weights.finish(x, img_input, input_tensor, name, weights, imagenet)


_DOC = """{model} (NASNet-A) for ImageNet classification or feature extraction (Keras's network).

    Args:
        input_shape: ``(h, w, 3)`` when ``include_top=False`` (h, w >= 32); default {size}x{size}.
        include_top: include the average pooling + Dense top.
        weights: ``None``, ``"imagenet"`` (Keras's weight files, via Keras's cache) or a path.
        input_tensor: optional Keras tensor to use as the image input.
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        name: the model's name.

    Inputs go through ``tkeras.applications.nasnet.preprocess_input`` (tf mode) first.
    {diff}
    Example:
        >>> from tkeras.applications import {model}
        >>> {model}(weights=None, include_top=False, input_shape=(32, 32, 3)).name
        '{name}'
"""


def NASNetMobile(
    input_shape=None,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="nasnet_mobile",
):
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(
        input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
        skip_reduction=False, filter_multiplier=2, include_top=include_top, weights=weights,
        input_tensor=input_tensor, pooling=pooling, classes=classes, default_size=224,
        classifier_activation=classifier_activation, name=name,
    )  # fmt: skip


def NASNetLarge(
    input_shape=None,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="nasnet_large",
):
    return NASNet(
        input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
        skip_reduction=True, filter_multiplier=2, include_top=include_top, weights=weights,
        input_tensor=input_tensor, pooling=pooling, classes=classes, default_size=331,
        classifier_activation=classifier_activation, name=name,
    )  # fmt: skip


NASNetMobile.__doc__ = _DOC.format(
    model="NASNetMobile", size=224, name="nasnet_mobile",
    diff="\n    Differences from Keras: Keras refuses NASNetMobile on its torch backend; tkeras "
    "builds it.\n",
)  # fmt: skip
NASNetLarge.__doc__ = _DOC.format(model="NASNetLarge", size=331, name="nasnet_large", diff="")


def preprocess_input(x, data_format=None):
    """NASNet preprocessing: scale pixels to [-1, 1] (tf mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
