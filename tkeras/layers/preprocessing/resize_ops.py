"""Keras's torch-backend image resize: aspect-ratio crop or pad, then ``F.interpolate``.

Keras's torch backend resizes with ``F.interpolate`` (``'nearest'`` is ``'nearest-exact'``,
``align_corners=False``); torchvision's ``resize`` makes the same call, so tkeras calls
``F.interpolate`` directly. Integer images are resized in float32, rounded and cast back.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}
# Keras's TF and JAX backends have these; its torch backend raises for them.
NOT_ON_TORCH = ("lanczos3", "lanczos5")


def aspect_crop_box(height: int, width: int, target_h: int, target_w: int) -> tuple:
    """(top, left, crop_h, crop_w): the largest centred window of the target aspect ratio."""
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def pad_to_aspect(images: torch.Tensor, target_h: int, target_w: int, fill_value: float):
    """Pad (N, C, H, W) images with ``fill_value`` towards the target aspect ratio, as Keras.

    Keras pads ``(padded - size) // 2`` on both sides, so an odd difference leaves the result
    one pixel short of the exact ratio before the resize.
    """
    height, width = images.shape[-2:]
    pad_h = max(height, int(float(width * target_h) / target_w))
    pad_w = max(width, int(float(height * target_w) / target_h))
    top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
    if top == 0 and left == 0:
        return images
    return F.pad(images, (left, left, top, top), value=fill_value)


def interpolate(
    images: torch.Tensor, size: tuple[int, int], interpolation: str, antialias: bool
) -> torch.Tensor:
    """Float (N, C, H, W) images resized to ``size`` with Keras's torch-backend settings."""
    mode = INTERPOLATIONS[interpolation]
    smooth = interpolation in ("bilinear", "bicubic")
    return F.interpolate(
        images,
        size=size,
        mode=mode,
        align_corners=False if smooth else None,
        antialias=bool(antialias) and smooth,
    )


def resize(
    images: torch.Tensor,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_value: float = 0.0,
) -> torch.Tensor:
    """Keras's ``ops.image.resize`` on (N, C, H, W) images of any dtype (ints stay ints)."""
    dtype = images.dtype
    if dtype not in (torch.float32, torch.float64):
        images = images.to(torch.float32)
    if crop_to_aspect_ratio:
        top, left, crop_h, crop_w = aspect_crop_box(*images.shape[-2:], *size)
        images = images[:, :, top : top + crop_h, left : left + crop_w]
    elif pad_to_aspect_ratio:
        images = pad_to_aspect(images, *size, fill_value)
    out = interpolate(images, size, interpolation, antialias)
    if out.dtype == dtype:
        return out
    if dtype == torch.uint8 and interpolation == "bicubic":
        out = out.clamp(0, 255)
    if not dtype.is_floating_point:
        out = torch.round(out)
    return out.to(dtype)


def smart_resize(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Centre crop of float (N, C, H, W) images to the target aspect ratio, then bilinear resize
    (Keras's ``utils.smart_resize``); no resize when the crop already has the target size."""
    top, left, crop_h, crop_w = aspect_crop_box(*images.shape[-2:], *size)
    images = images[:, :, top : top + crop_h, left : left + crop_w]
    if (crop_h, crop_w) == tuple(size):
        return images
    return interpolate(images, size, "bilinear", False)
