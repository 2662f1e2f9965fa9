"""The private base of the preprocessing layers that run on the host (Python strings and
numpy): TextVectorization, StringLookup, IntegerLookup, Hashing and HashedCrossing.

Called on data they compute eagerly with numpy; called on ``KerasTensor``s (a
``keras.Input(dtype="string")``) they record a graph node like any layer, so they can start a
functional model. Text travels as numpy arrays of ``str`` (torch has no string dtype); their
tensor outputs follow a tensor input's device (a functional model moves outputs computed from
text to its weights' device).
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import Layer, _is_symbolic


def tensorflow_only(layer: str, argument: str) -> ValueError:
    """Keras's error for ``sparse=True`` / ``ragged=True`` off the TensorFlow backend."""
    kind = {"sparse": "sparse", "ragged": "ragged"}[argument]
    return ValueError(
        f"{layer}: `{argument}=True` can only be used with the TensorFlow backend. Received: "
        f"{argument}=True. torch has no {kind} tensors (Keras on torch raises the same); leave "
        f"`{argument}=False` to get dense tensors."
    )


def _device_of(inputs: Any) -> torch.device | None:
    if isinstance(inputs, torch.Tensor):
        return inputs.device
    if isinstance(inputs, (list, tuple)):
        for x in inputs:
            if isinstance(x, torch.Tensor):
                return x.device
    return None


class HostLayer(Layer):
    """A layer computed with numpy on the host; private base, never instantiated."""

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if _is_symbolic(inputs):
            from tkeras.models.symbolic import symbolic_call

            return symbolic_call(self, (inputs, *args), kwargs)
        if "training" in kwargs and not self._call_has_training:
            kwargs.pop("training")  # Keras drops what call() does not take
        if "mask" in kwargs and not self._call_has_mask:
            kwargs.pop("mask")
        out = self.call(inputs, *args, **kwargs)
        device = _device_of(inputs)
        if device is not None and isinstance(out, torch.Tensor) and out.device != device:
            out = out.to(device)
        return out

    def _symbolic_dtype(self) -> str:
        """The dtype of the layer's output KerasTensor."""
        raise NotImplementedError
