"""MelSpectrogram: audio signals to (power or dB) mel spectrograms, Keras's HTK mel scale."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras import ops
from tkeras.layers.layer import Layer

_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(frequencies: torch.Tensor) -> torch.Tensor:
    return _MEL_HIGH_FREQUENCY_Q * torch.log(1.0 + frequencies / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(
    num_mel_bins: int,
    num_spectrogram_bins: int,
    sampling_rate: float,
    lower_edge_hertz: float,
    upper_edge_hertz: float,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """``(num_spectrogram_bins, num_mel_bins)`` triangular HTK filters (peak 1), as Keras's."""
    linear = torch.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins, dtype=dtype)[1:]
    bins_mel = _hertz_to_mel(linear).unsqueeze(1)
    edges = torch.linspace(
        float(_hertz_to_mel(torch.tensor(lower_edge_hertz, dtype=dtype))),
        float(_hertz_to_mel(torch.tensor(upper_edge_hertz, dtype=dtype))),
        num_mel_bins + 2,
        dtype=dtype,
    )
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = torch.clamp(torch.minimum(lower_slopes, upper_slopes), min=0.0)
    return torch.nn.functional.pad(weights, (0, 0, 1, 0))  # the DC bin, zeroed (HTK)


class MelSpectrogram(Layer):
    """Mel spectrogram of ``(batch, samples)`` (or ``(samples,)``) signals:
    ``(batch, num_mel_bins, frames)``.

    A centered STFT (``ops.stft``, Keras's framing), magnitudes to the power ``mag_exp``,
    Keras's HTK mel filter bank from ``min_freq`` to ``max_freq``, then (``power_to_db``)
    ``10 log10(max(S, min_power)) - 10 log10(max(|ref_power|, min_power))`` floored at
    ``max - top_db`` over the whole batch, as Keras's.

    Args:
        fft_length: FFT size.
        sequence_stride: samples between frames.
        sequence_length: samples per frame (default ``fft_length``).
        window: ``'hann'``, ``'hamming'`` or None.
        sampling_rate: samples per second.
        num_mel_bins: number of mel bands.
        min_freq, max_freq: the band edges in Hz (default ``max_freq``: ``sampling_rate / 2``).
        power_to_db: return decibels.
        top_db: dynamic range kept below the maximum, in dB.
        mag_exp: exponent of the STFT magnitude (1: magnitude, 2: power).
        min_power: floor of the power before the logarithm.
        ref_power: the power that maps to 0 dB.

    Example:
        >>> import torch, tkeras
        >>> mel = tkeras.layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)
        >>> mel(torch.randn(2, 160)).shape
        torch.Size([2, 8, 11])
    """

    def __init__(
        self,
        fft_length: int = 2048,
        sequence_stride: int = 512,
        sequence_length: int | None = None,
        window: str | None = "hann",
        sampling_rate: int = 16000,
        num_mel_bins: int = 128,
        min_freq: float = 20.0,
        max_freq: float | None = None,
        power_to_db: bool = True,
        top_db: float = 80.0,
        mag_exp: float = 2.0,
        min_power: float = 1e-10,
        ref_power: float = 1.0,
        **kwargs: Any,
    ) -> None:
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to `sequence_length`. Received: "
                f"`sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}."
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        dtype = inputs.dtype if inputs.dtype == torch.float64 else torch.float32
        x = inputs.to(dtype)
        real, imag = ops.stft(
            x,
            sequence_length=self.sequence_length,
            sequence_stride=self.sequence_stride,
            fft_length=self.fft_length,
            window=self.window,
            center=True,
        )
        spec = torch.pow(torch.sqrt(torch.square(real) + torch.square(imag)), self.mag_exp)
        matrix = linear_to_mel_weight_matrix(
            self.num_mel_bins,
            spec.shape[-1],
            self.sampling_rate,
            self.min_freq,
            self.max_freq,
            dtype,
        ).to(spec.device)
        out = torch.tensordot(spec, matrix, dims=1)
        if self.power_to_db:
            log_spec = 10.0 * torch.log10(torch.clamp(out, min=self.min_power))
            ref = max(abs(self.ref_power), self.min_power)
            log_spec = log_spec - 10.0 * math.log10(ref)
            out = torch.maximum(log_spec, log_spec.max() - self.top_db)
        return out.transpose(-1, -2)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        steps = input_shape[-1]
        frames = (
            None if steps is None else (steps + self.sequence_stride + 1) // self.sequence_stride
        )
        return (*input_shape[:-1], self.num_mel_bins, frames)
