"""Dot: the per-sample dot product of two tensors along one axis of each, over ``torch.bmm``."""

from __future__ import annotations

import math
from typing import Any

import torch

from tkeras import config
from tkeras.layers.merging.base_merge import _Merge, format_shapes


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    # Keras's form: x * min(rsqrt(sum(x^2)), 1/epsilon), so an all-zero vector stays zero.
    inv_norm = torch.rsqrt(x.square().sum(dim=axis, keepdim=True))
    return x * torch.clamp(inv_norm, max=1.0 / config.epsilon())


class Dot(_Merge):
    """Dot product layer: ``sum(x1 * x2)`` along ``axes`` for each sample of two tensors.

    For inputs of shapes ``(batch, *a)`` and ``(batch, *b)``, the output keeps the first
    input's axes but its contracted one, then the second's but its batch and contracted axes:
    ``(2, 3, 5)`` and ``(2, 10, 3)`` with ``axes=(1, 2)`` give ``(2, 5, 10)``. Two rank-2 inputs
    give ``(batch, 1)``. The layer returns no mask.

    Args:
        axes: int, or a tuple of 2 ints (one axis per input); negative counts from the last.
            The batch axis (0) cannot be contracted, and the two axes must have equal sizes.
        normalize: whether to L2-normalize each input along its contracted axis first, so the
            output is the cosine similarity.
        **kwargs: standard layer arguments (``name``, ``trainable``, ``dtype``).

    Example:
        >>> import torch, tkeras
        >>> x, y = torch.ones(2, 3, 5), torch.ones(2, 10, 3)
        >>> tkeras.layers.Dot(axes=(1, 2))([x, y]).shape
        torch.Size([2, 5, 10])
    """

    _exact_inputs = 2

    def __init__(self, axes: int | tuple[int, int], normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axes, bool) or not isinstance(axes, (int, list, tuple)):
            raise TypeError(
                f"{self._who}: invalid type for argument `axes`: expected an int or a tuple of "
                f"2 ints. Received: axes={axes!r}"
            )
        if isinstance(axes, (list, tuple)) and (
            len(axes) != 2 or any(isinstance(a, bool) or not isinstance(a, int) for a in axes)
        ):
            raise ValueError(
                f"{self._who}: invalid format for argument `axes`: expected an int or a tuple "
                f"of 2 ints. Received: axes={axes!r}"
            )
        self.axes = axes
        self.normalize = normalize
        # Per (rank1, rank2): the two contracted axes, whether each must move (to the last
        # axis of x1, to axis 1 of x2), and the size-1 axis two rank-2 inputs' output gets.
        self._plans: dict[tuple[int, int], tuple[int, int, bool, bool, tuple]] = {}

    def _plan(self, shapes: list[tuple]) -> tuple[int, int, bool, bool, tuple]:
        """Validate two input shapes and the axes for them; the bmm plan for their ranks."""
        s1, s2 = self._shape_list(shapes)
        if len(s1) < 2 or len(s2) < 2:
            raise ValueError(
                f"{self._who} needs inputs of rank >= 2 (a batch axis and at least one more). "
                f"Received shapes {format_shapes(shapes)}."
            )
        wanted = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        axes = []
        for k, (a, s) in enumerate(zip(wanted, (s1, s2))):
            if not -len(s) <= a < len(s):
                raise ValueError(
                    f"{self._who}: axis {a} is out of range for input {k} of shape {s} "
                    f"(axes={self.axes!r}). Received shapes {format_shapes(shapes)}."
                )
            if a % len(s) == 0:
                raise ValueError(
                    f"{self._who} cannot take the dot product over the batch axis (axis 0 of "
                    f"input {k}; axes={self.axes!r}). Received shapes {format_shapes(shapes)}. "
                    "If your inputs are not batched, add a batch axis, e.g. x[None]."
                )
            axes.append(a % len(s))
        a1, a2 = axes
        if s1[0] is not None and s2[0] is not None and s1[0] != s2[0]:
            raise ValueError(
                f"{self._who} cannot take the dot product of inputs with different batch "
                f"sizes. Received shapes {format_shapes(shapes)}."
            )
        if s1[a1] != s2[a2]:
            raise ValueError(
                f"{self._who}: the contracted axes must have the same size, but axis {a1} of "
                f"the first input has {s1[a1]} and axis {a2} of the second has {s2[a2]} "
                f"(axes={self.axes!r}). Received shapes {format_shapes(shapes)}."
            )
        # Two rank-2 inputs give (batch,) from the shapes alone; Keras keeps (batch, 1).
        return a1, a2, a1 != len(s1) - 1, a2 != 1, (1,) if len(s1) + len(s2) == 4 else ()

    def build(self, input_shape: Any) -> None:
        shapes = self._shape_list(input_shape)
        self._plans[(len(shapes[0]), len(shapes[1]))] = self._plan(shapes)

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if len(inputs) != 2:
            self._shape_list([tuple(x.shape) for x in inputs])
        x1, x2 = inputs
        plan = self._plans.get((x1.ndim, x2.ndim))
        if plan is None:
            plan = self._plans[(x1.ndim, x2.ndim)] = self._plan([tuple(x1.shape), tuple(x2.shape)])
        a1, a2, move1, move2, extra = plan
        # x1 to (batch, ..., k) and x2 to (batch, k, ...): views; one bmm over the flattened
        # middle axes (a copy only where the view cannot flatten, as Keras's reshape).
        if move1:
            x1 = x1.movedim(a1, -1)
        if move2:
            x2 = x2.movedim(a2, 1)
        if self.normalize:
            x1 = _l2_normalize(x1, -1)
            x2 = _l2_normalize(x2, 1)
        # Sizes spelled out rather than -1, which is ambiguous for an empty batch.
        kept1, kept2, k = x1.shape[1:-1], x2.shape[2:], x1.shape[-1]
        out = torch.bmm(
            x1.reshape(x1.shape[0], math.prod(kept1), k),
            x2.reshape(x2.shape[0], k, math.prod(kept2)),
        )
        return out.reshape(x1.shape[0], *kept1, *kept2, *extra)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._shape_list(input_shape)
        a1, a2, _, _, extra = self._plan(shapes)
        s1, s2 = shapes
        return (*s1[:a1], *s1[a1 + 1 :], *s2[1:a2], *s2[a2 + 1 :], *extra)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        """Always None: a dot product has no steps to mask."""
        return None


def dot(inputs: Any, axes: int | tuple[int, int] = -1, **kwargs: Any) -> Any:
    """Functional interface to the Dot layer: ``Dot(axes, **kwargs)(inputs)``.

    Args:
        inputs: a list of exactly 2 tensors (or KerasTensors).
        axes: int or tuple of 2 ints, the axes to contract (default: the last of each).
        **kwargs: ``normalize`` and the standard layer arguments.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.dot([torch.ones(2, 3), torch.ones(2, 3)])
        tensor([[3.],
                [3.]])
    """
    return Dot(axes=axes, **kwargs)(inputs)
