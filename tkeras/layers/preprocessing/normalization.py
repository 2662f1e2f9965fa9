"""Normalization: ``(x - mean) / sqrt(variance)`` with statistics given or learned by ``adapt``."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import torch

from tkeras import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing.base_image_layer import as_float
from tkeras.layers.validation import _is_int


def _first(batch: Any) -> Any:
    """The inputs of an ``(x, y)`` or ``(x, y, sample_weight)`` batch, as Keras's adapt takes."""
    return batch[0] if isinstance(batch, tuple) else batch


def _as_float_tensor(batch: Any) -> torch.Tensor:
    if isinstance(batch, torch.Tensor):
        return as_float(batch.detach())
    return torch.as_tensor(np.asarray(batch), dtype=torch.float32)


class Normalization(Layer):
    """Normalizes features to zero mean and unit variance: ``(x - mean) / sqrt(variance)``.

    The statistics are given (``mean``, ``variance``) or computed from data by ``adapt(data)``,
    one per index of the kept ``axis`` and reduced over the others. Adapted statistics are
    non-trainable weights (``mean``, ``variance`` and Keras's unused ``count``), so they are
    saved with the model, move with ``.to()`` and appear in ``get_weights()``. The divisor is
    ``max(sqrt(variance), epsilon)`` with ``config.epsilon()`` (1e-7), as in Keras.

    Differences from Keras: after ``adapt``, ``layer.mean`` and ``layer.variance`` are the
    weights, shaped like the kept axes (Keras reshapes them to the input's broadcast shape).

    Args:
        axis: int, tuple of ints or None: the axes that keep their own statistics (default -1,
            the features); None normalizes everything by one scalar mean and variance.
        mean: optional mean, broadcast to the kept axes; must come with ``variance``.
        variance: optional variance, broadcast to the kept axes; must come with ``mean``.
        invert: if True, undo the normalization: ``mean + x * sqrt(variance)``.

    Example:
        >>> import numpy as np, tkeras
        >>> layer = tkeras.layers.Normalization(axis=None)
        >>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))
        >>> layer(np.array([1.0, 2.0, 3.0], dtype="float32"))
        tensor([-1.4142, -0.7071,  0.0000])
    """

    def __init__(
        self,
        axis: Any = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif _is_int(axis):
            axis = (int(axis),)
        elif isinstance(axis, (tuple, list)) and all(_is_int(a) for a in axis):
            axis = tuple(int(a) for a in axis)
        else:
            raise ValueError(
                f"Normalization {self.name!r}: the `axis` argument must be an int, a tuple of "
                f"ints or None. Received: axis={axis!r}"
            )
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(
                f"Normalization {self.name!r}: when setting values directly, both `mean` and "
                f"`variance` must be set. Received: mean={mean!r} and variance={variance!r}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    f"Normalization {self.name!r}: `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"Normalization {self.name!r}: the rank of `mean` must be less than or "
                    f"equal to the number of axes ({len(self.axis)}). Received: mean shape "
                    f"{np.shape(mean)} for axis={self.axis}"
                )

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Normalization {self.name!r}: all `axis` values must be in the range "
                f"[-ndim, ndim). Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        for d in keep:
            if input_shape[d] is None:
                raise ValueError(
                    f"Normalization {self.name!r}: all `axis` values to be kept must have a "
                    f"known shape. Received axis={self.axis}, inputs.shape={tuple(input_shape)}, "
                    f"with unknown axis at index {d}"
                )
        self._build_input_shape = tuple(input_shape)
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            # Registered under Keras's variable names (the state_dict keys mean, variance, count).
            self.add_weight(
                shape=self._mean_and_var_shape, initializer="zeros", trainable=False, name="mean"
            )
            self.add_weight(
                shape=self._mean_and_var_shape,
                initializer="ones",
                trainable=False,
                name="variance",
            )
            self.add_weight(
                shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
            )
            return
        mean, variance = (
            self._broadcast(value) for value in (self.input_mean, self.input_variance)
        )
        # Buffers (not weights, as in Keras): they follow the layer across devices.
        self.register_buffer("mean", mean, persistent=False)
        self.register_buffer("variance", variance, persistent=False)

    def _broadcast(self, value: Any) -> torch.Tensor:
        """A given mean or variance laid along the trailing kept axes, as Keras lays it."""
        t = torch.as_tensor(np.asarray(value, dtype="float32"))
        if t.dim() > 0:
            shape = [1] * len(self._broadcast_shape)
            for i in range(1, t.dim() + 1):
                shape[self._keep_axis[-i]] = t.shape[-i]
            t = t.reshape(shape)
        try:
            return torch.broadcast_to(t, self._broadcast_shape).contiguous()
        except RuntimeError:
            raise ValueError(
                f"Normalization {self.name!r}: `mean` and `variance` of shape "
                f"{tuple(np.shape(value))} cannot be broadcast to the kept axes of the input, "
                f"{self._mean_and_var_shape} (axis={self.axis})."
            ) from None

    @property
    def adapt_mean(self) -> torch.Tensor:
        """The adapted mean weight (Keras's attribute name)."""
        return self.mean

    @property
    def adapt_variance(self) -> torch.Tensor:
        """The adapted variance weight (Keras's attribute name)."""
        return self.variance

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = as_float(inputs)
        mean = self.mean.view(self._broadcast_shape)
        variance = self.variance.view(self._broadcast_shape)
        std = torch.sqrt(variance).clamp_min(config.epsilon())
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    # ------------------------------------------------------------------ adapt

    def adapt(self, data: Any) -> None:
        """Compute the mean and variance of ``data`` and store them in the layer's weights.

        Args:
            data: a numpy array, a tensor, or an iterable of batches (a list of arrays, a
                generator, a ``DataLoader``, a ``PyDataset``); a batch may be an ``(x, y)``
                tuple, whose ``x`` is used. Batches are combined exactly (Chan's parallel
                formula, as Keras combines them).
        """
        batches = None
        if isinstance(data, (np.ndarray, torch.Tensor)):
            input_shape = tuple(data.shape)
        elif hasattr(data, "__iter__") or hasattr(data, "__getitem__"):
            iterator = (
                iter(data) if hasattr(data, "__iter__") else (data[i] for i in range(len(data)))
            )
            first = next(iterator, None)
            if first is None:
                raise ValueError(
                    f"Normalization {self.name!r}: adapt() received an empty iterable (no "
                    "batches). Expected at least one batch, e.g. layer.adapt([x])."
                )
            first = _first(first)
            if getattr(first, "shape", None) is None:
                raise TypeError(
                    f"Normalization {self.name!r}: adapt() expects an iterable of arrays or "
                    f"tensors with a `.shape`. Got an element of type {type(first).__name__}."
                )
            input_shape = tuple(first.shape)
            batches = itertools.chain([first], iterator)
        else:
            raise TypeError(
                f"Normalization {self.name!r}: adapt() got unsupported data of type "
                f"{type(data).__name__}. Expected a numpy array, a tensor or an iterable of "
                "batches."
            )
        if self.built and self.input_mean is not None:
            raise ValueError(
                f"Normalization {self.name!r}: adapt() cannot change a layer created with "
                "`mean` and `variance`; create it without them to learn the statistics."
            )
        if not self.built:
            self.build_from_shape(input_shape)
        else:
            self._check_adapt_shape(input_shape, "adapt() is being called with data")
        if batches is None:
            mean, var = self._moments(data)
        else:
            mean, var = self._combined_moments(batches)
        self.mean.assign(mean)
        self.variance.assign(var)

    def _check_adapt_shape(self, shape: tuple, what: str) -> None:
        if len(shape) != len(self._build_input_shape) or any(
            shape[d] != self._build_input_shape[d] for d in self._keep_axis
        ):
            raise ValueError(
                f"Normalization {self.name!r}: the layer was built with input_shape="
                f"{self._build_input_shape}, but {what} of an incompatible shape, "
                f"data.shape={shape}"
            )

    def _moments(self, data: Any) -> tuple[Any, Any]:
        axes = self._reduce_axis
        if isinstance(data, np.ndarray):  # Keras reduces numpy data with numpy
            return np.mean(data, axis=axes), np.var(data, axis=axes)
        x = as_float(data.detach()) if not data.is_floating_point() else data.detach()
        if not axes:
            return x, torch.zeros_like(x)
        return x.mean(dim=axes), x.var(dim=axes, correction=0)

    def _combined_moments(self, batches: Any) -> tuple[torch.Tensor, torch.Tensor]:
        axes = self._reduce_axis
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            x = _as_float_tensor(_first(batch))
            self._check_adapt_shape(tuple(x.shape), "adapt() yielded a batch")
            if axes:
                batch_mean, batch_var = x.mean(dim=axes), x.var(dim=axes, correction=0)
            else:
                batch_mean, batch_var = x, torch.zeros_like(x)
            if total_mean is None:
                total_mean = torch.zeros_like(batch_mean)
                total_var = torch.zeros_like(batch_var)
            batch_count = math.prod(x.shape[d] for d in axes)
            total_count += batch_count
            batch_weight = float(batch_count) / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = (total_var + (total_mean - new_mean) ** 2) * existing_weight + (
                batch_var + (batch_mean - new_mean) ** 2
            ) * batch_weight
            total_mean = new_mean
        return total_mean, total_var
