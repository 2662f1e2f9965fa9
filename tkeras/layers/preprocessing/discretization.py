"""Discretization: bucket continuous values by boundaries (given, or learned by ``adapt``)."""

from __future__ import annotations

import numpy as np
import torch

from tkeras import config
from tkeras.backend.convert import convert_to_tensor
from tkeras.layers.layer import Layer, _is_symbolic
from tkeras.layers.preprocessing.categorical import encode_categorical


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Keras's approximate quantile summary of one batch: (boundaries, weights)."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(np.size(values) / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1) :: int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def compress_summary(summary: np.ndarray, epsilon: float) -> np.ndarray:
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_percents, summary[0])
    cum_weights = np.interp(percents, cum_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")


def merge_summaries(prev: np.ndarray, nxt: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((prev, nxt), axis=1)
    return compress_summary(np.take(merged, np.argsort(merged[0]), axis=1), epsilon)


class Discretization(Layer):
    """Bucket continuous features into integer bins (``x`` in ``[b[i-1], b[i])`` is bin i).

    Args:
        bin_boundaries: sorted list of boundaries (``len + 1`` bins).
        num_bins: learn ``num_bins - 1`` boundaries with ``adapt`` (approximate quantiles,
            Keras's algorithm).
        epsilon: the quantile summary's error tolerance.
        output_mode: ``"int"`` (int32 bin ids), ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
        sparse: must be False.

    Example:
        >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
        >>> layer([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]).tolist()
        [[0, 2, 3, 1], [1, 3, 2, 1]]
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
    ):
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` cannot be used with backend torch")
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                f"Unknown value for `output_mode` of Discretization: {output_mode!r}. "
                "Expected one of ('int', 'one_hot', 'multi_hot', 'count')."
            )
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries, self.num_bins = bin_boundaries, num_bins
        self.epsilon, self.output_mode, self.sparse = epsilon, output_mode, sparse
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")
        self.built = True

    def adapt(self, data, steps=None):
        """Learn ``num_bins - 1`` boundaries from arrays or an iterable of batches."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        summary = np.array([[], []], dtype="float32")
        if isinstance(data, (np.ndarray, torch.Tensor)) or not hasattr(data, "__iter__"):
            batches = [data]
        else:
            batches = (b for i, b in enumerate(data) if steps is None or i < steps)
        for batch in batches:
            if isinstance(batch, torch.Tensor):
                batch = batch.detach().cpu().numpy()
            values = np.array(batch).astype("float32")
            summary = merge_summaries(summarize(values, self.epsilon), summary, self.epsilon)
        self.summary = summary
        self.bin_boundaries = compress_summary(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, torch.Tensor) and not _is_symbolic(inputs):
            inputs = convert_to_tensor(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time "
                "or call `adapt(dataset)` before you can start using the `Discretization` layer."
            )
        if not inputs.is_floating_point():
            inputs = inputs.to(config.floatx_torch())  # Keras's input_dtype is floatx
        boundaries = torch.as_tensor(self.bin_boundaries, dtype=inputs.dtype, device=inputs.device)
        indices = torch.bucketize(inputs, boundaries, right=True)
        dtype = torch.int32 if self.output_mode == "int" else config.floatx_torch()
        return encode_categorical(indices, self.output_mode, len(self.bin_boundaries) + 1, dtype)

    def _symbolic_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else config.floatx()

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def get_config(self):
        # Keras's keys exactly (no `trainable`: Keras's __init__ does not take it).
        base = super().get_config()
        return {
            "name": base["name"],
            "dtype": base["dtype"],
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)
