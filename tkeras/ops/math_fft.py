"""FFT and STFT ops of ``keras.ops`` (``keras.ops.math``). Complex values travel as
``(real, imag)`` pairs of float tensors, as in Keras."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from tkeras.ops._common import Tensor, to_tensor


def _complex(name: str, x) -> Tensor:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{name}: input `x` should be a tuple of two tensors - real and imaginary. "
            f"Received: x={x}"
        )
    real = to_tensor(x[0])
    imag = to_tensor(x[1], device=real.device)
    if real.shape != imag.shape:
        raise ValueError(
            f"{name}: the real and imaginary parts should have the same shape. Received: "
            f"x[0].shape={tuple(real.shape)}, x[1].shape={tuple(imag.shape)}"
        )
    if not (real.is_floating_point() and imag.is_floating_point()):
        raise ValueError(
            f"{name}: the real and imaginary parts must be float tensors. Received: "
            f"x[0].dtype={real.dtype}, x[1].dtype={imag.dtype}"
        )
    return torch.complex(real, imag)


def _pair(z: Tensor) -> tuple[Tensor, Tensor]:
    return z.real, z.imag


def fft(x):
    """FFT over the last axis of the complex ``x = (real, imag)``; returns ``(real, imag)``.

    Example:
        >>> real, imag = tkeras.ops.fft((np.ones(4, "float32"), np.zeros(4, "float32")))
    """
    return _pair(torch.fft.fft(_complex("fft", x)))


def fft2(x):
    """2-D FFT over the last two axes of ``x = (real, imag)``; returns ``(real, imag)``."""
    return _pair(torch.fft.fft2(_complex("fft2", x)))


def ifft2(x):
    """Inverse 2-D FFT over the last two axes of ``x = (real, imag)``."""
    return _pair(torch.fft.ifft2(_complex("ifft2", x)))


def rfft(x, fft_length=None):
    """FFT of a real signal over the last axis: ``fft_length // 2 + 1`` bins, ``(real, imag)``."""
    return _pair(torch.fft.rfft(to_tensor(x), n=fft_length, dim=-1))


def irfft(x, fft_length=None):
    """Inverse of ``rfft``: a real signal from ``(real, imag)`` bins over the last axis."""
    return torch.fft.irfft(_complex("irfft", x), n=fft_length, dim=-1)


def _window(name: str, window, length: int, dtype, device) -> Tensor | None:
    if window is None:
        return None
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(
                f'{name}: if a string is passed to `window`, it must be one of "hann", '
                f'"hamming". Received: window={window}'
            )
        make = torch.hann_window if window == "hann" else torch.hamming_window
        return make(length, periodic=True, dtype=dtype, device=device)
    win = to_tensor(window, dtype=dtype, device=device)
    if win.dim() != 1 or win.shape[-1] != length:
        raise ValueError(
            f"{name}: the shape of `window` must be equal to [sequence_length]. Received: "
            f"window shape={tuple(win.shape)}"
        )
    return win


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform over the last axis: ``(real, imag)`` of shape
    ``(..., frames, fft_length // 2 + 1)``.

    Args:
        x: float32/float64 signals ``(..., samples)``.
        sequence_length: window length; sequence_stride: hop; fft_length: FFT size.
        window: ``'hann'``, ``'hamming'``, a 1-D tensor of ``sequence_length`` or None.
        center: pad the signal by ``fft_length // 2`` on both sides (reflect).
    """
    x = to_tensor(x)
    if x.dtype not in (torch.float32, torch.float64):
        raise TypeError(
            "stft: invalid input type. Expected `float32` or `float64`. Received: input "
            f"type={x.dtype}"
        )
    if fft_length < sequence_length:
        raise ValueError(
            "stft: `fft_length` must equal or larger than `sequence_length`. Received: "
            f"sequence_length={sequence_length}, fft_length={fft_length}"
        )
    win = _window("stft", window, sequence_length, x.dtype, x.device)
    if win is None:
        win = torch.ones(sequence_length, dtype=x.dtype, device=x.device)
    *batch, samples = x.shape
    z = torch.stft(
        x.reshape(-1, samples),
        n_fft=fft_length,
        hop_length=sequence_stride,
        win_length=sequence_length,
        window=win,
        center=center,
        return_complex=True,
    )
    z = z.reshape(*batch, *z.shape[-2:]).swapaxes(-2, -1)
    return _pair(z)


def _overlap_add(frames: Tensor, stride: int) -> Tensor:
    """Sum ``(..., n, length)`` frames placed ``stride`` apart: ``(..., stride*(n-1)+length)``."""
    *batch, n, length = frames.shape
    out = stride * (n - 1) + length
    cols = frames.reshape(-1, n, length).transpose(1, 2)
    summed = F.fold(cols, output_size=(1, out), kernel_size=(1, length), stride=(1, stride))
    return summed.reshape(*batch, out)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of ``stft``: signals from ``(real, imag)`` frames ``(..., frames, bins)``."""
    z = _complex("istft", x)
    dtype = z.real.dtype
    win = _window("istft", window, sequence_length, dtype, z.device)
    if sequence_length == fft_length and center and win is not None:
        *batch, frames, bins = z.shape
        y = torch.istft(
            z.reshape(-1, frames, bins).swapaxes(-2, -1),
            n_fft=fft_length,
            hop_length=sequence_stride,
            win_length=sequence_length,
            window=win,
            center=center,
            length=length,
            return_complex=False,
        )
        return y.reshape(*batch, y.shape[-1])
    y = torch.fft.irfft(z, n=fft_length, dim=-1)
    expected = fft_length + sequence_stride * (y.shape[-2] - 1)
    if win is not None:
        # Keras's window-sum normalization: the padded window over the summed squares of
        # its overlapping copies.
        left = (fft_length - sequence_length) // 2
        win = F.pad(win, (left, fft_length - sequence_length - left))
        overlaps = -(-fft_length // sequence_stride)
        denom = F.pad(win.square(), (0, overlaps * sequence_stride - fft_length))
        denom = denom.reshape(overlaps, sequence_stride).sum(0, keepdim=True)
        denom = denom.tile(overlaps, 1).reshape(-1)
        y = y * (win / denom[:fft_length])
    y = _overlap_add(y, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = -(fft_length // 2)
    else:
        end = expected
    return y[..., start:end]


def view_as_complex(x):
    """A complex tensor from ``x`` whose last axis (size 2) holds (real, imag)."""
    x = to_tensor(x)
    if x.dim() < 1 or x.shape[-1] != 2:
        raise ValueError(
            f"view_as_complex: the last axis must have size 2 (real, imag). Received: "
            f"x.shape={tuple(x.shape)}"
        )
    # Keras casts each part to complex64, whatever the input's float width.
    return x[..., 0].to(torch.complex64) + 1j * x[..., 1].to(torch.complex64)


def view_as_real(x):
    """A real tensor with a trailing axis of size 2 holding (real, imag) of complex ``x``."""
    x = to_tensor(x)
    if not x.is_complex():
        raise ValueError(f"view_as_real: x must be complex. Received: x.dtype={x.dtype}")
    return torch.stack((x.real, x.imag), dim=-1)
