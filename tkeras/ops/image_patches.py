"""Patch extraction, cropping and padding of ``keras.ops.image``."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras.ops._common import to_tensor
from tkeras.ops.image_common import data_format_of, images_of
from tkeras.ops.nn_conv import _same_pads, conv


def _check_size(size) -> None:
    if isinstance(size, int):
        return
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            "Invalid `size` argument. Expected an int or a tuple. "
            f"Received: size={size} of type {type(size).__name__}"
        )
    if len(size) not in (2, 3):
        raise ValueError(
            "Invalid `size` argument. Expected a tuple of length 2 or 3. "
            f"Received: size={size} with length {len(size)}"
        )


def _pair(name: str, value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` from images, flattened into the channel axis (ViT, MLP-Mixer).

    A batch ``(N, H, W, C)`` gives ``(N, H', W', ph * pw * C)``, each patch flattened in
    ``(row, column, channel)`` order; ``strides`` default to ``size``. A 3-tuple ``size``
    extracts volume patches (``extract_patches_3d``).

    Example:
        >>> patches = tkeras.ops.image.extract_patches(np.ones((1, 32, 32, 3)), 8)
        >>> tuple(patches.shape)
        (1, 4, 4, 192)
    """
    _check_size(size)
    if not isinstance(size, int) and len(size) == 3:
        return extract_patches_3d(images, size, strides, dilation_rate, padding, data_format)
    x = to_tensor(images)
    fmt = data_format_of("extract_patches", data_format)
    kernel = _pair("size", size)
    strides = _pair("strides", strides or size)
    dilation = _pair("dilation_rate", dilation_rate)
    if padding not in ("valid", "same"):
        raise ValueError(
            f"extract_patches: padding must be 'valid' or 'same'. Received: padding={padding!r}"
        )
    unbatched = x.dim() == 3
    if unbatched:
        x = x.unsqueeze(0)
    if fmt == "channels_last":
        x = x.permute(0, 3, 1, 2)
    n, c, h, w = x.shape
    if padding == "same":
        pads = _same_pads((h, w), kernel, strides, dilation)
        x = F.pad(x, (pads[1][0], pads[1][1], pads[0][0], pads[0][1]))
    out_h = (x.shape[2] - dilation[0] * (kernel[0] - 1) - 1) // strides[0] + 1
    out_w = (x.shape[3] - dilation[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    cols = F.unfold(x, kernel, dilation=dilation, stride=strides)  # (n, c * ph * pw, L)
    # Keras orders a patch (row, column, channel); unfold gives (channel, row, column).
    cols = cols.view(n, c, kernel[0] * kernel[1], out_h, out_w).permute(0, 3, 4, 2, 1)
    out = cols.reshape(n, out_h, out_w, kernel[0] * kernel[1] * c)
    if fmt == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if unbatched else out


def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """Volume patches of ``size`` (an int or 3 ints), flattened into the channel axis.

    ``(N, D, H, W, C)`` gives ``(N, D', H', W', pd * ph * pw * C)``; ``strides`` default to
    ``size``.
    """
    if isinstance(size, int):
        size = (size, size, size)
    if len(size) != 3:
        raise TypeError(
            "Invalid `size` argument. Expected an int or a tuple of length 3. "
            f"Received: size={size}"
        )
    strides = size if strides is None else strides
    if isinstance(strides, int):
        strides = (strides, strides, strides)
    if len(strides) != 3:
        raise ValueError(f"Invalid `strides` argument. Got: {strides}")
    x = to_tensor(volumes)
    fmt = data_format_of("extract_patches_3d", data_format)
    channels = x.shape[-1] if fmt == "channels_last" else x.shape[-4]
    out_dim = size[0] * size[1] * size[2] * channels
    # An identity kernel: each output channel copies one (depth, row, column, channel) cell.
    kernel = torch.eye(out_dim, dtype=x.dtype, device=x.device).reshape(*size, channels, out_dim)
    unbatched = x.dim() == 4
    if unbatched:
        x = x.unsqueeze(0)
    out = conv(x, kernel, strides, padding, fmt, dilation_rate)
    return out.squeeze(0) if unbatched else out


def _exactly_two(names: tuple[str, str, str], values: tuple) -> None:
    if list(values).count(None) != 1:
        listed = ", ".join(f"{n}={v}" for n, v in zip(names, values))
        raise ValueError(f"Must specify exactly two of {', '.join(names)}. Received: {listed}")
    for n, v in zip(names, values):
        if v is not None and v < 0:
            raise ValueError(f"{n} must be >= 0. Received: {n}={v}")


def _hw(x: torch.Tensor, fmt: str) -> tuple[int, int]:
    return (x.shape[-3], x.shape[-2]) if fmt == "channels_last" else (x.shape[-2], x.shape[-1])


def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Zero-pad images; give exactly two of (top, bottom, target_height) and of
    (left, right, target_width).

    Example:
        >>> tkeras.ops.image.pad_images(np.ones((4, 4, 1)), 1, 2, target_height=8,
        ...                             target_width=8).shape
        torch.Size([8, 8, 1])
    """
    x = images_of("pad_images", images)
    fmt = data_format_of("pad_images", data_format)
    _exactly_two(
        ("top_padding", "bottom_padding", "target_height"),
        (top_padding, bottom_padding, target_height),
    )
    _exactly_two(
        ("left_padding", "right_padding", "target_width"),
        (left_padding, right_padding, target_width),
    )
    height, width = _hw(x, fmt)
    top = target_height - bottom_padding - height if top_padding is None else top_padding
    bottom = target_height - top - height if bottom_padding is None else bottom_padding
    left = target_width - right_padding - width if left_padding is None else left_padding
    right = target_width - left - width if right_padding is None else right_padding
    for name, value in (("top", top), ("left", left), ("right", right), ("bottom", bottom)):
        if value < 0:
            raise ValueError(f"{name}_padding must be >= 0. Received: {name}_padding={value}")
    pads = (
        (0, 0, left, right, top, bottom) if fmt == "channels_last" else (left, right, top, bottom)
    )
    return F.pad(x, pads)


def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Crop images; give exactly two of (top, bottom, target_height) and of
    (left, right, target_width).

    Example:
        >>> tkeras.ops.image.crop_images(np.ones((8, 8, 1)), 1, 2, target_height=4,
        ...                              target_width=4).shape
        torch.Size([4, 4, 1])
    """
    x = images_of("crop_images", images)
    fmt = data_format_of("crop_images", data_format)
    _exactly_two(
        ("top_cropping", "bottom_cropping", "target_height"),
        (top_cropping, bottom_cropping, target_height),
    )
    _exactly_two(
        ("left_cropping", "right_cropping", "target_width"),
        (left_cropping, right_cropping, target_width),
    )
    height, width = _hw(x, fmt)
    top = height - target_height - bottom_cropping if top_cropping is None else top_cropping
    th = height - bottom_cropping - top if target_height is None else target_height
    left = width - target_width - right_cropping if left_cropping is None else left_cropping
    tw = width - right_cropping - left if target_width is None else target_width
    for name, value in (
        ("top_cropping", top),
        ("target_height", th),
        ("left_cropping", left),
        ("target_width", tw),
    ):
        if value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    if fmt == "channels_last":
        return x[..., top : top + th, left : left + tw, :]
    return x[..., top : top + th, left : left + tw]
