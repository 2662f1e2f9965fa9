"""BatchNormalization: Keras's batch norm (momentum 0.99, epsilon 1e-3) over ``F.batch_norm``."""

from __future__ import annotations

import math
import sys
from typing import Any

import torch
import torch.nn.functional as F

from tkeras import config, constraints, initializers, regularizers
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.normalization import _axes
from tkeras.layers.normalization._sync import global_moments, is_distributed

_RENORM_KEYS = ("rmax", "rmin", "dmax")


class BatchNormalization(Layer):
    """Batch normalization layer: normalize with batch statistics in training, moving ones after.

    Training mode (``training=True``, ``fit()``) normalizes with the batch mean and the biased
    batch variance over every axis but ``axis`` and updates
    ``moving = momentum * moving + (1 - momentum) * batch`` (biased variance, as Keras; the layer
    updates the statistics itself, never torch's unbiased ``running_var``). Inference uses the
    moving statistics. A layer with ``trainable=False`` always runs in inference mode and never
    updates its statistics (Keras 3). Weights, in Keras's order: ``gamma`` (if ``scale``),
    ``beta`` (if ``center``), ``moving_mean``, ``moving_variance`` (non-trainable), then with
    ``renorm`` ``moving_stddev``, ``renorm_mean``, ``renorm_stddev`` (non-trainable).

    Args:
        axis: int, the features axis (``-1`` for channels_last, ``1`` for channels_first).
        momentum: float, the momentum of the moving averages.
        epsilon: float, added to the variance before the square root.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned scale ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer,
            moving_variance_initializer: initializers (``'zeros'``, ``'ones'``, ``'zeros'``,
            ``'ones'``).
        beta_regularizer, gamma_regularizer: regularizers of ``beta`` and ``gamma``, added to
            ``losses``.
        beta_constraint, gamma_constraint: constraints applied to ``beta`` and ``gamma`` after
            each optimizer update.
        renorm: whether to use Batch Renormalization (training only; extra statistics).
        renorm_clipping: dict with optional keys ``'rmax'``, ``'rmin'``, ``'dmax'`` clipping the
            renorm corrections ``r`` to ``[rmin, rmax]`` and ``d`` to ``[-dmax, dmax]``; used
            only with ``renorm=True`` (Differences from Keras: given without renorm it raises
            ValueError instead of being ignored).
        renorm_momentum: float, the momentum of the renorm statistics; only with
            ``renorm=True`` (likewise).
        synchronized: under torchrun, compute the training batch statistics over the whole
            global batch (every rank's shard), so each step equals one-process batch norm
            on the full batch; without a process group it changes nothing.

    Call arguments:
        inputs: a tensor of any rank.
        training: bool or None (None: the module's mode).
        mask: optional tensor of rank ``inputs.ndim - 1``; in training mode only its true
            positions count towards the batch statistics.

    Differences from Keras: ``synchronized=True`` works on torch (Keras's torch backend raises
    ValueError) and on every device (torch's ``SyncBatchNorm`` is CUDA only).

    Example:
        >>> import torch, tkeras
        >>> bn = tkeras.layers.BatchNormalization()
        >>> y = bn(torch.randn(8, 4, 4, 3), training=True)
        >>> [w.name for w in bn.weights]
        ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """

    # Under a mixed policy Keras computes the statistics in float32 and casts back.
    _computes_in_float32 = True

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: dict[str, float] | None = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.axis = _axes.int_axis(cls, axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.synchronized = synchronized
        self.renorm = renorm
        if not renorm and (renorm_clipping is not None or renorm_momentum != 0.99):
            # Keras accepts and ignores these without renorm; a user setting them meant renorm.
            raise ValueError(
                f"BatchNormalization {self.name!r}: `renorm_clipping` and `renorm_momentum` only "
                f"apply with renorm=True. Received: renorm=False, renorm_clipping="
                f"{renorm_clipping!r}, renorm_momentum={renorm_momentum!r}"
            )
        if renorm:
            renorm_clipping = self._check_clipping(renorm_clipping or {})
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def _check_clipping(self, clipping: dict[str, float]) -> dict[str, float]:
        where = f"{type(self).__name__} {self.name!r}"
        unknown = set(clipping) - set(_RENORM_KEYS)
        if unknown:
            raise ValueError(
                f"{where}: invalid keys {sorted(unknown)} in the `renorm_clipping` argument; "
                f"expected only {list(_RENORM_KEYS)}. Received: renorm_clipping={clipping!r}"
            )
        rmax, rmin, dmax = (clipping.get(k) for k in _RENORM_KEYS)
        if rmax is not None and rmin is not None and rmax < rmin:
            raise ValueError(
                f"{where}: `renorm_clipping` needs rmax >= rmin. Received: rmax={rmax}, rmin={rmin}"
            )
        if dmax is not None and dmax < 0:
            raise ValueError(
                f"{where}: `renorm_clipping` needs a non-negative dmax. Received: dmax={dmax}"
            )
        return clipping

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        (axis,) = _axes.positive_axes(self, [self.axis], input_shape)
        channels = _axes.known_size(self, axis, input_shape)
        shape = (channels,)
        if self.scale:
            self.gamma = self.add_weight(
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="gamma",
            )
        if self.center:
            self.beta = self.add_weight(
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="beta",
            )
        self.moving_mean = self.add_weight(
            shape=shape,
            initializer=self.moving_mean_initializer,
            name="moving_mean",
            trainable=False,
        )
        self.moving_variance = self.add_weight(
            shape=shape,
            initializer=self.moving_variance_initializer,
            name="moving_variance",
            trainable=False,
        )
        if self.renorm:
            variance_init = self.moving_variance_initializer

            def stddev_init(shape: tuple, dtype: Any = None) -> torch.Tensor:
                return torch.as_tensor(variance_init(shape, dtype=dtype)).sqrt()

            self.moving_stddev = self.add_weight(
                shape=shape, initializer=stddev_init, name="moving_stddev", trainable=False
            )
            self.renorm_mean = self.add_weight(
                shape=shape,
                initializer=self.moving_mean_initializer,
                name="renorm_mean",
                trainable=False,
            )
            self.renorm_stddev = self.add_weight(
                shape=shape, initializer=stddev_init, name="renorm_stddev", trainable=False
            )
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: channels})
        self._to_cf, self._from_cf, view_rank = _axes.channels_first_views(axis, rank)
        # The reduction axes of the (N, C, *) view: all but the channels.
        self._reduce = (0, *range(2, view_rank))
        self._param_view = (1, channels) + (1,) * (view_rank - 2)
        # The fused op needs two or more values per channel and a positive epsilon in training;
        # inputs at or below this size (any size when epsilon <= 0) take the explicit path.
        self._fused_above = channels if self.epsilon > 0 else sys.maxsize

    def call(
        self, inputs: torch.Tensor, training: bool | None = None, mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        if mask is not None and mask.dim() != inputs.dim() - 1:
            raise ValueError(
                f"BatchNormalization {self.name!r}: the mask must have one dimension less than "
                f"the inputs. Received: mask.shape={tuple(mask.shape)}, "
                f"inputs.shape={tuple(inputs.shape)}"
            )
        x = inputs if self._to_cf is None else self._to_cf(inputs)
        if not (self._trainable and resolve_training(self, training)):
            y = F.batch_norm(
                x,
                self.moving_mean,
                self.moving_variance,
                self.gamma,
                self.beta,
                False,
                0.0,
                self.epsilon,
            )
        elif self.synchronized and is_distributed():
            y = self._synced_training(x, inputs, mask)
        elif mask is None and x.numel() > self._fused_above:
            y = self._fused_training(x)
        else:
            y = self._masked_training(x, inputs, mask)
        return y if self._from_cf is None else self._from_cf(y)

    def _fused_training(self, x: torch.Tensor) -> torch.Tensor:
        """Training in one fused pass; the batch statistics come back with the output.

        ``native_batch_norm`` (what ``F.batch_norm`` runs) also returns the batch mean and
        ``1 / sqrt(var + epsilon)``, from which the biased variance is recovered on the device:
        no second reduction and no host sync. No running buffers are passed, so torch never
        applies its unbiased-variance update.
        """
        eps = self.epsilon
        if not self.renorm:
            y, mean, invstd = torch.native_batch_norm(
                x, self.gamma, self.beta, None, None, True, 0.0, eps
            )
            with torch.no_grad():
                self._update(mean, invstd.pow(-2).sub_(eps))
            return y
        normalized, mean, invstd = torch.native_batch_norm(
            x, None, None, None, None, True, 0.0, eps
        )
        with torch.no_grad():
            correction = self._update(mean, invstd.pow(-2).sub_(eps))
        weight, bias = self._transforms(correction)
        return normalized * weight.view(self._param_view) + bias.view(self._param_view)

    def _masked_training(
        self, x: torch.Tensor, inputs: torch.Tensor, mask: torch.Tensor | None
    ) -> torch.Tensor:
        """Training with a mask (or a case F.batch_norm refuses): explicit moments, as Keras."""
        dims = self._reduce
        if mask is None:
            mean = x.mean(dims, keepdim=True)
            variance = (x - mean).square().mean(dims, keepdim=True)
        else:
            keep = mask.unsqueeze(-1).expand(inputs.shape).to(torch.bool)
            keep = keep if self._to_cf is None else self._to_cf(keep)
            count = keep.to(x.dtype).sum(dims, keepdim=True) + config.epsilon()
            mean = torch.where(keep, x, 0).sum(dims, keepdim=True) / count
            variance = torch.where(keep, x - mean, 0).square().sum(dims, keepdim=True) / count
        return self._normalize(x, mean, variance)

    def _synced_training(
        self, x: torch.Tensor, inputs: torch.Tensor, mask: torch.Tensor | None
    ) -> torch.Tensor:
        """Training with the statistics of the global batch (every rank's shard)."""
        keep = None
        if mask is not None:
            keep = mask.unsqueeze(-1).expand(inputs.shape).to(torch.bool)
            keep = keep if self._to_cf is None else self._to_cf(keep)
        mean, variance = global_moments(x, self._reduce, keep, config.epsilon())
        return self._normalize(x, mean, variance)

    def _normalize(self, x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor) -> Any:
        """Update the moving statistics from the batch moments and normalize ``x``."""
        with torch.no_grad():
            correction = self._update(mean.detach().reshape(-1), variance.detach().reshape(-1))
        weight, bias = self._transforms(correction)
        shape = mean.shape
        inv = torch.rsqrt(variance + self.epsilon)
        if weight is not None:
            inv = inv * weight.reshape(shape)
        y = (x - mean) * inv
        return y if bias is None else y + bias.reshape(shape)

    def _update(self, mean: torch.Tensor, variance: torch.Tensor) -> Any:
        """Update the moving statistics in place (no grad); with renorm, return (r, d)."""
        m = self.momentum
        if not self.renorm:
            self.moving_mean.mul_(m).add_(mean, alpha=1.0 - m)
            self.moving_variance.mul_(m).add_(variance, alpha=1.0 - m)
            return None
        stddev = torch.sqrt(variance + self.epsilon)
        renorm_stddev = self.renorm_stddev.clamp_min(math.sqrt(self.epsilon))
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean) / renorm_stddev
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = r.clamp_min(clip["rmin"])
        if clip.get("rmax") is not None:
            r = r.clamp_max(clip["rmax"])
        if clip.get("dmax") is not None:
            d = d.clamp(-clip["dmax"], clip["dmax"])
        rm = self.renorm_momentum
        self.renorm_mean.mul_(rm).add_(mean, alpha=1.0 - rm)
        self.renorm_stddev.mul_(rm).add_(stddev, alpha=1.0 - rm)
        self.moving_mean.mul_(m).add_(mean, alpha=1.0 - m)
        self.moving_stddev.mul_(m).add_(stddev, alpha=1.0 - m)
        self.moving_variance.copy_((self.moving_stddev.square() - self.epsilon).clamp_min(0))
        return r, d

    def _transforms(self, correction: Any) -> tuple[Any, Any]:
        """The scale and offset: gamma and beta, composed with renorm's (r, d) if any."""
        if correction is None:
            return self.gamma, self.beta
        r, d = correction
        if self.gamma is not None:
            weight, bias = r * self.gamma, d * self.gamma
        else:
            weight, bias = r, d
        if self.beta is not None:
            bias = bias + self.beta
        return weight, bias

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)
