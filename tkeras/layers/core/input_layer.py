"""``Input`` and ``InputLayer``: the entry points of Sequential and functional models."""

from __future__ import annotations

from typing import Any

from tkeras.layers.layer import Layer, not_implemented
from tkeras.models.symbolic import KerasTensor, Node


class InputLayer(Layer):
    """The layer behind ``tkeras.Input``: it holds a shape and returns its input unchanged.

    Args:
        shape: the shape without the batch axis, e.g. ``(28, 28, 1)``.
        batch_size: optional fixed batch size.
        dtype: the input dtype (default floatx).
        batch_shape: the full shape including the batch axis (instead of shape/batch_size).
        name: the layer name.
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        ragged: bool | None = None,
        batch_shape: Any = None,
        input_tensor: Any = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        not_implemented(type(self).__name__, input_tensor=input_tensor)
        for arg, value in (("sparse", sparse), ("ragged", ragged)):
            if value:  # Keras's error on its torch backend
                raise ValueError(
                    f"`{arg}=True` is not supported with the torch backend. Input received "
                    f"{arg}={value}; torch has no {arg} tensors, leave it False."
                )
        if optional:
            raise NotImplementedError("Input: `optional=True` is not supported by tkeras.")
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument to Input.")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *tuple(shape))
        batch_shape = tuple(batch_shape)
        for d in batch_shape:
            if d is not None and (not isinstance(d, int) or d < 0):
                raise ValueError(
                    f"Input: every dimension must be a non-negative int or None. "
                    f"Received: shape={batch_shape}"
                )
        self.batch_shape = batch_shape
        self.input_dtype = str(dtype).replace("torch.", "") if dtype is not None else "float32"
        self.built = True
        self._build_shape = batch_shape
        tensor = KerasTensor(batch_shape, self.input_dtype, name=self.name)
        tensor.node = Node(self, (), {}, tensor, is_input=True)

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    # Keras's InputLayer config writes the dtype as a plain string.
    _dtype_is_policy = False

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_shape": self.batch_shape,
            "dtype": self.input_dtype,
            "sparse": False,
            "ragged": False,
            "name": self.name,
            "optional": False,
        }


def Input(
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    ragged: bool | None = None,
    batch_shape: Any = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> KerasTensor:
    """A symbolic input of ``shape`` (without the batch axis) to start a model.

    Example:
        >>> import tkeras
        >>> tkeras.Input(shape=(28, 28, 1)).shape
        (None, 28, 28, 1)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        input_tensor=tensor,
        optional=optional,
        name=name,
    )
    return layer.output
