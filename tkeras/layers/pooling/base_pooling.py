"""The private base of MaxPooling1D/2D/3D and AveragePooling1D/2D/3D, over torch's pooling ops."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from tkeras.backend import layout
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.padding import output_length, same_pads
from tkeras.layers.validation import data_format as check_data_format
from tkeras.layers.validation import int_tuple
from tkeras.layers.validation import padding as check_padding

# Keyed by mode, then by the number of spatial axes. Rank 1 runs the 2-D op on an (N, C, 1, L)
# view, which keeps a channels_last input channels_last. torch.max_pool* are the builtins that
# F.max_pool* call; unlike F's wrappers they pickle, so a whole pickled model keeps its plans.
_OPS: dict[str, dict[int, Callable[..., torch.Tensor]]] = {
    "max": {1: torch.max_pool2d, 2: torch.max_pool2d, 3: torch.max_pool3d},
    "average": {1: F.avg_pool2d, 2: F.avg_pool2d, 3: F.avg_pool3d},
}

# 'same' plans are cached per spatial size; variable-length inputs must not grow it forever.
_MAX_PLANS = 64

_AXES = {
    ("channels_last", 1): "(batch, steps, features)",
    ("channels_first", 1): "(batch, features, steps)",
    ("channels_last", 2): "(batch, rows, cols, channels)",
    ("channels_first", 2): "(batch, channels, rows, cols)",
    ("channels_last", 3): "(batch, dim1, dim2, dim3, channels)",
    ("channels_first", 3): "(batch, channels, dim1, dim2, dim3)",
}


class _PaddedPool:
    """'same' pooling through an explicit pad, for what torch's ``padding=`` cannot express.

    torch pads both ends of an axis equally. An uneven axis with stride >= 2 is reached with
    ``ceil_mode`` instead (see ``BasePooling._plan``); an uneven axis with stride 1 needs this
    copy. Max pads with -inf (never the maximum: every window holds a real cell). Average pads
    with zeros, takes the window mean over the full window and rescales each output position by
    ``window size / real cells``, so padded cells are left out of the divisor.
    """

    def __init__(
        self,
        op: Callable[..., torch.Tensor],
        kernel: tuple,
        stride: tuple,
        spatial: tuple,
        pads: list[tuple[int, int]],
        average: bool,
    ) -> None:
        self.op = op
        self.kernel = kernel
        self.stride = stride
        # F.pad lists (before, after) pairs from the last axis backwards.
        self.flat_pads = tuple(p for pair in reversed(pads) for p in pair)
        self.fill = 0.0 if average else -math.inf
        self.average = average
        # Per axis, window size / real cells at each output position; their outer product
        # is the rescaling map, built once per device and dtype.
        self.scale_values = [
            [k / (min(o * s - before + k, n) - max(o * s - before, 0)) for o in range(-(-n // s))]
            for n, k, s, (before, _) in zip(spatial, kernel, stride, pads)
        ]
        self.scales: dict[tuple[torch.device, torch.dtype], torch.Tensor] = {}

    def _scale(self, y: torch.Tensor) -> torch.Tensor:
        key = (y.device, y.dtype)
        scale = self.scales.get(key)
        if scale is None:
            # The per-axis factors multiply into one map over the output's spatial axes.
            scale = torch.ones((), dtype=y.dtype, device=y.device)
            for axis, values in enumerate(self.scale_values):
                shape = [1] * len(self.scale_values)
                shape[axis] = len(values)
                scale = scale * torch.tensor(values, dtype=y.dtype, device=y.device).view(shape)
            self.scales[key] = scale
        return scale

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        y = self.op(
            F.pad(x, self.flat_pads, value=self.fill), kernel_size=self.kernel, stride=self.stride
        )
        if self.average:
            return y * self._scale(y)
        return y


class BasePooling(Layer):
    """Max or average pooling over 1, 2 or 3 spatial axes (private base; never instantiated).

    Args:
        pool_size: int or tuple of ``rank`` positive ints, the window size.
        strides: int, tuple of ``rank`` positive ints, or None (= ``pool_size``).
        rank: the number of spatial axes (1, 2 or 3).
        mode: ``'max'`` or ``'average'``.
        padding: ``'valid'`` or ``'same'`` (case-insensitive).
        data_format: ``'channels_last'``, ``'channels_first'`` or None (the config default).
        name: the layer name.
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        *,
        rank: int,
        mode: str,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = int_tuple(self, "pool_size", pool_size, rank)
        self.strides = (
            self.pool_size if strides is None else int_tuple(self, "strides", strides, rank)
        )
        self.padding = check_padding(self, padding)
        self.data_format = check_data_format(self, data_format)
        self.pool_mode = mode
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True  # no weights: Keras builds pooling layers at construction too

        self._rank = rank
        self._channels_last = self.data_format == "channels_last"
        self._average = mode == "average"
        self._op = _OPS[mode][rank]
        # The torch op's window: rank 1 adds the unit axis of its (N, C, 1, L) view.
        self._kernel = (1, *self.pool_size) if rank == 1 else self.pool_size
        self._stride = (1, *self.strides) if rank == 1 else self.strides
        self._plans: dict[tuple[int, ...], Callable[[torch.Tensor], torch.Tensor]] = {}
        if self.padding == "valid":
            self._pool = functools.partial(self._op, kernel_size=self._kernel, stride=self._stride)
        else:
            self._pool = self._pool_same

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self._channels_last:
            y = self._pool(layout.channels_first_view(inputs, self._rank))
            return layout.channels_last_view(y, self._rank)
        if self._rank == 1:
            # (N, C, L) is already torch's layout; the unit axis only feeds the 2-D op.
            return self._pool(inputs.unsqueeze(2)).squeeze(2)
        return self._pool(inputs)

    def _pool_same(self, x: torch.Tensor) -> torch.Tensor:
        plan = self._plans.get(x.shape[2:])
        if plan is None:
            plan = self._plan(tuple(x.shape[2:]))
        return plan(x)

    def _plan(self, spatial: tuple[int, ...]) -> Callable[[torch.Tensor], torch.Tensor]:
        """The torch call that gives TF's 'same' pooling for this spatial size (then cached)."""
        pads = [same_pads(n, k, s) for n, k, s in zip(spatial, self._kernel, self._stride)]
        before = tuple(b for b, _ in pads)
        uneven = [b != a for b, a in pads]
        # An uneven axis pads one more cell at the end. With stride >= 2, ceil_mode's extra
        # trailing window is exactly that window, and torch leaves the cells past the input out
        # of the max and of the average's divisor, as TF does: no copy. With stride 1 the extra
        # window is a whole stride away, so ceil_mode cannot reach it.
        if all(s >= 2 for s, u in zip(self._stride, uneven) if u):
            kwargs = {
                "kernel_size": self._kernel,
                "stride": self._stride,
                "padding": before,
                "ceil_mode": any(uneven),
            }
            if self._average:
                kwargs["count_include_pad"] = False
            plan = functools.partial(self._op, **kwargs)
        else:
            plan = _PaddedPool(self._op, self._kernel, self._stride, spatial, pads, self._average)
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        self._plans[spatial] = plan
        return plan

    def _input_hint(self) -> str:
        return (
            f"{type(self).__name__} expects a {self._rank + 2}D input "
            f"{_AXES[self.data_format, self._rank]} with data_format={self.data_format!r}."
        )

    def _check_input(self, inputs: Any) -> None:
        # Runs only after the torch op failed: turn "output size is too small" into Keras's error.
        super()._check_input(inputs)
        self.compute_output_shape(tuple(inputs.shape))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: expected an input shape of rank "
                f"{self._rank + 2} {_AXES[self.data_format, self._rank]}, received "
                f"input_shape={shape}."
            )
        spatial = shape[1:-1] if self._channels_last else shape[2:]
        out = []
        for n, k, s in zip(spatial, self.pool_size, self.strides):
            size = output_length(n, k, s, self.padding)
            if size is not None and size <= 0:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: computed output size would be zero "
                    f"or negative: the window does not fit the input. Received input "
                    f"shape={shape}, pool_size={self.pool_size}, strides={self.strides}, "
                    f"padding={self.padding!r}. Use a smaller pool_size or padding='same'."
                )
            out.append(size)
        if self._channels_last:
            return (shape[0], *out, shape[-1])
        return (shape[0], shape[1], *out)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            pool_size=self.pool_size,
            padding=self.padding,
            strides=self.strides,
            data_format=self.data_format,
        )
        return config
