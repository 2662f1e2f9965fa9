"""TimeDistributed: apply a layer to every timestep of a (batch, time, ...) input."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer, resolve_training
from tkeras.layers.normalization.batch_normalization import BatchNormalization
from tkeras.layers.rnn import _nest


class TimeDistributed(Layer):
    """Apply the same layer (same weights) to every temporal slice of an input.

    The time axis (axis 1) is folded into the batch, the wrapped layer runs once on
    ``(batch * time, ...)``, and the result is unfolded to ``(batch, time, ...)``: one kernel
    launch instead of one per timestep, with the numbers of Keras's per-step loop. A mask
    ``(batch, time, ...)`` is folded the same way for a layer whose call takes one, and passes
    through to the output.

    Args:
        layer: the ``keras.layers.Layer`` to apply (e.g. ``Dense``, ``Conv2D``).

    Call arguments: ``inputs`` (batch, time, ...); ``training``; ``mask`` a (batch, time, ...)
    tensor.

    Example:
        >>> import torch, tkeras
        >>> conv = tkeras.layers.Conv2D(8, 3)
        >>> tkeras.layers.TimeDistributed(conv)(torch.ones(2, 5, 16, 16, 3)).shape
        torch.Size([2, 5, 14, 14, 8])

    Differences from Keras: a BatchNormalization in training is still run step by step (its
    batch statistics are per timestep, as in Keras); other layers see the whole folded batch at
    once, so a layer whose output depends on the batch as a whole would differ.
    """

    def __init__(self, layer: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(
                f"TimeDistributed {self.name!r}: `layer` must be a keras.layers.Layer "
                f"instance. Received: layer={layer!r}"
            )
        self.layer = layer
        # Batch statistics are per timestep in Keras's loop: folding would pool them.
        self._per_step_training = isinstance(layer, BatchNormalization)
        self.input_spec = InputSpec(min_ndim=3)

    def _input_hint(self) -> str:
        return (
            "TimeDistributed applies its layer to every timestep of a (batch, time, ...) input; "
            "add a time axis, e.g. x[:, None]."
        )

    def _child_shape(self, input_shape: Any) -> tuple:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed {self.name!r}: the input must have at least 3 dimensions "
                f"(batch, time, ...). Received: input_shape={input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape: Any) -> None:
        child_shape = self._child_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build_from_shape(child_shape)
            _nest.nest_paths(self, self.layer)

    def call(
        self, inputs: torch.Tensor, training: bool | None = None, mask: Any = None
    ) -> torch.Tensor:
        layer = self.layer
        batch, steps = inputs.shape[0], inputs.shape[1]
        kwargs = {}
        if training is not None and layer._call_has_training:
            kwargs["training"] = training
        if mask is not None:
            mask = self._check_mask(mask, inputs)
            if layer._call_has_mask:
                kwargs["mask"] = mask.reshape(batch * steps, *mask.shape[2:])
        if self._per_step_training and layer.trainable and resolve_training(self, training):
            return self._call_per_step(inputs, kwargs)
        y = layer(inputs.reshape(batch * steps, *inputs.shape[2:]), **kwargs)
        return y.reshape(batch, steps, *y.shape[1:])

    def _call_per_step(self, inputs: torch.Tensor, kwargs: dict) -> torch.Tensor:
        batch, steps = inputs.shape[0], inputs.shape[1]
        folded_mask = kwargs.pop("mask", None)
        masks = (
            folded_mask.reshape(batch, steps, *folded_mask.shape[1:]).unbind(1)
            if folded_mask is not None
            else (None,) * steps
        )
        outputs = []
        for x_t, m_t in zip(inputs.unbind(1), masks):
            step_kwargs = kwargs if m_t is None else {**kwargs, "mask": m_t}
            outputs.append(self.layer(x_t, **step_kwargs))
        return torch.stack(outputs, dim=1)

    def _check_mask(self, mask: Any, inputs: torch.Tensor) -> torch.Tensor:
        mask = torch.as_tensor(mask, device=inputs.device)
        if mask.dim() < 2:
            raise ValueError(
                f"TimeDistributed {self.name!r}: the `mask` must be at least 2D (e.g. "
                f"`(batch_size, timesteps)`), but it has {mask.dim()} dimension(s) with shape "
                f"{tuple(mask.shape)}."
            )
        if tuple(mask.shape[:2]) != tuple(inputs.shape[:2]):
            raise ValueError(
                f"TimeDistributed {self.name!r}: the `mask` shape {tuple(mask.shape)} is "
                f"incompatible with the input shape {tuple(inputs.shape)}. The first two "
                "dimensions of the mask (batch size and timesteps) must match the input's. "
                f"Expected mask shape prefix: {tuple(inputs.shape[:2])}."
            )
        return mask

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        child = self.layer.compute_output_shape(self._child_shape(input_shape))
        return (child[0], input_shape[1], *child[1:])

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask
