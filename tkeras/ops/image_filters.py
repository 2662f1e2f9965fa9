"""Colour-space conversion and filters of ``keras.ops.image``: HSV, Gaussian blur, Sobel."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras.ops._common import to_tensor
from tkeras.ops.image_common import data_format_of, float_images_of, images_of


def _channel_axis(fmt: str) -> int:
    return -1 if fmt == "channels_last" else -3


def rgb_to_hsv(images, data_format=None):
    """RGB images (floats in [0, 1]) to HSV, each channel in [0, 1].

    Example:
        >>> tkeras.ops.image.rgb_to_hsv(np.array([[[1.0, 0.0, 0.0]]]))
        tensor([[[0., 1., 1.]]])
    """
    x = float_images_of("rgb_to_hsv", images)
    axis = _channel_axis(data_format_of("rgb_to_hsv", data_format))
    x = torch.where(x.abs() < torch.finfo(x.dtype).eps, 0.0, x)
    r, g, b = x.unbind(axis)
    value = torch.maximum(torch.maximum(r, g), b)
    spread = value - torch.minimum(torch.minimum(r, g), b)
    saturation = torch.where(value > 0, spread / torch.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * torch.where(spread > 0, spread, 1.0))
    hue = torch.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = torch.where(value == r, norm * (g - b), hue)
    hue = torch.where(spread > 0, hue, 0.0) + (hue < 0.0).to(hue.dtype)
    return torch.stack((hue, saturation, value), dim=axis)


def hsv_to_rgb(images, data_format=None):
    """HSV images (each channel in [0, 1]) to RGB."""
    x = float_images_of("hsv_to_rgb", images)
    axis = _channel_axis(data_format_of("hsv_to_rgb", data_format))
    hue, saturation, value = x.unbind(axis)
    dh = torch.remainder(hue, 1.0) * 6.0
    dr = torch.clip(torch.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = torch.clip(2.0 - torch.abs(dh - 2.0), 0.0, 1.0)
    db = torch.clip(2.0 - torch.abs(dh - 4.0), 0.0, 1.0)
    grey = 1.0 - saturation
    planes = [value * (grey + saturation * d) for d in (dr, dg, db)]
    return torch.stack(planes, dim=axis)


def _nchw(x: torch.Tensor, fmt: str) -> tuple[torch.Tensor, bool]:
    unbatched = x.dim() == 3
    if unbatched:
        x = x.unsqueeze(0)
    return (x.permute(0, 3, 1, 2) if fmt == "channels_last" else x), unbatched


def _back(y: torch.Tensor, fmt: str, unbatched: bool) -> torch.Tensor:
    if fmt == "channels_last":
        y = y.permute(0, 2, 3, 1)
    return y.squeeze(0) if unbatched else y


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur each channel with a ``kernel_size`` Gaussian of standard deviations ``sigma``.

    The output keeps the input's size (zero padding of ``kernel_size[0] // 2``), as Keras's
    torch backend.

    Differences from Keras: ``data_format=None`` means ``image_data_format()``; Keras's torch
    backend reads channels_first there.
    """
    fmt = data_format_of("gaussian_blur", data_format)
    x, unbatched = _nchw(images_of("gaussian_blur", images), fmt)
    sig = to_tensor(sigma, device=x.device)
    size = [int(k) for k in kernel_size]

    def kernel1d(n, s):
        t = torch.arange(n, dtype=x.dtype, device=x.device) - (n - 1) / 2
        k = torch.exp(-0.5 * (t / s) ** 2)
        return k / k.sum()

    kernel = torch.outer(kernel1d(size[1], sig[1]), kernel1d(size[0], sig[0]))
    channels = x.shape[1]
    kernel = kernel.view(1, 1, size[0], size[1]).expand(channels, 1, size[0], size[1])
    y = F.conv2d(x, kernel, padding=size[0] // 2, groups=channels)
    return _back(y, fmt, unbatched)


def sobel_edges(images, data_format=None):
    """Sobel gradients of each channel: ``(..., channels, 2)`` holding (dy, dx)."""
    fmt = data_format_of("sobel_edges", data_format)
    x = to_tensor(images)
    x = x.permute(0, 3, 1, 2) if fmt == "channels_last" else x
    channels = x.shape[1]
    sx = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=x.dtype, device=x.device)
    kx = sx.view(1, 1, 3, 3).repeat(channels, 1, 1, 1)
    ky = sx.t().contiguous().view(1, 1, 3, 3).repeat(channels, 1, 1, 1)
    edges = torch.stack(
        [F.conv2d(x, ky, padding=1, groups=channels), F.conv2d(x, kx, padding=1, groups=channels)],
        dim=-1,
    )
    return edges.permute(0, 2, 3, 1, 4) if fmt == "channels_last" else edges


def _gaussian_1d(size: int, sigma: float, dtype: torch.dtype, device) -> torch.Tensor:
    t = torch.arange(size, dtype=dtype, device=device) - (size - 1) / 2.0
    k = torch.exp(-(t**2) / (2.0 * sigma**2))
    return k / k.sum()


def ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    """The structural similarity (SSIM) of two images or batches, averaged over channels.

    Local means, variances and covariance come from a ``filter_size`` Gaussian window of
    standard deviation ``filter_sigma`` (valid positions only); a batch gives one value per
    image pair, a single image a scalar.

    Example:
        >>> image = np.random.default_rng(0).random((16, 16, 3)).astype("float32")
        >>> float(tkeras.ops.image.ssim(image, image)) > 0.99
        True
    """
    fmt = data_format_of("ssim", data_format)
    a, b = to_tensor(image1), to_tensor(image2)
    for name, x in (("image1", a), ("image2", b)):
        if x.dim() not in (3, 4):
            raise ValueError(
                f"ssim: invalid {name} rank: expected rank 3 (single image) or rank 4 (batch of "
                f"images). Received: {name}.shape={tuple(x.shape)}"
            )
    out_dtype = a.dtype
    dtype = a.dtype if a.dtype.is_floating_point else torch.float32
    a, b = a.to(dtype), b.to(device=a.device, dtype=dtype)
    (a, unbatched), (b, _) = _nchw(a, fmt), _nchw(b, fmt)
    batch, channels, height, width = a.shape
    g = _gaussian_1d(int(filter_size), float(filter_sigma), dtype, a.device)
    kernel = torch.outer(g, g)[None, None]

    def local_mean(t):
        return F.conv2d(t.reshape(-1, 1, height, width), kernel)

    mu1, mu2 = local_mean(a), local_mean(b)
    var1 = local_mean(a * a) - mu1 * mu1
    var2 = local_mean(b * b) - mu2 * mu2
    cov = local_mean(a * b) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2.0 * mu1 * mu2 + c1) * (2.0 * cov + c2)) / (
        (mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2)
    )
    result = ssim_map.mean(dim=(1, 2, 3)).reshape(batch, channels).mean(dim=-1)
    return (result.squeeze(0) if unbatched else result).to(out_dtype)
