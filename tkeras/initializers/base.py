"""The initializer base: the registry, Keras's fan computation, the ``Initializer`` and seeded
random-initializer classes, and truncated-normal sampling."""

from __future__ import annotations

import math
import random as _python_random
from typing import Any

import torch

from tkeras.utils.registry import Registry

REGISTRY = Registry("initializer")


def compute_fans(
    shape: tuple[int, ...], input_axes: Any = None, output_axes: Any = None
) -> tuple[int, int]:
    """Keras's fan_in and fan_out for a Keras-layout shape (kernels are (..., in, out)).

    ``input_axes`` and ``output_axes`` (both or neither) name the axes whose sizes multiply into
    the fans, for kernels whose layout is not (..., in, out).
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (
            int(math.prod(shape[a] for a in input_axes)),
            int(math.prod(shape[a] for a in output_axes)),
        )
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base initializer: ``init(shape, dtype=None)`` returns a tensor of that (Keras) shape."""

    def __call__(self, shape: tuple[int, ...], dtype: Any = None) -> torch.Tensor:
        raise NotImplementedError(
            f"Initializer subclasses must implement `__call__(shape, dtype=None)`; "
            f"{type(self).__name__} does not."
        )

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


class _RandomInitializer(Initializer):
    """A seeded initializer: every call of one instance returns the same values, as in Keras.

    Without a seed, one is drawn from Python's ``random`` at construction (as Keras draws it),
    so ``tkeras.utils.set_random_seed`` makes weight initialization reproducible.
    """

    def __init__(self, seed: int | None = None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(
                f"`seed` argument should be an integer or None. Received: seed={seed!r}"
            )
        self._init_seed = seed
        self.seed = seed if seed is not None else _python_random.randint(1, int(1e9))

    def _generator(self) -> torch.Generator:
        return torch.Generator().manual_seed(self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._init_seed}


def _dtype(dtype: Any) -> torch.dtype:
    from tkeras.backend.convert import standardize_dtype

    return standardize_dtype(dtype)


# erf(2 / sqrt(2)): a unit normal truncated to [-2, 2] is sqrt(2) * erfinv(U(-_ERF2, _ERF2)).
_ERF2 = math.erf(2.0 / math.sqrt(2.0))


def _truncated_normal(shape, mean, stddev, dtype, generator):
    # Keras truncates at two standard deviations. Inverse-CDF sampling in float32 (float64 for
    # float64) is several times faster than torch.nn.init.trunc_normal_ on large kernels.
    work = torch.float64 if dtype == torch.float64 else torch.float32
    out = torch.empty(shape, dtype=work).uniform_(-_ERF2, _ERF2, generator=generator)
    out.erfinv_().mul_(math.sqrt(2.0)).clamp_(-2.0, 2.0)
    return (out * stddev + mean).to(dtype)
