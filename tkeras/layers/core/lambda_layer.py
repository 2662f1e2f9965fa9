"""Lambda: wraps a Python function of tensors as a layer."""

from __future__ import annotations

import inspect
from typing import Any

from tkeras.layers.layer import Layer, resolve_training
from tkeras.models.shape_inference import infer_output_shape
from tkeras.models.symbolic import is_shape, map_shapes


def _positional_names(function: Any) -> list[str]:
    # Keras passes `mask` and `training` only to functions naming them as ordinary (not
    # keyword-only) parameters.
    try:
        return inspect.getfullargspec(function).args
    except TypeError:  # builtins such as torch.relu have no inspectable signature
        return []


def _first_dim(shape: Any) -> Any:
    while isinstance(shape, (list, tuple, dict)) and not is_shape(shape):
        shape = next(iter(shape.values())) if isinstance(shape, dict) else shape[0]
    return shape[0] if shape else None


class Lambda(Layer):
    """Wraps an arbitrary function of tensors as a layer, e.g. ``Lambda(lambda x: x ** 2)``.

    The function gets the layer's input as its first argument, then ``arguments`` as keyword
    arguments, and ``mask`` / ``training`` when it names them. It runs on torch tensors, so it
    may use any torch or ``tkeras.ops`` function. For anything with weights, subclass ``Layer``.

    Args:
        function: the callable to run on the input.
        output_shape: the output shape, when it cannot be inferred: a tuple without the batch
            axis (the input's batch size is put in front), a nest of such tuples for several
            outputs, or a callable from the full input shape to the full output shape. None:
            inferred by running the function on meta tensors (or small CPU ones).
        mask: None (no mask goes downstream), a callable ``mask(inputs, previous_mask)``
            giving the output mask, or a fixed mask returned whatever the input.
        arguments: optional dict of keyword arguments for ``function``.

    ``get_config()`` holds the function objects themselves. Writing a Lambda to a ``.keras``
    file, and reading it back (which, as in Keras, needs ``safe_mode=False`` because it runs
    stored code), lands with the saving issue.

    Differences from Keras:
        A function that names ``training`` receives the resolved flag, True or False (tkeras's
        rule: None means the layer's mode); Keras passes None outside ``fit``/``predict``.
        Callables without an inspectable signature (torch builtins such as ``torch.relu``) are
        accepted; Keras's constructor raises TypeError on them.

    Example:
        >>> import torch, tkeras
        >>> scale = tkeras.layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0})
        >>> scale(torch.ones(1, 2)).tolist()
        [[3.0, 3.0]]
    """

    # get_config holds the function objects; files get saving/graph_config.lambda_config.
    _keras_config = False

    def __init__(
        self,
        function: Any,
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                f"Lambda {self.name!r}: the `function` argument must be callable. "
                f"Received: function={function!r}"
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(
                f"Lambda {self.name!r}: the `arguments` argument must be a dict of keyword "
                f"arguments for the function, or None. Received: arguments={arguments!r}"
            )
        if not (output_shape is None or callable(output_shape) or _is_shape_nest(output_shape)):
            raise ValueError(
                f"Lambda {self.name!r}: the `output_shape` argument must be a tuple of ints or "
                "None (without the batch axis), a nest of such tuples, a callable of the input "
                f"shape, or None. Received: output_shape={output_shape!r}"
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self.built = True
        # Not _output_shape: the Layer base caches its output shape under that name.
        self._shape_spec = output_shape
        names = _positional_names(function)
        self._pass_mask = "mask" in names
        self._pass_training = "training" in names

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        if not (self._pass_mask or self._pass_training):
            return self.function(inputs, **self.arguments)
        kwargs = dict(self.arguments)
        if self._pass_mask:
            kwargs["mask"] = mask
        if self._pass_training:
            kwargs["training"] = resolve_training(self, training)
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        spec = self._shape_spec
        if spec is None:
            try:
                return infer_output_shape(self, input_shape)
            except Exception as error:
                raise NotImplementedError(
                    f"Lambda {self.name!r}: could not infer the output shape of the function "
                    f"for input_shape={input_shape!r} ({type(error).__name__}: {error}). Pass "
                    "`output_shape` to the Lambda layer."
                ) from error
        if callable(spec):
            return spec(input_shape)
        batch = _first_dim(input_shape)
        return map_shapes(lambda shape: (batch, *shape), spec)


def _is_shape_nest(value: Any) -> bool:
    if is_shape(value):
        return True
    if isinstance(value, dict):
        return bool(value) and all(_is_shape_nest(v) for v in value.values())
    return isinstance(value, (list, tuple)) and bool(value) and all(map(_is_shape_nest, value))
