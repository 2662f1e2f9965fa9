"""``keras.random.SeedGenerator``: the seed state that makes random ops reproducible.

An int seed is stateless (every call with ``seed=42`` draws the same numbers); a SeedGenerator
advances its state on each draw; ``seed=None`` draws from a per-thread global generator. Each
draw seeds a fresh ``torch.Generator`` with ``state[0] + state[1]``, as Keras's torch backend
does, so the same seed gives Keras's numbers on the same device.
"""

from __future__ import annotations

import random as python_random
from typing import Any

import torch

from tkeras.backend import global_state
from tkeras.backend.variable import Variable
from tkeras.utils.naming import auto_name

_GLOBAL = "global_seed_generator"  # its per-thread attribute, as Keras's global_state


class SeedGenerator:
    """Generates a new seed on each call to a random op, from an initial seed.

    Args:
        seed: the initial int seed; None draws one with Python's ``random`` (so
            ``keras.utils.set_random_seed`` makes it reproducible).
        name: the generator's name (auto-generated).

    Example:
        >>> gen = SeedGenerator(seed=42)
        >>> a = tkeras.random.normal((2,), seed=gen)
        >>> b = tkeras.random.normal((2,), seed=gen)  # different from a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = auto_name(self.__class__.__name__) if name is None else name
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        # A host tensor: reading it never waits on an accelerator.
        self.state = Variable(
            torch.tensor(_as_int32([seed, 0]), dtype=torch.int32),
            trainable=False,
            name="seed_generator_state",
        )

    def next(self, ordered=True):
        """The current state (a copy), then advance it: ``+[0, 1]`` (ordered) or a hash."""
        value = self.state.detach().clone()
        if global_state.thread_state().stateless:
            return value  # shape inference, fit's build call (Keras's StatelessScope)
        with torch.no_grad():
            if ordered:
                self.state[1] += 1
            else:
                # int32 arithmetic, wrapping as Keras's int32 state does.
                self.state.copy_((self.state + 1) * 5387 % 933199)
        return value

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _as_int32(values: list[int]) -> list[int]:
    return [((v & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000 for v in values]


def make_default_seed() -> int:
    return python_random.randint(1, int(1e9))


def global_seed_generator() -> SeedGenerator:
    gen = global_state.get_global_attribute(_GLOBAL)
    if gen is None:
        gen = SeedGenerator()
        global_state.set_global_attribute(_GLOBAL, gen)
    return gen


def reset_global_seed_generator() -> None:
    """Forget the global generator (``set_random_seed`` does this, as in Keras)."""
    global_state.set_global_attribute(_GLOBAL, None)


def seed_states(modules: Any) -> list[torch.Tensor]:
    """The ``state`` tensors of the SeedGenerators held by ``modules`` (as attributes, or in
    lists and tuples) and of the global generator: what a trial run must put back, since
    Keras's symbolic calls draw nothing."""
    states = []
    gen = global_state.get_global_attribute(_GLOBAL)
    if gen is not None:
        states.append(gen.state)
    for module in modules:
        for value in vars(module).values():
            items = value if isinstance(value, (list, tuple)) else (value,)
            states.extend(x.state for x in items if isinstance(x, SeedGenerator))
    return states


def draw_seed(seed: Any) -> int:
    """The uint32 seed of one draw for ``seed`` (int, SeedGenerator or None), as Keras's."""
    if isinstance(seed, SeedGenerator):
        state = seed.next()
    elif isinstance(seed, int) and not isinstance(seed, bool):
        return _as_int32([seed])[0] & 0xFFFFFFFF
    elif seed is None:
        state = global_seed_generator().next(ordered=False)
    else:
        raise ValueError(
            "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    first, second = state.tolist()
    return (first + second) & 0xFFFFFFFF
