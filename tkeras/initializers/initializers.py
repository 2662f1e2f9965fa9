"""Initializers with Keras's formulas (fans from the Keras-layout shape) on torch's RNG.

Values are drawn with torch's generator, so they follow Keras's distributions, not its exact
random stream. As in Keras, one instance returns the same values on every call: with ``seed``,
or else with a seed drawn from Python's ``random`` when the instance is created.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from tkeras.initializers.base import (
    REGISTRY,
    Initializer,
    _dtype,
    _RandomInitializer,
    _truncated_normal,
    compute_fans,
)


@REGISTRY.register("zeros", "Zeros", "zero")
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return torch.zeros(tuple(shape), dtype=_dtype(dtype))

    def get_config(self):
        return {}


@REGISTRY.register("ones", "Ones", "one")
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return torch.ones(tuple(shape), dtype=_dtype(dtype))

    def get_config(self):
        return {}


@REGISTRY.register("constant", "Constant")
class Constant(Initializer):
    """A constant value everywhere.

    Args:
        value: the scalar (or an array broadcastable to the shape) to fill with.
    """

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        value = torch.as_tensor(self.value, dtype=dtype)
        return (value * torch.ones(tuple(shape), dtype=dtype)).to(dtype)

    def get_config(self):
        return {"value": self.value}


@REGISTRY.register("random_uniform", "RandomUniform", "uniform")
class RandomUniform(_RandomInitializer):
    """Uniform values in ``[minval, maxval)``.

    Args:
        minval: lower bound (default -0.05).
        maxval: upper bound (default 0.05).
        seed: optional int for reproducible values.
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        out = torch.empty(tuple(shape), dtype=torch.float64)
        out.uniform_(self.minval, self.maxval, generator=self._generator())
        return out.to(_dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self._init_seed}


@REGISTRY.register("random_normal", "RandomNormal", "normal")
class RandomNormal(_RandomInitializer):
    """Normally distributed values.

    Args:
        mean: the mean (default 0).
        stddev: the standard deviation (default 0.05).
        seed: optional int for reproducible values.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        out = torch.empty(tuple(shape), dtype=torch.float64)
        out.normal_(self.mean, self.stddev, generator=self._generator())
        return out.to(_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self._init_seed}


@REGISTRY.register("truncated_normal", "TruncatedNormal")
class TruncatedNormal(RandomNormal):
    """Normal values redrawn beyond two standard deviations of the mean."""

    def __call__(self, shape, dtype=None):
        return _truncated_normal(
            tuple(shape), self.mean, self.stddev, _dtype(dtype), self._generator()
        )


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


@REGISTRY.register("variance_scaling", "VarianceScaling")
class VarianceScaling(_RandomInitializer):
    """Keras's variance scaling: ``scale / n`` with n the fan_in, fan_out or their average.

    Args:
        scale: positive scaling factor.
        mode: ``'fan_in'``, ``'fan_out'`` or ``'fan_avg'``.
        distribution: ``'truncated_normal'``, ``'untruncated_normal'`` or ``'uniform'``
            (``'normal'`` means ``'truncated_normal'``).
        seed: optional int for reproducible values.
        input_axes: optional axes whose sizes multiply into fan_in (with ``output_axes``).
        output_axes: optional axes whose sizes multiply into fan_out (with ``input_axes``).
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes: Any = None,
        output_axes: Any = None,
    ):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in _MODES:
            raise ValueError(f"Invalid `mode` argument: {mode!r}. Expected one of {_MODES}.")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}. "
                f"Expected one of {_DISTRIBUTIONS}."
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(tuple(shape), self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        gen, dtype = self._generator(), _dtype(dtype)
        if self.distribution == "truncated_normal":
            # 0.879... is the stddev of a unit normal truncated to [-2, 2].
            return _truncated_normal(
                tuple(shape), 0.0, math.sqrt(scale) / 0.87962566103423978, dtype, gen
            )
        out = torch.empty(tuple(shape), dtype=torch.float64)
        if self.distribution == "untruncated_normal":
            out.normal_(0.0, math.sqrt(scale), generator=gen)
        else:
            limit = math.sqrt(3.0 * scale)
            out.uniform_(-limit, limit, generator=gen)
        return out.to(dtype)

    def get_config(self):
        return {
            "seed": self._init_seed,
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


def _scaling(name: str, scale: float, mode: str, distribution: str, doc: str):
    class _Scaling(VarianceScaling):
        __doc__ = doc

        def __init__(
            self, seed: int | None = None, input_axes: Any = None, output_axes: Any = None
        ) -> None:
            super().__init__(
                scale=scale,
                mode=mode,
                distribution=distribution,
                seed=seed,
                input_axes=input_axes,
                output_axes=output_axes,
            )

        def get_config(self):
            return {
                "seed": self._init_seed,
                "input_axes": self.input_axes,
                "output_axes": self.output_axes,
            }

    _Scaling.__name__ = _Scaling.__qualname__ = name
    return _Scaling


GlorotUniform = _scaling(
    "GlorotUniform",
    1.0,
    "fan_avg",
    "uniform",
    "Glorot uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).",
)
GlorotNormal = _scaling(
    "GlorotNormal",
    1.0,
    "fan_avg",
    "truncated_normal",
    "Glorot normal: truncated normal, stddev sqrt(2 / (fan_in + fan_out)).",
)
HeUniform = _scaling(
    "HeUniform", 2.0, "fan_in", "uniform", "He uniform: U(-l, l) with l = sqrt(6 / fan_in)."
)
HeNormal = _scaling(
    "HeNormal",
    2.0,
    "fan_in",
    "truncated_normal",
    "He normal: truncated normal, stddev sqrt(2 / fan_in).",
)
LecunUniform = _scaling(
    "LecunUniform", 1.0, "fan_in", "uniform", "LeCun uniform: U(-l, l) with l = sqrt(3 / fan_in)."
)
LecunNormal = _scaling(
    "LecunNormal",
    1.0,
    "fan_in",
    "truncated_normal",
    "LeCun normal: truncated normal, stddev sqrt(1 / fan_in).",
)
for _cls, _name in (
    (GlorotUniform, "glorot_uniform"),
    (GlorotNormal, "glorot_normal"),
    (HeUniform, "he_uniform"),
    (HeNormal, "he_normal"),
    (LecunUniform, "lecun_uniform"),
    (LecunNormal, "lecun_normal"),
):
    REGISTRY.add(_name, _cls, _cls.__name__)


@REGISTRY.register("orthogonal", "Orthogonal", "OrthogonalInitializer")
class Orthogonal(_RandomInitializer):
    """A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, times ``gain``.

    Args:
        gain: multiplicative factor.
        seed: optional int for reproducible values.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = torch.empty(max(rows, cols), min(rows, cols), dtype=torch.float64)
        a.normal_(0.0, 1.0, generator=self._generator())
        q, r = torch.linalg.qr(a)
        q = q * torch.sign(torch.diagonal(r))
        if rows < cols:
            q = q.t()
        return (self.gain * q.reshape(shape)).to(_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self._init_seed}


@REGISTRY.register("identity", "Identity", "IdentityInitializer")
class Identity(Initializer):
    """The identity matrix times ``gain`` (2-D shapes only).

    Args:
        gain: multiplicative factor.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return (self.gain * torch.eye(*shape, dtype=torch.float64)).to(_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


from tkeras.initializers.stft import STFT  # noqa: E402,F401  (registers itself first)

ALL_INITIALIZERS = dict(REGISTRY.items())


def get(identifier: Any) -> Any:
    """An initializer from a name (``'glorot_uniform'``), a config dict, a class, an instance, a
    callable ``fn(shape, dtype=None)``, or an array whose values are used as they are."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return REGISTRY.lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, (torch.Tensor, np.ndarray, np.generic)):
        return _from_array(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def _from_array(value: Any) -> Any:
    def initialize_fn(shape, dtype=None):
        if tuple(shape) != tuple(value.shape):
            raise ValueError(
                f"Expected `shape` to be {tuple(value.shape)} for direct tensor as initializer. "
                f"Received shape={tuple(shape)}"
            )
        return torch.as_tensor(value).to(_dtype(dtype))

    return initialize_fn


def serialize(initializer: Initializer) -> dict[str, Any]:
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """An initializer from ``{'class_name': ..., 'config': {...}}`` (or a name)."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    name = config["class_name"]
    if custom_objects and name in custom_objects:
        cls = custom_objects[name]
    else:
        cls = REGISTRY.lookup(name)
    return cls.from_config(config.get("config") or {})
