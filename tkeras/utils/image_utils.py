"""Image files <-> arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``
(Pillow, imported on first use)."""

from __future__ import annotations

import io
import pathlib
import warnings
from typing import Any

import numpy as np

from tkeras import config

INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - pillow is a dependency
        raise ImportError("tkeras's image utilities need Pillow: pip install pillow") from e
    return Image


def _data_format(data_format: str | None) -> str:
    data_format = data_format or config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format}"
        )
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A rank-3 array (H, W, C) with 1, 3 or 4 channels as a PIL image.

    Args:
        x: the image array.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        scale: rescale the values to [0, 255] (min to 0, max to 255).
        dtype: the dtype the array is read as (default ``floatx()``).

    Example:
        >>> array_to_img(np.zeros((2, 3, 3))).size
        (3, 2)
    """
    data_format = _data_format(data_format)
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}"
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    image = _pil()
    channels = x.shape[2]
    if channels in (3, 4):
        return image.fromarray(x.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit integer grayscale
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image as a float array (H, W, C) (or (C, H, W) for ``"channels_first"``).

    Example:
        >>> img_to_array(array_to_img(np.zeros((2, 3, 1)))).shape
        (2, 3, 1)
    """
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        shape = (1, *x.shape) if data_format == "channels_first" else (*x.shape, 1)
        return x.reshape(shape)
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an image array to a file (format from the extension unless ``file_format``).

    Extra keyword arguments go to ``PIL.Image.save``.
    """
    data_format = _data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn(
            "The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def _crop_box(size: tuple[int, int], target: tuple[int, int]) -> list[int]:
    """The centred box of ``target``'s aspect ratio inside an image of ``size`` (w, h)."""
    width, height = size
    target_width, target_height = target
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def load_img(
    path,
    color_mode="rgb",
    target_size=None,
    interpolation="nearest",
    keep_aspect_ratio=False,
):
    """Load an image file as a PIL image, converted and resized as Keras does.

    Args:
        path: a path (str, bytes, pathlib.Path) or an ``io.BytesIO``.
        color_mode: ``"rgb"``, ``"rgba"`` or ``"grayscale"``.
        target_size: ``(height, width)`` or None (keep the size).
        interpolation: ``"nearest"``, ``"bilinear"``, ``"bicubic"``, ``"hamming"``,
            ``"box"`` or ``"lanczos"`` (Pillow's filters).
        keep_aspect_ratio: crop the centre to the target's aspect ratio before resizing.

    Example:
        >>> img = load_img("cat.jpg", target_size=(180, 180))  # doctest: +SKIP
        >>> x = img_to_array(img)  # (180, 180, 3) float32  # doctest: +SKIP
    """
    image = _pil()
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode in ("rgba", "rgb"):
        mode = color_mode.upper()
        if img.mode != mode:
            img = img.convert(mode)
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is None:
        return img
    size = (target_size[1], target_size[0])
    if img.size == size:
        return img
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            f"{', '.join(INTERPOLATIONS)}"
        )
    resample = getattr(image.Resampling, interpolation.upper())
    box = _crop_box(img.size, size) if keep_aspect_ratio else None
    return img.resize(size, resample, box=box)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resize images to ``size`` without distortion: centre-crop to the target aspect ratio,
    then resize (Keras's ``keras.preprocessing.image.smart_resize``).

    Args:
        x: an image (H, W, C) or a batch (N, H, W, C) (channels first with ``data_format``).
        size: ``(height, width)``.
        interpolation: ``"bilinear"``, ``"nearest"`` or ``"bicubic"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Returns a numpy array for a numpy input, else a torch tensor.

    Example:
        >>> smart_resize(np.zeros((10, 20, 3)), (5, 5)).shape
        (5, 5, 3)
    """
    import torch

    from tkeras.ops.image import resize

    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    img = torch.as_tensor(np.asarray(x)) if not isinstance(x, torch.Tensor) else x
    if img.dim() not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or `(batch_size, "
            "height, width, channels)`, but got input with incorrect rank, of shape "
            f"{tuple(img.shape)}."
        )
    last = data_format == "channels_last"
    height, width = (img.shape[-3], img.shape[-2]) if last else (img.shape[-2], img.shape[-1])
    target_height, target_width = size
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
    rows, cols = slice(top, top + crop_height), slice(left, left + crop_width)
    img = img[..., rows, cols, :] if last else img[..., rows, cols]
    out = resize(img, size, interpolation=interpolation, data_format=data_format)
    return out.numpy() if isinstance(x, np.ndarray) else out
