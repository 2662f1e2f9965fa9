"""ResNet50V2/101V2/152V2: pre-activation ResNets on the ResNet builder, tf-mode inputs."""

from __future__ import annotations

from collections.abc import Callable

from tkeras.applications import imagenet_utils
from tkeras.applications.resnet import _DOC, build_resnet, stack_residual_blocks_v2

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions", "preprocess_input"]


def _v2_stacks(blocks: tuple) -> Callable:
    def stack_fn(x):
        for i, (filters, n) in enumerate(zip((64, 128, 256, 512), blocks)):
            # v2 downsamples at the end of a stage; the last stage keeps its size.
            x = stack_residual_blocks_v2(
                x, filters, n, stride1=1 if i == 3 else 2, name=f"conv{i + 2}"
            )
        return x

    return stack_fn


def ResNet50V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet50v2",
):
    return build_resnet(
        _v2_stacks((3, 4, 6, 3)), True, "resnet50v2", include_top, weights, input_tensor,
        input_shape, pooling, classes, classifier_activation, name,
    )  # fmt: skip


def ResNet101V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet101v2",
):
    return build_resnet(
        _v2_stacks((3, 4, 23, 3)), True, "resnet101v2", include_top, weights, input_tensor,
        input_shape, pooling, classes, classifier_activation, name,
    )  # fmt: skip


def ResNet152V2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet152v2",
):
    return build_resnet(
        _v2_stacks((3, 8, 36, 3)), True, "resnet152v2", include_top, weights, input_tensor,
        input_shape, pooling, classes, classifier_activation, name,
    )  # fmt: skip


for _fn in (ResNet50V2, ResNet101V2, ResNet152V2):
    _fn.__doc__ = _DOC.format(model=_fn.__name__, module="resnet_v2", mode="tf")


def preprocess_input(x, data_format=None):
    """ResNetV2 preprocessing: scale pixels to [-1, 1] (tf mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
