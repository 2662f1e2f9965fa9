"""Run one Keras program with Keras 3 and with tkeras, from the same initial weights.

A port is a function ``program(keras)`` holding a keras.io example's code unchanged except
that ``keras`` is its argument (so ``import keras`` becomes the parameter) and the data is
small and synthetic. ``run_both(program)`` runs it first with real Keras (torch backend), then
with tkeras, with the same numpy seed, and:

- the k-th model that calls ``fit``/``train_on_batch`` in the tkeras run starts from the
  weights the k-th model had when it first trained in the Keras run (``get_weights`` /
  ``set_weights``: the two libraries share the weight order and layouts);
- ``fit`` runs with ``shuffle=False`` in both runs, so both see the same batches.

Nothing else changes, except that ``run_both(..., dropout=False)`` gives every Dropout layer
rate 0 in both runs, and ``run_both(..., augmentation=False)`` runs the random image
augmentation layers (RandomFlip, RandomZoom, ...) as at inference (identity) in both runs.
Otherwise Dropout and random ops draw different numbers in each library, so programs using
them compare within a looser tolerance.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import torch

import tkeras


@contextlib.contextmanager
def _patched(lib: Any, weights: list, record: bool):
    model_cls = lib.Model
    originals = {name: getattr(model_cls, name) for name in ("fit", "train_on_batch")}
    seen: set[int] = set()

    def sync(model: Any) -> None:
        if id(model) in seen:
            return
        seen.add(id(model))
        if record:
            weights.append([np.array(w) for w in model.get_weights()])
        else:
            model.set_weights(weights[len(seen) - 1])

    def fit(self, *args, **kwargs):
        sync(self)
        kwargs["shuffle"] = False
        return originals["fit"](self, *args, **kwargs)

    def train_on_batch(self, *args, **kwargs):
        sync(self)
        return originals["train_on_batch"](self, *args, **kwargs)

    model_cls.fit = fit
    model_cls.train_on_batch = train_on_batch
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(model_cls, name, fn)


@contextlib.contextmanager
def _no_dropout(lib: Any):
    layer = lib.layers.Dropout
    original = layer.__init__

    def init(self, rate, *args, **kwargs):
        original(self, 0.0, *args, **kwargs)

    layer.__init__ = init
    try:
        yield
    finally:
        layer.__init__ = original


_AUGMENTATION_LAYERS = ("RandomFlip", "RandomZoom", "RandomRotation", "RandomTranslation")


@contextlib.contextmanager
def _no_augmentation(lib: Any):
    # tkeras binds ``forward`` to ``call`` when a class is made, so both are replaced there.
    saved = []
    for name in _AUGMENTATION_LAYERS:
        cls = getattr(lib.layers, name)
        original = cls.call
        saved.append((cls, {k: cls.__dict__[k] for k in ("call", "forward") if k in cls.__dict__}))

        def call(self, inputs, training=None, _original=original):
            return _original(self, inputs, training=False)

        cls.call = call
        if getattr(cls, "forward", None) is original:
            cls.forward = call
    try:
        yield
    finally:
        for cls, attrs in saved:
            for key in ("call", "forward"):
                if key in attrs:
                    setattr(cls, key, attrs[key])
                elif key in cls.__dict__:
                    delattr(cls, key)


def run_both(
    program: Callable[[Any], Any], seed: int = 0, dropout: bool = True, augmentation: bool = True
) -> tuple[Any, Any]:
    """``(keras result, tkeras result)`` of ``program`` run with each library.

    ``dropout=False`` builds every ``layers.Dropout`` with rate 0 in both runs (the two
    libraries draw different masks), so a program with Dropout layers can match closely.
    ``augmentation=False`` likewise makes the random augmentation layers the identity.
    """
    weights: list = []
    with contextlib.ExitStack() as stack:
        if not dropout:
            stack.enter_context(_no_dropout(keras))
            stack.enter_context(_no_dropout(tkeras))
        if not augmentation:
            stack.enter_context(_no_augmentation(keras))
            stack.enter_context(_no_augmentation(tkeras))
        return _run_both(program, seed, weights)


def _run_both(program: Callable[[Any], Any], seed: int, weights: list) -> tuple[Any, Any]:
    with _patched(keras, weights, record=True):
        np.random.seed(seed)
        keras.utils.set_random_seed(seed)
        expected = program(keras)
    with _patched(tkeras, weights, record=False):
        np.random.seed(seed)
        torch.manual_seed(seed)
        got = program(tkeras)
    return _numpy(expected), _numpy(got)


def run_tkeras(program: Callable[[Any], Any], seed: int = 0) -> Any:
    """``program`` run with tkeras alone (programs Keras's run cannot be aligned with)."""
    np.random.seed(seed)
    torch.manual_seed(seed)
    return _numpy(program(tkeras))


def _numpy(result: Any) -> Any:
    if isinstance(result, dict):
        return {k: _numpy(v) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return type(result)(_numpy(v) for v in result)
    if isinstance(result, torch.Tensor):
        return result.detach().cpu().numpy()
    return result


def assert_close(expected: Any, got: Any, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Nested results (dicts/lists of floats or arrays) equal within tolerance."""
    if isinstance(expected, dict):
        assert set(expected) == set(got), (sorted(expected), sorted(got))
        for k in expected:
            assert_close(expected[k], got[k], rtol, atol)
        return
    if expected is None or isinstance(expected, str):
        assert got == expected, (got, expected)
        return
    if isinstance(expected, tuple) and any(e is None for e in expected):
        assert tuple(got) == expected, (got, expected)  # a shape with unknown dimensions
        return
    if isinstance(expected, (list, tuple)) and not np.isscalar(expected):
        try:
            np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol, atol)
            return
        except (ValueError, TypeError):
            pass
        assert len(expected) == len(got)
        for e, g in zip(expected, got):
            assert_close(e, g, rtol, atol)
        return
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=rtol, atol=atol)
