"""The STFT initializer: cosine/sine kernels of a short-time Fourier transform, windowed."""

from __future__ import annotations

import importlib
import math
from typing import Any

import numpy as np
import torch

from tkeras.initializers.base import REGISTRY, Initializer, _dtype

# Windows torch makes without parameters: name -> (length, periodic) -> float64 window.
_TORCH_WINDOWS = {
    "hann": torch.hann_window,
    "hamming": torch.hamming_window,
    "blackman": torch.blackman_window,
    "bartlett": torch.bartlett_window,
    "boxcar": lambda n, periodic: torch.ones(n, dtype=torch.float64),
    "cosine": lambda n, periodic: torch.signal.windows.cosine(
        n, sym=not periodic, dtype=torch.float64
    ),
}


def get_window(window: str, length: int, periodic: bool) -> torch.Tensor:
    """``scipy.signal.get_window(window, length, fftbins=periodic)`` as a float64 tensor: the
    common windows from torch, any other name through SciPy when it is installed."""
    make = _TORCH_WINDOWS.get(window)
    if make is not None:
        return make(length, periodic=periodic).to(torch.float64)
    try:
        signal = importlib.import_module("scipy.signal")
    except ImportError:
        raise ValueError(
            f"Unknown window {window!r}: tkeras makes {sorted(_TORCH_WINDOWS)} itself; other "
            "scipy.signal windows need SciPy installed."
        ) from None
    return torch.as_tensor(signal.get_window(window, length, periodic), dtype=torch.float64)


@REGISTRY.register("stft", "STFT", "STFTInitializer")
class STFT(Initializer):
    """Initializer of the real or imaginary STFT kernel, shape ``(frame_length, channels,
    fft_bins)``: ``cos`` or ``sin`` of ``-2 pi t f / (2 (fft_bins - 1))``, times the window and
    divided by its ``'density'`` (root of the sum of squares) or ``'spectrum'`` (sum) scale.

    Args:
        side: ``'real'`` (cosine) or ``'imag'`` (sine).
        window: a window name (``'hann'``, ``'hamming'``, ...), an array of length
            ``frame_length``, or None (no window).
        scaling: ``'density'``, ``'spectrum'`` or None.
        periodic: a periodic window (for spectral analysis) instead of a symmetric one.

    Example:
        >>> import tkeras
        >>> tkeras.initializers.STFT("imag")((8, 1, 5)).shape
        torch.Size([8, 1, 5])
    """

    def __init__(
        self,
        side: str = "real",
        window: Any = "hann",
        scaling: str | None = "density",
        periodic: bool = False,
    ) -> None:
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            get_window(window, 1, periodic)  # an unknown name raises here, as in Keras
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling}"
            )
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        frame_length, _, fft_bins = shape
        time = torch.arange(frame_length, dtype=dtype).reshape(frame_length, 1, 1)
        freq = torch.arange(fft_bins, dtype=dtype).reshape(1, 1, fft_bins) / ((fft_bins - 1) * 2)
        args = (-2 * time) * freq * torch.tensor(math.pi, dtype=dtype)
        kernel = torch.cos(args) if self.side == "real" else torch.sin(args)
        if self.window is None:
            return kernel
        if isinstance(self.window, str):
            win = get_window(self.window, frame_length, self.periodic).to(dtype)
        else:
            win = torch.as_tensor(np.asarray(self.window), dtype=dtype)
        if win.dim() != 1 or win.shape[-1] != frame_length:
            raise ValueError(
                "The shape of `window` must be equal to [frame_length]."
                f"Received: window shape={tuple(win.shape)}"
            )
        win = win.reshape(frame_length, 1, 1)
        scale = 1
        if self.scaling == "density":
            scale = torch.sqrt(torch.sum(torch.square(win)))
        elif self.scaling == "spectrum":
            scale = torch.sum(torch.abs(win))
        return kernel * win / scale

    def get_config(self):
        return {
            "side": self.side,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }
