"""The private bases of the image preprocessing layers: layouts, 3D/4D inputs, seeds and factors."""

from __future__ import annotations

import numbers
from typing import Any

import torch

from tkeras.backend.layout import channels_first_view, channels_last_view
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.preprocessing import affine
from tkeras.layers.validation import data_format as check_data_format

_LAYOUTS = {
    "channels_last": ("(batch, height, width, channels)", "(height, width, channels)"),
    "channels_first": ("(batch, channels, height, width)", "(channels, height, width)"),
}


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class _ImageLayer(Layer):
    """A weightless layer on a batch of images or a single image (private; never instantiated).

    Inputs are 4D ``(batch, height, width, channels)`` or 3D ``(height, width, channels)``
    (``channels_first``: channels before height). The work is done on an ``(N, C, H, W)``
    view made by ``backend.layout``, so a channels_last input is never copied to change layout.

    Args:
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        bounding_box_format = kwargs.pop("bounding_box_format", None)
        super().__init__(**kwargs)
        if bounding_box_format is not None:
            raise NotImplementedError(
                f"{type(self).__name__}: the argument `bounding_box_format` is not supported "
                f"yet (received bounding_box_format={bounding_box_format!r}); tkeras image "
                "layers take image tensors, not dicts with bounding boxes."
            )
        self.data_format = check_data_format(self, data_format)
        self._channels_last = self.data_format == "channels_last"
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)
        self.built = True

    def _input_hint(self) -> str:
        batch, single = _LAYOUTS[self.data_format]
        return (
            f"{type(self).__name__} expects a 4D batch of images {batch} or a 3D single image "
            f"{single} with data_format={self.data_format!r}."
        )

    def _check_images(self, inputs: Any) -> None:
        if not isinstance(inputs, torch.Tensor):
            raise NotImplementedError(
                f"{type(self).__name__} {self.name!r}: only image tensors are supported yet; "
                f"received {type(inputs).__name__} (Keras also takes a dict of images, labels, "
                "bounding boxes and segmentation masks)."
            )

    def _to_nchw(self, inputs: torch.Tensor) -> torch.Tensor:
        """A 4D or 3D input as an (N, C, H, W) view."""
        x = inputs.unsqueeze(0) if inputs.dim() == 3 else inputs
        return channels_first_view(x, 2) if self._channels_last else x

    def _from_nchw(self, y: torch.Tensor, single: bool) -> torch.Tensor:
        """The inverse of ``_to_nchw`` for an input of rank 3 (``single``) or 4."""
        if self._channels_last:
            y = channels_last_view(y, 2)
        return y.squeeze(0) if single else y

    def _spatial_axes(self) -> tuple[int, int]:
        """The (height, width) axes, counted from the end (the same for 3D and 4D inputs)."""
        return (-3, -2) if self._channels_last else (-2, -1)

    def _with_size(self, input_shape: Any, height: int, width: int) -> tuple:
        shape = list(input_shape)
        h_axis, w_axis = self._spatial_axes()
        shape[h_axis], shape[w_axis] = height, width
        return tuple(shape)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)


def as_float(inputs: torch.Tensor) -> torch.Tensor:
    """The input in float32 (Keras's compute dtype), without a copy when it already is."""
    return inputs if inputs.dtype == torch.float32 else inputs.to(torch.float32)


class _RandomImageLayer(_ImageLayer):
    """An image augmentation layer: random per-sample transforms in training only (private).

    In training (``training=True``, a training call context, or ``layer.train()``) ``call``
    draws the random parameters with ``_draw`` and applies them with ``_transform`` on an
    ``(N, C, H, W)`` view; otherwise it returns ``_inference(inputs)``. With ``seed=None`` the
    draws come from torch's global generator (``torch.manual_seed`` makes them reproducible);
    with an int seed, from the layer's own generator, one per device, seeded on first use.

    Args:
        seed: None or an int.
        data_format: ``'channels_last'`` or ``'channels_first'``; None reads
            ``config.image_data_format()``.
    """

    def __init__(
        self, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: invalid value received for argument "
                f"`seed`. Expected an int or None. Received: seed={seed!r}"
            )
        self.seed = None if seed is None else int(seed)
        self._generators: dict[torch.device, torch.Generator] = {}

    def _generator(self, device: torch.device) -> torch.Generator | None:
        if self.seed is None:
            return None
        gen = self._generators.get(device)
        if gen is None:
            gen = torch.Generator(device=device).manual_seed(self.seed)
            self._generators[device] = gen
        return gen

    def _uniform(self, shape: tuple, low: float, high: float, device: torch.device):
        """Uniform float32 draws in [low, high) on ``device``, as Keras's random.uniform."""
        u = torch.rand(shape, generator=self._generator(device), device=device)
        return u * (high - low) + low

    def call(self, inputs: torch.Tensor, training: bool | None = None) -> torch.Tensor:
        self._check_images(inputs)
        if not resolve_training(self, training):
            return self._inference(inputs)
        x = self._to_nchw(inputs)
        y = self._transform(x, self._draw(x))
        return self._from_nchw(y, inputs.dim() == 3)

    def _inference(self, inputs: torch.Tensor) -> torch.Tensor:
        return as_float(inputs)

    def _draw(self, images: torch.Tensor) -> Any:
        """The random parameters for a batch of (N, C, H, W) images."""
        raise NotImplementedError

    def _transform(self, images: torch.Tensor, params: Any) -> torch.Tensor:
        """The transform of (N, C, H, W) images with the parameters from ``_draw``."""
        raise NotImplementedError


def factor_range(
    layer: Any, arg: str, value: Any, bounds: tuple[float, float], expected: str
) -> tuple[float, float]:
    """Keras's ``factor`` rule: a number f gives (max(-|f|, low), |f|); a pair is sorted.

    As in Keras, a pair is rejected only when its first element is above the upper bound or
    its second below the lower one.
    """
    low, high = bounds
    if value is None:
        value = 0.0
    if isinstance(value, (tuple, list)):
        if len(value) == 2 and all(is_number(v) for v in value):
            if not (value[0] > high or value[1] < low):
                lower, upper = sorted(float(v) for v in value)
                return lower, upper
    elif is_number(value) and low <= value <= high:
        f = abs(float(value))
        return max(-f, float(low)), f
    raise ValueError(
        f"{type(layer).__name__} {layer.name!r}: the `{arg}` argument should be a number (or a "
        f"list of two numbers) in the range {expected}. Received: {arg}={value!r}"
    )


def symmetric_range(
    layer: Any, arg: str, value: Any, in_range: Any, expected: str
) -> tuple[float, float]:
    """RandomZoom/RandomTranslation's rule: each number must pass ``in_range``; f -> (-|f|, |f|)."""
    values = list(value) if isinstance(value, (tuple, list)) else [value]
    ok = (
        (len(values) == 2 if isinstance(value, (tuple, list)) else True)
        and all(is_number(v) for v in values)
        and all(in_range(float(v)) for v in values)
    )
    if not ok:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `{arg}` argument should be a number "
            f"(or a list of two numbers) in the range {expected}. Received: {arg}={value!r}"
        )
    if isinstance(value, (tuple, list)):
        lower, upper = sorted(float(v) for v in values)
        return lower, upper
    f = abs(float(value))
    return -f, f


def choice(layer: Any, arg: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `{arg}` argument must be one of "
            f"{allowed}. Received: {arg}={value!r}"
        )
    return value


def number(layer: Any, arg: str, value: Any) -> float:
    if not is_number(value):
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `{arg}` argument must be a number. "
            f"Received: {arg}={value!r}"
        )
    return float(value)


def value_range(layer: Any, value: Any) -> tuple[float, float]:
    if not (
        isinstance(value, (tuple, list)) and len(value) == 2 and all(is_number(v) for v in value)
    ):
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: the `value_range` argument should be a "
            f"list of two numbers. Received: value_range={value!r}"
        )
    return float(value[0]), float(value[1])


class _RandomAffineLayer(_RandomImageLayer):
    """RandomRotation, RandomZoom, RandomTranslation: a random affine map per image (private).

    ``_draw`` returns Keras's (N, 6) transform matrices; ``_transform`` samples the float32 images
    through them with ``affine.affine_transform`` (``F.grid_sample``), filling the area from
    outside the image by ``fill_mode``.

    Args:
        fill_mode: ``'reflect'``, ``'wrap'``, ``'constant'`` or ``'nearest'``.
        interpolation: ``'bilinear'`` or ``'nearest'``.
        seed: None or an int.
        fill_value: the value of ``'constant'`` fill.
        data_format: ``'channels_last'`` or ``'channels_first'``.
    """

    def __init__(
        self,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.fill_mode = choice(self, "fill_mode", fill_mode, affine.FILL_MODES)
        self.interpolation = choice(self, "interpolation", interpolation, affine.INTERPOLATIONS)
        self.fill_value = number(self, "fill_value", fill_value)

    def _transform(self, images: torch.Tensor, matrix: torch.Tensor) -> torch.Tensor:
        return affine.affine_transform(
            as_float(images), matrix, self.interpolation, self.fill_mode, self.fill_value
        )
