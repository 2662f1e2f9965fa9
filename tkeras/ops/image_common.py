"""Argument checks shared by the ``keras.ops.image`` modules."""

from __future__ import annotations

import torch

from tkeras import config
from tkeras.ops._common import to_tensor


def data_format_of(name: str, data_format) -> str:
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{name}: data_format must be 'channels_last' or 'channels_first'. Received: "
            f"data_format={data_format!r}"
        )
    return data_format


def images_of(name: str, images) -> torch.Tensor:
    x = to_tensor(images)
    if x.dim() not in (3, 4):
        raise ValueError(
            f"{name}: images must have rank 3 (one image) or 4 (a batch). Received: "
            f"images.shape={tuple(x.shape)}"
        )
    return x


def float_images_of(name: str, images) -> torch.Tensor:
    x = images_of(name, images)
    if not x.is_floating_point():
        raise ValueError(
            f"{name}: images must have a float dtype. Received: images.dtype="
            f"{str(x.dtype).rsplit('.', 1)[-1]}"
        )
    return x
