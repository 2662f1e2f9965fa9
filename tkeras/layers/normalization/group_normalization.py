"""GroupNormalization: normalize groups of channels per example, over ``F.group_norm``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras import constraints, initializers, regularizers
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.normalization import _axes


class GroupNormalization(Layer):
    """Group normalization layer: split the channels into groups and normalize each per example.

    The ``axis`` channels are split into ``groups`` consecutive groups; each group is
    normalized over its channels and every other non-batch axis with the mean and the biased
    variance, then scaled by ``gamma`` and offset by ``beta`` (one value per channel).
    ``groups=1`` is layer normalization over all non-batch axes, ``groups=-1`` (one channel per
    group) instance normalization.

    Args:
        groups: positive int dividing the number of channels, or ``-1`` for one group per
            channel (default 32).
        axis: int, the channels axis (default ``-1``).
        epsilon: float, added to the variance before the square root.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer, gamma_initializer: initializers (``'zeros'``, ``'ones'``).
        beta_regularizer, gamma_regularizer: regularizers of ``beta`` and ``gamma``, added to
            ``losses``.
        beta_constraint, gamma_constraint: constraints applied to ``beta`` and ``gamma`` after
            each optimizer update.

    Example:
        >>> import torch, tkeras
        >>> gn = tkeras.layers.GroupNormalization(groups=2)
        >>> gn(torch.randn(2, 5, 5, 4)).shape
        torch.Size([2, 5, 5, 4])
    """

    # Under a mixed policy Keras computes the statistics in float32 and casts back.
    _computes_in_float32 = True

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        cls = type(self).__name__
        if not _axes._is_int(groups) or (groups <= 0 and groups != -1):
            raise ValueError(
                f"{cls} {self.name!r}: received an invalid value for argument `groups`, "
                "expected a positive integer (or -1 for instance normalization), got "
                f"groups={groups!r}."
            )
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.groups = int(groups)
        self.axis = _axes.int_axis(cls, axis)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        where = f"{type(self).__name__} {self.name!r}"
        if rank < 2:
            raise ValueError(
                f"{where}: expects inputs of rank >= 2 (batch, ..., channels). Received: "
                f"input_shape={tuple(input_shape)}"
            )
        (axis,) = _axes.positive_axes(self, [self.axis], input_shape)
        if axis == 0:
            raise ValueError(
                f"{where}: `axis` must name a channels axis, not the batch axis 0. Received: "
                f"axis={self.axis}, input_shape={tuple(input_shape)}"
            )
        channels = _axes.known_size(self, axis, input_shape)
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups:
            raise ValueError(
                f"{where}: the number of groups ({self.groups}) cannot be more than the number "
                f"of channels ({channels}). Received: groups={self.groups}, "
                f"input_shape={tuple(input_shape)}"
            )
        if channels % self.groups:
            raise ValueError(
                f"{where}: the number of channels ({channels}) must be a multiple of the "
                f"number of groups ({self.groups}). Received: groups={self.groups}, "
                f"input_shape={tuple(input_shape)}"
            )
        if self.scale:
            self.gamma = self.add_weight(
                shape=(channels,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="gamma",
            )
        if self.center:
            self.beta = self.add_weight(
                shape=(channels,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="beta",
            )
        self._to_cf, self._from_cf, _ = _axes.channels_first_views(axis, rank)
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: channels})

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs if self._to_cf is None else self._to_cf(inputs)
        y = F.group_norm(x, self.groups, self.gamma, self.beta, self.epsilon)
        return y if self._from_cf is None else self._from_cf(y)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
