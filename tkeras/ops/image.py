"""``keras.ops.image``: resize and rgb_to_grayscale here; patches, crop/pad, HSV and filters
in the ``image_*`` modules.

Images are ``(height, width, channels)`` or ``(batch, height, width, channels)`` unless
``data_format='channels_first'``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.ops._common import to_tensor

_RESIZE_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def _data_format(name: str, data_format) -> str:
    data_format = config.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{name}: data_format must be 'channels_last' or 'channels_first'. Received: "
            f"data_format={data_format!r}"
        )
    return data_format


def _images(name: str, images) -> torch.Tensor:
    x = to_tensor(images)
    if x.dim() not in (3, 4):
        raise ValueError(
            f"{name}: images must have rank 3 (one image) or 4 (a batch). Received: "
            f"images.shape={tuple(x.shape)}"
        )
    return x


def _crop_or_pad(x: torch.Tensor, size, crop: bool, fill_value) -> torch.Tensor:
    """The centered crop (or constant pad) of NCHW ``x`` to the aspect ratio of ``size``."""
    height, width = x.shape[-2], x.shape[-1]
    target_h, target_w = size
    if crop:
        h = max(min(height, int(width * target_h / target_w)), 1)
        w = max(min(width, int(height * target_w / target_h)), 1)
        top, left = int((height - h) / 2), int((width - w) / 2)
        return x[:, :, top : top + h, left : left + w]
    h = max(height, int(width * target_h / target_w))
    w = max(width, int(height * target_w / target_h))
    top, left = int((h - height) / 2), int((w - width) / 2)
    # The same margin on both sides, as Keras pads (an odd remainder is left out).
    return F.pad(x, (left, left, top, top), value=fill_value)


def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """``images`` resized to ``size`` = (height, width) with ``interpolation``.

    ``interpolation``: ``'bilinear'``, ``'nearest'`` or ``'bicubic'`` (half-pixel centers, as
    TF and JAX); ``antialias`` low-pass filters when downsampling (bilinear, bicubic).
    ``crop_to_aspect_ratio`` / ``pad_to_aspect_ratio`` first crop (or pad with
    ``fill_value``) the images to the target aspect ratio, centered. Integer images are rounded
    back to their dtype.
    """
    fmt = _data_format("resize", data_format)
    if interpolation not in _RESIZE_MODES:
        raise ValueError(
            f"resize: interpolation must be one of {sorted(_RESIZE_MODES)} (tkeras has no "
            f"lanczos). Received: interpolation={interpolation!r}"
        )
    if fill_mode != "constant":
        raise ValueError(
            f"resize: only fill_mode='constant' is supported. Received: fill_mode={fill_mode!r}"
        )
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True."
        )
    if len(size) != 2:
        raise ValueError(f"resize: size must be (height, width). Received: size={size!r}")
    size = (int(size[0]), int(size[1]))
    x = _images("resize", images)
    squeeze = x.dim() == 3
    if squeeze:
        x = x.unsqueeze(0)
    out_dtype = x.dtype
    if out_dtype not in (torch.float32, torch.float64):
        x = x.to(torch.float32)
    if fmt == "channels_last":
        x = x.permute(0, 3, 1, 2)
    if crop_to_aspect_ratio or pad_to_aspect_ratio:
        x = _crop_or_pad(x, size, crop_to_aspect_ratio, fill_value)
    smooth = interpolation in ("bilinear", "bicubic")
    y = F.interpolate(
        x,
        size=size,
        mode=_RESIZE_MODES[interpolation],
        align_corners=False if smooth else None,
        antialias=bool(antialias) and smooth,
    )
    if interpolation == "bicubic" and out_dtype == torch.uint8:
        y = y.clamp(0, 255)
    if fmt == "channels_last":
        y = y.permute(0, 2, 3, 1)
    if squeeze:
        y = y.squeeze(0)
    if y.dtype != out_dtype:
        if not (out_dtype.is_floating_point or out_dtype == torch.bool):
            y = torch.round(y)
        y = y.to(out_dtype)
    return y


def rgb_to_grayscale(images, data_format=None):
    """RGB images to one-channel luma (``0.2989 R + 0.587 G + 0.114 B``)."""
    fmt = _data_format("rgb_to_grayscale", data_format)
    x = _images("rgb_to_grayscale", images)
    axis = -3 if fmt == "channels_first" else -1
    if x.shape[axis] not in (1, 3):
        raise ValueError(
            "rgb_to_grayscale: images must have 3 (RGB) or 1 (grayscale) channels. Received: "
            f"images.shape={tuple(x.shape)}"
        )
    if x.shape[axis] == 1:
        return x.clone()
    r, g, b = x.unbind(dim=axis)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(x.dtype).unsqueeze(axis)


# The other keras.ops.image functions, one module per family.
from tkeras.ops.image_filters import (  # noqa: E402
    gaussian_blur,
    hsv_to_rgb,
    rgb_to_hsv,
    sobel_edges,
    ssim,
)
from tkeras.ops.image_geometry import (  # noqa: E402
    affine_transform,
    elastic_transform,
    map_coordinates,
    perspective_transform,
)
from tkeras.ops.image_patches import (  # noqa: E402
    crop_images,
    extract_patches,
    extract_patches_3d,
    pad_images,
)
from tkeras.ops.image_scale import scale_and_translate  # noqa: E402

__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]
