"""Softmax: the softmax activation layer over an axis (or axes), with an optional mask."""

from __future__ import annotations

import functools
import numbers
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import activations
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer


def _joint_softmax(x: torch.Tensor, axes: tuple[int, ...]) -> torch.Tensor:
    # Keras's form for several axes: exp(x - logsumexp(x)).
    return torch.exp(x - torch.logsumexp(x, dim=axes, keepdim=True))


def _large_negative(dtype: torch.dtype) -> float:
    """Keras's stand-in for -inf at masked positions: -3e4 in float16 (its range), else -1e9."""
    return -3e4 if dtype == torch.float16 else -1e9


class Softmax(Layer):
    """Softmax activation layer: ``exp(x) / sum(exp(x))`` along ``axis``.

    ``call(inputs, mask=None)`` takes an optional mask broadcastable to ``inputs`` (True or
    > 0.5: keep). As in Keras, masked positions are replaced by a large negative number
    (-1e9; -3e4 in float16) before the softmax and set to 0 after it, so a fully masked row
    is all zeros.

    Args:
        axis: an int, a list or tuple of ints (softmax over those axes jointly), or None (over
            every element, batch included, as Keras does).

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.Softmax()
        >>> layer(torch.tensor([[1.0, 2.0, 1.0]]))
        tensor([[0.2119, 0.5761, 0.2119]])
        >>> layer(torch.tensor([[1.0, 2.0, 1.0]]), mask=torch.tensor([[True, False, True]]))
        tensor([[0.5000, 0.0000, 0.5000]])
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True
        if axis is None:
            self._softmax = functools.partial(activations.softmax, axis=None)
            return
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes or any(
            isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in axes
        ):
            raise ValueError(
                f"Softmax {self.name!r}: invalid value received for argument `axis`. Expected "
                f"an int, a non-empty list or tuple of ints, or None. Received: axis={axis!r}"
            )
        self._axes = tuple(int(a) for a in axes)
        # The smallest rank with every axis: __call__ checks it for free, with a clear error.
        self.input_spec = InputSpec(min_ndim=max(a + 1 if a >= 0 else -a for a in self._axes))
        if len(self._axes) == 1:
            self._softmax = functools.partial(F.softmax, dim=self._axes[0])
        else:
            self._softmax = functools.partial(_joint_softmax, axes=self._axes)

    def call(self, inputs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            return self._softmax(inputs)
        mask = self._check_mask(inputs, mask)
        outputs = self._softmax(torch.where(mask, inputs, _large_negative(inputs.dtype)))
        return torch.where(mask, outputs, 0.0)

    def _input_hint(self) -> str:
        return f"Softmax(axis={self.axis!r}) needs an input with each of those axes."

    def _check_mask(self, inputs: torch.Tensor, mask: Any) -> torch.Tensor:
        if not isinstance(mask, torch.Tensor):
            mask = torch.as_tensor(mask, device=inputs.device)
        if mask.dim() > inputs.dim() or any(
            m != 1 and m != i for m, i in zip(mask.shape[::-1], inputs.shape[::-1])
        ):
            raise ValueError(
                f"Softmax {self.name!r}: the `mask` must be broadcastable to `inputs`: at most "
                "as many dimensions, each 1 or the size of the matching input dimension "
                "(aligned from the last). Received: "
                f"inputs.shape={tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
            )
        if mask.dtype != torch.bool:
            mask = mask > 0.5
        return mask

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
