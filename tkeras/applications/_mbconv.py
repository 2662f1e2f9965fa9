"""Blocks shared by EfficientNet and EfficientNetV2: squeeze-excite, the dropped residual, the
top, Keras's initializers and the repeat rounding."""

from __future__ import annotations

import math
from typing import Any

from tkeras import config, layers

CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}


def bn_axis() -> int:
    return 3 if config.image_data_format() == "channels_last" else 1


def round_repeats(repeats: int, depth_coefficient: float) -> int:
    return int(math.ceil(depth_coefficient * repeats))


def squeeze_excite(x: Any, filters_in: int, filters: int, se_ratio: float, activation, name):
    """Channel gates from the pooled features: 1x1 reduce (``filters_in * se_ratio``), 1x1
    expand with a sigmoid, multiplied into ``x``."""
    filters_se = max(1, int(filters_in * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se_shape = (filters, 1, 1) if bn_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(se_shape, name=f"{name}se_reshape")(se)
    se = layers.Conv2D(
        filters_se, 1, padding="same", activation=activation,
        kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce",
    )(se)  # fmt: skip
    se = layers.Conv2D(
        filters, 1, padding="same", activation="sigmoid",
        kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand",
    )(se)  # fmt: skip
    return layers.Multiply(name=f"{name}se_excite")([x, se])


def dropped_residual(x: Any, inputs: Any, drop_rate: float, name: str) -> Any:
    """``x + inputs``, the whole branch dropped per sample at ``drop_rate`` (stochastic depth)."""
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.Add(name=f"{name}add")([x, inputs])


def top(x: Any, filters: int, activation: Any, **bn_kwargs: Any) -> Any:
    """The 1x1 conv + BatchNormalization + activation before the classifier."""
    x = layers.Conv2D(
        filters, 1, padding="same", use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER, name="top_conv",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=bn_axis(), name="top_bn", **bn_kwargs)(x)
    return layers.Activation(activation, name="top_activation")(x)
