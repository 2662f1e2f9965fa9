"""ResNet50V2/101V2/152V2: pre-activation ResNets on the ResNet builder, tf-mode inputs."""

from __future__ import annotations

from collections.abc import Callable

from tkeras.applications import imagenet_utils
from tkeras.applications.resnet import stack_residual_blocks_v2, variant

_MODULE = "resnet_v2"

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


ResNet50V2 = variant("ResNet50V2", "resnet50v2", _v2_stacks((3, 4, 6, 3)), True, _MODULE, "tf")
ResNet101V2 = variant("ResNet101V2", "resnet101v2", _v2_stacks((3, 4, 23, 3)), True, _MODULE, "tf")
ResNet152V2 = variant("ResNet152V2", "resnet152v2", _v2_stacks((3, 8, 36, 3)), True, _MODULE, "tf")


def preprocess_input(x, data_format=None):
    """ResNetV2 preprocessing: scale pixels to [-1, 1] (tf mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes of each prediction row (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
