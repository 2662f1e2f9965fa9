"""``keras.random``: seeded random draws on torch generators, with Keras's distributions.

Every function takes ``seed``: an int (stateless: the same numbers on every call), a
``SeedGenerator`` (stateful: new numbers on each call) or None (the per-thread global
generator). The numbers equal Keras's torch backend's for the same seed on the same device.
Draws land on ``tkeras.config.device()`` (``dropout`` and ``shuffle``: on their input's).

Differences from Keras: none known; ``gamma``, ``beta`` and ``binomial`` sample with
``torch.distributions`` under a temporarily reseeded global CPU generator, as Keras does.
"""

from __future__ import annotations

import torch
import torch._dynamo
import torch.nn.functional as F

from tkeras import config
from tkeras.backend import global_state
from tkeras.ops._common import to_tensor, torch_dtype
from tkeras.random.seed_generator import SeedGenerator, draw_seed


@torch._dynamo.disable  # torch.Generator is not traceable; the draw itself compiles around it
def _generator(seed, device) -> torch.Generator | None:
    if torch.device(device).type == "meta":
        return None
    return torch.Generator(device=device).manual_seed(draw_seed(seed))


def _device() -> torch.device:
    # A shape-inference run (a layer's call on a KerasTensor) draws on its own device.
    trial = global_state.thread_state().trial_device
    return config.device() if trial is None else torch.device(trial)


def _float_dtype(name: str, dtype) -> torch.dtype:
    out = torch_dtype(dtype)
    if not out.is_floating_point:
        raise ValueError(
            f"`keras.random.{name}` requires a floating point `dtype`. Received: dtype={dtype} "
        )
    return out


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Random values from a normal distribution.

    Example:
        >>> tkeras.random.normal((2, 3), seed=1)
    """
    device = _device()
    return torch.normal(
        mean,
        stddev,
        size=tuple(shape),
        generator=_generator(seed, device),
        dtype=torch_dtype(dtype),
        device=device,
    )


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Random values uniform in ``[minval, maxval)``; ``dtype`` must be a float type."""
    out_dtype = _float_dtype("uniform", dtype)
    device = _device()
    size = tuple(shape) or (1,)
    rand = torch.rand(size, generator=_generator(seed, device), dtype=out_dtype, device=device)
    out = (maxval - minval) * rand + minval
    return out if shape else out[0]


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Random integers uniform in ``[minval, maxval)``; ``dtype`` must be an integer type."""
    out_dtype = torch_dtype(dtype)
    if out_dtype.is_floating_point or out_dtype.is_complex or out_dtype == torch.bool:
        raise ValueError(
            f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype} "
        )
    device = _device()
    return torch.randint(
        low=minval,
        high=maxval,
        size=tuple(shape),
        generator=_generator(seed, device),
        dtype=out_dtype,
        device=device,
    )


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values, redrawn when more than two standard deviations from the mean.

    As Keras's torch backend: four standard normal candidates per value, the first within
    ``(-2, 2)`` is kept (the first candidate if none is).
    """
    out_dtype = torch_dtype(dtype)
    x = normal(tuple(shape) + (4,), mean=0, stddev=1, dtype=out_dtype, seed=seed)
    valid = (x > -2) & (x < 2)
    index = valid.max(-1, keepdim=True)[1]
    return x.gather(-1, index).squeeze(-1) * stddev + mean


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from ``(batch, num_classes)`` logits: ``(batch, num_samples)``."""
    logits = to_tensor(logits)
    if logits.dim() != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits.shape={tuple(logits.shape)}"
        )
    probs = torch.softmax(logits, dim=-1)
    gen = _generator(seed, probs.device)
    return torch.multinomial(probs, num_samples, replacement=True, generator=gen).to(
        torch_dtype(dtype)
    )


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero entries with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    Unseeded (``seed=None`` and no ``noise_shape``) it is ``F.dropout`` on torch's global
    generator, as in Keras.
    """
    inputs = to_tensor(inputs)
    if rate == 1.0:
        return torch.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    unseeded = seed is None or (isinstance(seed, SeedGenerator) and seed._initial_seed is None)
    if unseeded and noise_shape is None:
        return F.dropout(inputs, p=rate, training=True)
    keep = 1.0 - rate
    if noise_shape is None:
        noise_shape = inputs.shape
    shape = [inputs.shape[i] if n is None else n for i, n in enumerate(noise_shape)]
    probs = torch.full(shape, keep, device=inputs.device)
    mask = torch.bernoulli(probs, generator=_generator(seed, inputs.device)).bool()
    return torch.where(mask.broadcast_to(inputs.shape), inputs / keep, torch.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    """Shuffle ``x`` along ``axis`` (each leading index gets its own permutation)."""
    x = to_tensor(x)
    gen = _generator(seed, x.device)
    perm = torch.rand(x.shape[: axis + 1], generator=gen, device=x.device).argsort(axis)
    perm = perm.reshape(perm.shape + (1,) * (x.dim() - axis - 1))
    return x.gather(axis, perm.expand(x.shape))


def _sample_with_global_seed(seed, dist_fn, dtype):
    # Keras seeds torch's global generator for the torch.distributions sampler and restores it.
    previous = torch.random.get_rng_state()
    try:
        torch.manual_seed(draw_seed(seed))
        return dist_fn().sample().to(torch_dtype(dtype))
    finally:
        torch.random.set_rng_state(previous)


def _param(value, shape) -> torch.Tensor:
    t = to_tensor(value)
    return torch.broadcast_to(t.to(_device()), tuple(shape))


def gamma(shape, alpha, dtype=None, seed=None):
    """Random values from a Gamma(alpha, 1) distribution."""
    a = _param(alpha, shape)
    ones = torch.ones(tuple(shape), device=a.device)
    return _sample_with_global_seed(seed, lambda: torch.distributions.Gamma(a, ones), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Random values from a Beta(alpha, beta) distribution."""
    a, b = _param(alpha, shape), _param(beta, shape)
    return _sample_with_global_seed(
        seed, lambda: torch.distributions.Beta(concentration1=a, concentration0=b), dtype
    )


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Random successes out of ``counts`` trials of probability ``probabilities``."""
    n, p = _param(counts, shape), _param(probabilities, shape)
    return _sample_with_global_seed(
        seed, lambda: torch.distributions.Binomial(total_count=n, probs=p), dtype
    )
