"""STFTSpectrogram: a short-time Fourier transform as two trainable conv1d kernels."""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import config
from tkeras.initializers.stft import STFT, get_window
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.padding import same_pads
from tkeras.layers.validation import data_format as check_data_format

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Spectrogram of each channel of ``(batch, time, channels)`` signals, by convolution with
    STFT kernels (``real_kernel`` and ``imag_kernel``, trainable, as Keras's).

    Args:
        mode: ``'log'``, ``'magnitude'``, ``'psd'``, ``'real'``, ``'imag'``, ``'angle'`` or
            ``'stft'`` (real and imaginary parts concatenated on the frequency axis).
        frame_length: samples per frame (the kernel length).
        frame_step: samples between frames (default ``frame_length // 2``).
        fft_length: FFT size (default: the next power of two); ``fft_length // 2 + 1`` bins.
        window: window name or array, or None.
        periodic: a periodic window instead of a symmetric one.
        scaling: ``'density'``, ``'spectrum'`` or None (the window's normalization).
        padding: ``'valid'`` or ``'same'``.
        expand_dims: keep channels on their own axis instead of merging them with frequencies.
        data_format: ``'channels_last'`` or ``'channels_first'``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.STFTSpectrogram(frame_length=8)(torch.ones(2, 20, 1)).shape
        torch.Size([2, 4, 5])
    """

    def __init__(
        self,
        mode: str = "log",
        frame_length: int = 256,
        frame_step: int | None = None,
        fft_length: int | None = None,
        window: Any = "hann",
        periodic: bool = False,
        scaling: str | None = "density",
        padding: str = "valid",
        expand_dims: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                "`frame_step` should be a positive integer not greater than `frame_length`. "
                f"Received frame_step={frame_step}, frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                "`fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}"
            )
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(
                "`fft_length` is recommended to be a power of two. "
                f"Received fft_length={fft_length}",
                stacklevel=2,
            )
        if mode not in _MODES:
            raise ValueError(
                f"Output mode is invalid, it must be one of {', '.join(_MODES)}. "
                f"Received: mode={mode}"
            )
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling}"
            )
        if padding not in ("valid", "same"):
            raise ValueError(
                f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}"
            )
        if isinstance(window, str):
            get_window(window, 1, periodic)  # an unknown name raises here
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step = mode, frame_length, frame_step
        self.fft_length, self.window, self.periodic = fft_length, window, periodic
        self.scaling, self.padding, self.expand_dims = scaling, padding, expand_dims
        self._frame_step = frame_step or frame_length // 2
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.data_format = check_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: Any) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        for side in ("real", "imag"):
            if self.mode != {"real": "imag", "imag": "real"}[side]:
                kernel = self.add_weight(
                    shape=shape,
                    initializer=STFT(side, self.window, self.scaling, self.periodic),
                    name=f"{side}_kernel",
                )
                setattr(self, f"{side}_kernel", kernel)

    def _conv(self, x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
        """(batch, channels, time) -> Keras's intermediate (batch, channels, freq, frames)."""
        batch, channels, steps = x.shape
        x = x.reshape(batch * channels, 1, steps)
        if self.padding == "same":
            x = F.pad(x, same_pads(steps, self.frame_length, self._frame_step))
        weight = kernel.to(x.dtype).permute(2, 1, 0)  # (freq, 1, frame_length)
        y = F.conv1d(x, weight, stride=self._frame_step)
        return y.reshape(batch, channels, y.shape[1], y.shape[2])

    def _adjust(self, y: torch.Tensor) -> torch.Tensor:
        batch, channels, freq, frames = y.shape
        if self.expand_dims:
            return (
                y.permute(0, 3, 2, 1) if self.data_format == "channels_last" else y.transpose(2, 3)
            )
        y = y.reshape(batch, channels * freq, frames)
        return y.transpose(1, 2) if self.data_format == "channels_last" else y

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if not inputs.is_floating_point() or inputs.dtype == torch.bfloat16:
            raise TypeError(
                "Invalid input type. Expected `float16`, `float32` or `float64`. "
                f"Received: input type={str(inputs.dtype).replace('torch.', '')}"
            )
        x = inputs.transpose(1, 2) if self.data_format == "channels_last" else inputs
        real = self._conv(x, self.real_kernel) if self.mode != "imag" else None
        imag = self._conv(x, self.imag_kernel) if self.mode != "real" else None
        if self.mode in ("real", "imag"):
            return self._adjust(real if self.mode == "real" else imag)
        if self.mode == "angle":
            return self._adjust(torch.atan2(imag, real))
        if self.mode == "stft":
            return self._adjust(torch.cat([real, imag], dim=2))
        power = torch.square(real) + torch.square(imag)
        if self.mode == "psd":
            return self._adjust(power + F.pad(power[:, :, 1:-1, :], (0, 0, 1, 1)))
        eps = config.epsilon()
        magnitude = self._adjust(torch.sqrt(torch.clamp(power, min=eps)))
        if self.mode == "magnitude":
            return magnitude
        return torch.log(torch.clamp(magnitude, min=eps))
