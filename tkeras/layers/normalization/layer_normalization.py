"""LayerNormalization: per-example normalization over ``axis``, over ``F.layer_norm``."""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import constraints, initializers, regularizers
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer
from tkeras.layers.normalization import _axes


class LayerNormalization(Layer):
    """Layer normalization layer: normalize each example over ``axis`` (Ba et al., 2016).

    ``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the mean and the biased variance
    taken over ``axis``. ``gamma`` and ``beta`` have the sizes of the ``axis`` dimensions, in
    the order of ``sorted(axis)``. Trailing axes run ``F.layer_norm``; others a reduction.

    Args:
        axis: int or list/tuple of ints, the axes to normalize over (default ``-1``).
        epsilon: float, added to the variance before the square root.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer, gamma_initializer: initializers (``'zeros'``, ``'ones'``).
        beta_regularizer, gamma_regularizer: regularizers of ``beta`` and ``gamma``, added to
            ``losses``.
        beta_constraint, gamma_constraint: constraints applied to ``beta`` and ``gamma`` after
            each optimizer update.
        rms_scaling: keyword only, deprecated as in Keras (with its warning): ``x`` is
            multiplied by ``gamma / sqrt(var + epsilon)`` without centering and without
            ``beta``; ``gamma`` is created even with ``scale=False``.

    Differences from Keras: Keras's torch backend runs ``F.layer_norm`` for any run of
    consecutive axes, which for axes that are not trailing normalizes the wrong axes or
    raises; tkeras normalizes over ``axis`` as Keras documents (and computes on its other
    backends). The input rank is fixed at build (Keras allows other ranks with valid axes).

    Example:
        >>> import torch, tkeras
        >>> ln = tkeras.layers.LayerNormalization(axis=[1, 2])
        >>> ln(torch.randn(2, 3, 4)).shape
        torch.Size([2, 3, 4])
    """

    # Under a mixed policy Keras computes the statistics in float32 and casts back.
    _computes_in_float32 = True
    _kwargs_config = ("rms_scaling",)

    def __init__(
        self,
        axis: Any = -1,
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
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "LayerNormalization: `rms_scaling=True` is deprecated (as in Keras): it divides "
                "the input by its standard deviation, not by its root mean square. Use "
                "RMSNormalization for RMS normalization.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.axis = _axes.axis_list(cls, axis)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        # Keras orders the weight dimensions by sorted(axis) as given (so [-1, 1] gives
        # (size[-1], size[1])) and reshapes, not transposes, them onto the input axes.
        given = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        axes = _axes.positive_axes(self, given, input_shape)
        sizes = {a: _axes.known_size(self, a, input_shape) for a in axes}
        shape = tuple(sizes[a] for a in axes)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="gamma",
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="beta",
            )
        ordered = sorted(axes)
        self._dims = tuple(ordered)
        self._trailing = ordered == list(range(rank - len(ordered), rank))
        self._normalized_shape = tuple(sizes[a] for a in ordered)
        if self._trailing:
            param_shape = self._normalized_shape
        else:
            param_shape = tuple(sizes.get(d, 1) for d in range(rank))
        # A view only where Keras's weight shape differs from the one the op needs.
        self._param_shape = None if param_shape == shape else param_shape
        self._fused = self._trailing and not self.rms_scaling
        self.input_spec = InputSpec(ndim=rank, axes=sizes)

    def _params(self) -> tuple[Any, Any]:
        gamma, beta, shape = self.gamma, self.beta, self._param_shape
        if shape is None:
            return gamma, beta
        return (
            None if gamma is None else gamma.reshape(shape),
            None if beta is None else beta.reshape(shape),
        )

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        gamma, beta = self._params()
        if self._fused:
            return F.layer_norm(inputs, self._normalized_shape, gamma, beta, self.epsilon)
        variance, mean = torch.var_mean(inputs, self._dims, correction=0, keepdim=True)
        inv = torch.rsqrt(variance + self.epsilon)
        if gamma is not None:
            inv = inv * gamma
        if self.rms_scaling:
            return inputs * inv
        y = (inputs - mean) * inv
        return y if beta is None else y + beta

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
