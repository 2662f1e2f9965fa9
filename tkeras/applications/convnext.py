"""ConvNeXt Tiny/Small/Base/Large/XLarge with Keras's layer names, custom layers and weights."""

from __future__ import annotations

import numpy as np
import torch

from tkeras import config, initializers, layers
from tkeras.applications import _weights, imagenet_utils
from tkeras.models.functional import Functional
from tkeras.models.sequential import Sequential

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
_HASHES = {  # sha256
    "convnext_tiny": (
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "convnext_small": (
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "convnext_base": (
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "convnext_large": (
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "convnext_xlarge": (
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}
_DEEP = [3, 3, 27, 3]
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": _DEEP, "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": _DEEP, "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": _DEEP, "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": _DEEP, "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "decode_predictions",
    "preprocess_input",
]


class StochasticDepth(layers.Layer):
    """Drop the whole residual branch per sample with probability ``drop_path_rate`` (training).

    Args:
        drop_path_rate: probability of dropping a sample's branch, in [0, 1].

    Example:
        >>> import torch
        >>> StochasticDepth(0.5)(torch.ones(2, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if training:
            keep_prob = 1 - self.drop_path_rate
            shape = (x.shape[0],) + (1,) * (x.ndim - 1)
            mask = torch.floor(keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device))
            return (x / keep_prob) * mask
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(layers.Layer):
    """Multiply by a learned per-channel scale ``gamma`` initialised to ``init_values``.

    Args:
        init_values: initial value of every scale.
        projection_dim: number of channels (the last axis).

    Example:
        >>> import torch
        >>> LayerScale(0.5, 3)(torch.ones(1, 3)).tolist()
        [[0.5, 0.5, 0.5]]
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, _):
        self.gamma = self.add_weight(
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "init_values": self.init_values,
            "projection_dim": self.projection_dim,
        }


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """Depthwise 7x7 conv, LayerNorm, MLP (Dense 4x, gelu, Dense), layer scale, residual."""

    def apply(inputs):
        x = layers.Conv2D(
            filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
            name=f"{name}_depthwise_conv",
        )(inputs)  # fmt: skip
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            layer = layers.Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)

    return apply


def PreStem(name):
    """Normalize [0, 255] pixels with the ImageNet-1k mean and std."""

    def apply(x):
        return layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
            name=f"{name}_prestem_normalization",
        )(x)

    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(
            num_classes, activation=classifier_activation, name=f"{name}_head_dense"
        )(x)

    return apply


def ConvNeXt(
    depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
    name="convnext", include_preprocessing=True, include_top=True, weights=None,
    input_tensor=None, input_shape=None, pooling=None, classes=1000,
    classifier_activation="softmax", weights_name=None,
):  # fmt: skip
    """The ConvNeXt builder: a 4x4 patchify stem, four stages of ConvNeXt blocks, the head."""
    if config.image_data_format() == "channels_first":
        raise ValueError(
            "ConvNeXt does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    img_input, input_shape = _weights.start(
        weights, include_top, classes, input_tensor, input_shape, default_size
    )
    if input_tensor is not None:
        inputs = _weights.source_inputs(img_input)[0]
        x = img_input
    else:
        inputs = x = img_input
    if include_preprocessing and input_shape[2] == 3:
        x = PreStem(name=name)(x)
    stem = Sequential(
        [
            layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm"),
        ],
        name=f"{name}_stem",
    )
    downsample_layers = [stem]
    for i in range(3):
        downsample_layers.append(
            Sequential(
                [
                    layers.LayerNormalization(
                        epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"
                    ),
                    layers.Conv2D(
                        projection_dims[i + 1],
                        kernel_size=2,
                        strides=2,
                        name=f"{name}_downsampling_conv_{i}",
                    ),  # fmt: skip
                ],
                name=f"{name}_downsampling_block_{i}",
            )
        )
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(
                projection_dim=projection_dims[i], drop_path_rate=rates[cur + j],
                layer_scale_init_value=layer_scale_init_value, name=f"{name}_stage_{i}_block_{j}",
            )(x)  # fmt: skip
        cur += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        x = _weights.pool(x, pooling)
        # Keras normalizes the features even without pooling.
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = Functional(inputs=inputs, outputs=x, name=name)
    if weights == "imagenet":
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if (
            list(depths) != expected["depths"]
            or list(projection_dims) != expected["projection_dims"]
        ):
            raise ValueError(
                f"Architecture configuration does not match {weights_name} variant. When using "
                "pre-trained weights, the model architecture must match the pre-trained "
                f"configuration exactly. Expected depths: {expected['depths']}, got: {depths}. "
                f"Expected projection_dims: {expected['projection_dims']}, got: "
                f"{projection_dims}."
            )
        if weights_name not in name:
            raise ValueError(
                f'Model name "{name}" does not match weights variant "{weights_name}". When '
                "using imagenet weights, model name must contain the weights variant (e.g., "
                f'"convnext_{weights_name.split("convnext_")[-1]}").'
            )
        fname = name + (".h5" if include_top else "_notop.h5")
        file_hash = _HASHES[weights_name][0 if include_top else 1]
        return _weights.load(model, weights, (fname, _BASE + fname, file_hash))
    return _weights.load(model, weights)


_DOC = """{model} for ImageNet classification or feature extraction (Keras's architecture).

    Args:
        include_top: include the pooling + LayerNorm + Dense head.
        include_preprocessing: normalize [0, 255] pixels inside the model (keep it with
            ``"imagenet"`` weights).
        weights: ``None``, ``"imagenet"`` (Keras's weight files, via Keras's cache) or a path.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: ``(h, w, 3)`` when ``include_top=False`` (h, w >= 32).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        name: the model's name.

    Example:
        >>> from tkeras.applications import {model}
        >>> {model}(weights=None, include_top=False, input_shape=(32, 32, 3)).name
        'convnext_{size}'
"""


def _variant(size):
    def constructor(
        include_top=True,
        include_preprocessing=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=f"convnext_{size}",
    ):
        cfg = MODEL_CONFIGS[size]
        return ConvNeXt(
            weights_name=f"convnext_{size}", depths=cfg["depths"],
            projection_dims=cfg["projection_dims"], drop_path_rate=0.0,
            layer_scale_init_value=1e-6, default_size=cfg["default_size"], name=name,
            include_top=include_top, include_preprocessing=include_preprocessing,
            weights=weights, input_tensor=input_tensor, input_shape=input_shape,
            pooling=pooling, classes=classes, classifier_activation=classifier_activation,
        )  # fmt: skip

    title = "XLarge" if size == "xlarge" else size.capitalize()
    constructor.__name__ = constructor.__qualname__ = f"ConvNeXt{title}"
    constructor.__module__ = __name__
    constructor.__doc__ = _DOC.format(model=constructor.__name__, size=size)
    return constructor


ConvNeXtTiny = _variant("tiny")
ConvNeXtSmall = _variant("small")
ConvNeXtBase = _variant("base")
ConvNeXtLarge = _variant("large")
ConvNeXtXLarge = _variant("xlarge")


def preprocess_input(x, data_format=None):
    """Return ``x`` unchanged: ConvNeXt normalizes its inputs inside the model (as Keras)."""
    return x


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
