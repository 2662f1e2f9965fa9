"""The Layer base: a torch.nn.Module with Keras's lazy build, names, weights and config."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from tkeras import config as _config
from tkeras import constraints, initializers, regularizers
from tkeras.backend.layout import IDENTITY, Layout
from tkeras.backend.variable import Variable
from tkeras.layers.input_spec import ANY_RANK, InputSpec
from tkeras.models.symbolic import KerasTensor
from tkeras.regularizers.regularizers import weight_penalty
from tkeras.utils.naming import auto_name

# The training flag given explicitly to an enclosing layer call, passed down to sublayers whose
# own call gets training=None (Keras's call context). None: each layer follows its own mode.
_TRAINING_CONTEXT: list[bool | None] = [None]

_FLOAT_NAMES = ("float16", "bfloat16", "float32", "float64")

# Set once any layer calls add_loss or gets a weight regularizer, so models skip collecting and
# clearing losses until then.
_LOSSES_USED = [False]
# Set once a mask-creating layer (Embedding(mask_zero=True), Masking) exists: eager calls then
# attach and read masks on tensors (``_keras_mask``), as Keras does.
_EAGER_MASKS = [False]


def _attach_masks(outputs: Any, masks: Any) -> None:
    if masks is None:
        return
    if isinstance(outputs, (list, tuple)):
        if not isinstance(masks, (list, tuple)):
            masks = [masks] + [None] * (len(outputs) - 1)
        for out, mask in zip(outputs, masks):
            _attach_masks(out, mask)
    elif isinstance(outputs, torch.Tensor) and isinstance(masks, torch.Tensor):
        outputs._keras_mask = masks


def resolve_training(module: nn.Module, training: bool | None) -> bool:
    """Keras's training flag: the explicit value, else the enclosing call's, else the mode."""
    if training is None:
        training = _TRAINING_CONTEXT[0]
        if training is None:
            return module.training
    return bool(training)


def not_implemented(layer_name: str, **arguments: Any) -> None:
    """Raise NotImplementedError for any argument given a non-default (non-None) value."""
    for arg, value in arguments.items():
        if value is not None:
            raise NotImplementedError(
                f"{layer_name}: the argument `{arg}` is not supported yet "
                f"(received {arg}={value!r}). Leave it at its default (None); quantization "
                "and LoRA are not planned."
            )


def _is_symbolic(x: Any) -> bool:
    cls = x.__class__
    if cls is KerasTensor:
        return True
    if cls is list or cls is tuple:
        for e in x:
            c = e.__class__
            if c is KerasTensor or ((c is list or c is tuple or c is dict) and _is_symbolic(e)):
                return True
        return False
    if cls is dict:
        return _is_symbolic(list(x.values()))
    return isinstance(x, KerasTensor)


def _shape_of(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_shape_of(e) for e in x]
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    return tuple(x.shape)


def add_activity_loss(layer: Layer, regularizer: Any, output: torch.Tensor) -> None:
    """Add Keras's activity penalty of one output to ``layer``: ``regularizer(output)`` divided
    by the batch size (an empty batch adds 0, not NaN). Meta tensors (shape inference) add
    nothing."""
    if output.device.type == "meta":
        return
    loss = regularizer(output)
    if output.dim() > 0:
        batch = output.shape[0]
        loss = loss / batch if batch else loss * 0.0
    layer.add_loss(loss)


def _flat_tensors(x: Any) -> list[torch.Tensor]:
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, (list, tuple)):
        return [t for e in x for t in _flat_tensors(e)]
    return []


def _first_tensor(x: Any) -> Any:
    while isinstance(x, (list, tuple)) and x:
        x = x[0]
    return x


class Layer(nn.Module):
    """The base class of every tkeras layer: a ``torch.nn.Module`` with Keras's layer API.

    Subclasses implement ``build(input_shape)`` (create weights with ``add_weight``) and
    ``call(inputs, training=None)``; ``call`` *is* the module's ``forward``. The layer builds on
    its first call (or an explicit ``build``), starts in eval mode, and ``training=None`` means
    the module's mode, so ``layer(x)`` is inference as in Keras.

    Args:
        activity_regularizer: a regularizer (name, config, instance or function) applied to
            each output tensor after every call: ``reg(output) / batch_size`` is added to
            ``losses``, as in Keras. Settable later as ``layer.activity_regularizer``.
        trainable: whether the layer's weights are updated by training.
        dtype: the layer's dtype; only floatx (float32) is supported.
        autocast: cast floating inputs of another dtype to the layer's dtype.
        name: the layer name; by default a unique snake_case name from the class.

    Example:
        >>> import torch, tkeras
        >>> class Scale(tkeras.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        ...     def call(self, x):
        ...         return x * self.w
        >>> Scale()(torch.ones(2, 3)).shape
        torch.Size([2, 3])
    """

    # The input spec set at construction; build() may refine it (channel counts).
    _ranks: range = ANY_RANK
    _call_has_training = False
    _call_has_mask = False
    # True for layers that make a mask from their input (Embedding(mask_zero=True), Masking):
    # models then run their mask-passing path.
    _creates_mask = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "call" in cls.__dict__:
            cls.forward = cls.call
            params = inspect.signature(cls.call).parameters
            cls._call_has_training = "training" in params
            cls._call_has_mask = "mask" in params
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_records_config", False):
            cls.__init__ = _recording_init(init)

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        if input_dim is not None:
            input_shape = (input_dim,)
        batch_size = kwargs.pop("batch_size", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], tuple(batch_input_shape[1:])
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if not isinstance(trainable, bool):
            raise ValueError(
                f"Expected `trainable` to be a boolean. Received: trainable={trainable!r}"
            )
        if dtype is not None:
            dtype_name = getattr(dtype, "name", None) or str(dtype).replace("torch.", "")
            if dtype_name != _config.floatx():
                raise NotImplementedError(
                    f"{type(self).__name__}: dtype={dtype!r} is not supported yet; layers run in "
                    f"floatx ({_config.floatx()!r}). Mixed precision policies land with their own "
                    "issue."
                )
        self.name = name if name is not None else auto_name(type(self).__name__)
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"A layer name must be a non-empty string. Received: name={name!r}")
        self.built = False
        self.autocast = autocast
        self._trainable = trainable
        self._own_trainable: list[Variable] = []
        self._own_non_trainable: list[Variable] = []
        self._input_spec: InputSpec | None = None
        self._batch_input_shape = (
            (batch_size, *tuple(input_shape)) if input_shape is not None else None
        )
        self._build_shape: Any = None
        self._output_shape: Any = None
        self._supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._inbound_nodes: list[Any] = []
        self._losses: list[torch.Tensor] = []
        self._activity_regularizer: Any = None
        if activity_regularizer is not None:
            self.activity_regularizer = activity_regularizer
        self.training = False  # Keras layers start in inference mode.

    # ------------------------------------------------------------------ calling

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        if not self.built or _is_symbolic(inputs):
            return self._first_or_symbolic_call(args, kwargs)
        if inputs.__class__ is torch.Tensor or isinstance(inputs, torch.Tensor):
            if inputs.dim() not in self._ranks:
                self._check_input(inputs)
        elif not isinstance(inputs, (list, tuple, dict)):
            return self(_as_tensor(inputs), *args[1:], **kwargs)
        if _EAGER_MASKS[0]:
            return self._call_with_eager_mask(inputs, args, kwargs)
        if kwargs:
            return self._call_with_context(args, kwargs)
        try:
            return self._call_impl(*args)
        except (RuntimeError, TypeError, IndexError) as error:
            return self._recover(error, args, kwargs)

    def _call_with_eager_mask(self, inputs: Any, args: tuple, kwargs: dict) -> Any:
        # Keras attaches masks to eager tensors, so a subclassed model's LSTM sees the mask its
        # Embedding(mask_zero=True) made. Only programs that create masks take this path.
        in_mask = getattr(inputs, "_keras_mask", None) if isinstance(inputs, torch.Tensor) else None
        if in_mask is not None and self._call_has_mask and kwargs.get("mask") is None:
            kwargs = {**kwargs, "mask": in_mask}
        if kwargs:
            out = self._call_with_context(args, kwargs)
        else:
            try:
                out = self._call_impl(*args)
            except (RuntimeError, TypeError, IndexError) as error:
                out = self._recover(error, args, kwargs)
        mask = kwargs.get("mask", in_mask)
        if self._supports_masking and (self._creates_mask or mask is not None):
            if isinstance(inputs, torch.Tensor):
                _attach_masks(out, self.compute_mask(inputs, mask))
        return out

    def _call_with_context(self, args: tuple, kwargs: dict) -> Any:
        training = kwargs.get("training")
        if "training" in kwargs and not self._call_has_training:
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        if "mask" in kwargs and not self._call_has_mask:
            kwargs = {k: v for k, v in kwargs.items() if k != "mask"}
        previous = _TRAINING_CONTEXT[0]
        if training is not None:
            _TRAINING_CONTEXT[0] = bool(training)
        try:
            return self._call_impl(*args, **kwargs)
        except (RuntimeError, TypeError, IndexError) as error:
            return self._recover(error, args, kwargs)
        finally:
            _TRAINING_CONTEXT[0] = previous

    def _recover(self, error: Exception, args: tuple, kwargs: dict) -> Any:
        """Turn a torch error into a Keras-style one, or autocast floating inputs and retry."""
        inputs = args[0] if args else next(iter(kwargs.values()))
        if isinstance(inputs, torch.Tensor):
            self._check_input(inputs)
            want = self.compute_dtype_torch
            if self.autocast and inputs.is_floating_point() and inputs.dtype != want:
                return self._call_impl(inputs.to(want), *args[1:], **kwargs)
        raise error

    def _check_input(self, inputs: Any) -> None:
        spec = self._input_spec
        if spec is not None:
            spec.check(self.name, tuple(inputs.shape), hint=self._input_hint())

    def _input_hint(self) -> str:
        return ""

    def _first_or_symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        inputs = args[0] if args else next(iter(kwargs.values()), None)
        if _is_symbolic(inputs):
            from tkeras.models.symbolic import symbolic_call

            return symbolic_call(self, args, kwargs)
        if isinstance(inputs, np.ndarray) or not isinstance(
            inputs, (torch.Tensor, list, tuple, dict)
        ):
            inputs = _as_tensor(inputs)
            args = (inputs, *args[1:]) if args else args
        shape = _shape_of(inputs)
        self.build_from_shape(shape)
        device = (
            _first_tensor(inputs).device
            if isinstance(_first_tensor(inputs), torch.Tensor)
            else None
        )
        # A meta input (shape inference of an enclosing layer) never moves weights to meta.
        if device is not None and device.type not in ("cpu", "meta"):
            self.to(device)
        return self(*args, **kwargs)

    def build_from_shape(self, input_shape: Any) -> None:
        """Check the input spec, run ``build`` once and record the build shape."""
        if self.built:
            return
        if self._input_spec is not None and not isinstance(input_shape, list):
            self._input_spec.check(self.name, input_shape, hint=self._input_hint())
        # Weights made under torch.inference_mode() could never train: build outside it.
        with torch.inference_mode(False):
            self.build(input_shape)
        self.built = True
        self._build_shape = input_shape
        if self._input_spec is not None:
            self._ranks = self._input_spec.ranks()

    def build(self, input_shape: Any) -> None:
        """Create the layer's weights for ``input_shape`` (override in subclasses)."""
        self.built = True

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement call().")

    forward = call

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for ``input_shape``; by default found by a meta-device run."""
        from tkeras.models.symbolic import infer_output_shape

        return infer_output_shape(self, input_shape)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask of this layer's output: by default the input mask, passed through."""
        return mask

    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes (or makes) a mask; a layer that does not drops it."""
        return self._supports_masking

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self._supports_masking = bool(value)

    @property
    def input_spec(self) -> InputSpec | None:
        return self._input_spec

    @input_spec.setter
    def input_spec(self, spec: InputSpec | None) -> None:
        self._input_spec = spec
        self._ranks = spec.ranks() if spec is not None else ANY_RANK

    # ------------------------------------------------------------------ weights

    def add_weight(
        self,
        shape: Sequence[int] | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
        *,
        layout: Layout = IDENTITY,
    ) -> Variable:
        """Create a weight of Keras shape ``shape``, initialized as Keras initializes it.

        ``regularizer`` adds ``regularizer(weight)`` (Keras's layout) to ``losses`` while the
        weight is trainable; ``constraint`` projects the weight after each optimizer update.
        ``layout`` (tkeras only) converts the Keras-layout value to the torch layout it is
        stored in; custom layers leave it as the identity.
        """
        regularizer = regularizers.get(regularizer)
        constraint = constraints.get(constraint)
        shape = tuple(int(d) for d in (shape or ()))
        if any(d < 0 for d in shape):
            raise ValueError(f"Layer {self.name!r}: add_weight got a negative shape {shape}.")
        dtype = torch.float32 if dtype is None else _torch_dtype(dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating_point else "zeros"
        init = initializers.get(initializer)
        value = torch.as_tensor(init(shape, dtype=dtype)).to(dtype).reshape(shape)
        name = name or "variable"
        key = name
        i = 1
        while key in self._parameters or key in self._modules or key in self.__dict__:
            key, i = f"{name}_{i}", i + 1
        var = Variable(
            layout.from_keras(value).contiguous(),
            trainable=trainable,
            name=name,
            layout=layout,
            path=f"{self.name}/{name}",
        )
        if regularizer is not None:
            var.regularizer = regularizer
            _LOSSES_USED[0] = True
        if constraint is not None:
            var.constraint = constraint
        self.register_parameter(key, var)
        (self._own_trainable if trainable else self._own_non_trainable).append(var)
        return var

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Variable):
            params = self.__dict__.get("_parameters")
            if params is not None:
                for key, existing in list(params.items()):
                    if existing is value and key != name:
                        del params[key]
        super().__setattr__(name, value)

    def _sublayers(self) -> list[Layer]:
        found = []
        for child in self.children():
            if isinstance(child, Layer):
                found.append(child)
            else:
                found.extend(c for c in child.children() if isinstance(c, Layer))
        return found

    @property
    def weights(self) -> list[Variable]:
        """Every weight in Keras's order: own trainable, own non-trainable, then sublayers'."""
        out, seen = [], set()
        for var in [*self._own_trainable, *self._own_non_trainable]:
            if id(var) not in seen:
                seen.add(id(var))
                out.append(var)
        for layer in self._sublayers():
            for var in layer.weights:
                if id(var) not in seen:
                    seen.add(id(var))
                    out.append(var)
        return out

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for var in self._own_trainable:
            var.trainable = value
        for layer in self._sublayers():
            layer.trainable = value

    def get_weights(self) -> list[np.ndarray]:
        """The weights as numpy arrays in Keras's layouts and order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Set every weight from arrays in Keras's layouts and order; validates all first."""
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"Layer {self.name!r} expects {len(params)} weights, but the weights list has "
                f"{len(weights)} elements."
            )
        arrays = []
        for i, (var, value) in enumerate(zip(params, weights)):
            arr = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
            if tuple(arr.shape) != tuple(var.keras_shape):
                raise ValueError(
                    f"Layer {self.name!r} weight {i} ({var.name}) expects shape "
                    f"{tuple(var.keras_shape)}, but received shape {tuple(arr.shape)}."
                )
            arrays.append(arr)
        for var, arr in zip(params, arrays):
            var.assign(arr)

    def count_params(self) -> int:
        """The number of weight values (Keras's variables only)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name!r}, but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # ------------------------------------------------------------------ shapes, config

    @property
    def dtype(self) -> str:
        return _config.floatx()

    @property
    def compute_dtype(self) -> str:
        return _config.floatx()

    @property
    def compute_dtype_torch(self) -> torch.dtype:
        return _config.floatx_torch()

    @property
    def input_shape(self) -> Any:
        if not self.built:
            raise AttributeError(
                f"The layer {self.name!r} has never been called and thus has "
                "no defined input shape."
            )
        return _keras_shape(self._build_shape)

    @property
    def output_shape(self) -> Any:
        if self._output_shape is None:
            if not self.built:
                raise AttributeError(
                    f"The layer {self.name!r} has never been called and thus "
                    "has no defined output shape."
                )
            self._output_shape = self.compute_output_shape(_keras_shape(self._build_shape))
        return self._output_shape

    # ------------------------------------------------------------------ added losses

    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss term (e.g. an activity penalty) computed in ``call``.

        The terms are collected in ``model.losses`` and ``fit()`` adds their sum to the loss.
        A model clears them at the start of each of its calls, as Keras does.
        """
        if not isinstance(loss, torch.Tensor):
            loss = torch.as_tensor(loss, dtype=self.compute_dtype_torch)
        _LOSSES_USED[0] = True
        self._losses.append(loss)

    @property
    def losses(self) -> list[torch.Tensor]:
        """The loss terms of this layer and its sublayers, in Keras's order: those added by
        ``add_loss`` (activity penalties included) since the last model call cleared them, then
        each trainable weight's regularizer penalty, computed from the weight's current value
        (with autograd).

        Differences from Keras: only a model clears the added terms at the start of its call;
        Keras also clears them when a layer is called on its own (outside any layer call), so
        calling a lone layer twice keeps both calls' terms here.
        """
        added: list[torch.Tensor] = []
        regularized: list[Variable] = []
        self._gather_losses(added, regularized, set(), set())
        if regularized and self.trainable:
            added.extend(weight_penalty(v.regularizer, v) for v in regularized)
        return added

    def _gather_losses(
        self, added: list, regularized: list, seen_layers: set, seen_vars: set
    ) -> None:
        added.extend(self._losses)
        for var in (*self._own_trainable, *self._own_non_trainable):
            if var.regularizer is not None and var.requires_grad and id(var) not in seen_vars:
                seen_vars.add(id(var))
                regularized.append(var)
        for layer in self._sublayers():
            if id(layer) not in seen_layers:
                seen_layers.add(id(layer))
                layer._gather_losses(added, regularized, seen_layers, seen_vars)

    @property
    def activity_regularizer(self) -> Any:
        """The regularizer applied to the layer's outputs after each call (None: none)."""
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value: Any) -> None:
        regularizer = regularizers.get(value)
        self.__dict__["_activity_regularizer"] = regularizer
        # Only a regularized layer pays for the penalty: its instance forward is wrapped, and
        # every other layer keeps the class's plain forward (call).
        if regularizer is None:
            self.__dict__.pop("forward", None)
        else:
            self.__dict__["forward"] = self._forward_with_activity_loss
            _LOSSES_USED[0] = True

    def _forward_with_activity_loss(self, *args: Any, **kwargs: Any) -> Any:
        outputs = type(self).forward(self, *args, **kwargs)
        regularizer = self._activity_regularizer
        if regularizer is not None:
            for output in _flat_tensors(outputs):
                add_activity_loss(self, regularizer, output)
        return outputs

    def _clear_losses(self) -> None:
        self._losses.clear()
        for layer in self._sublayers():
            layer._clear_losses()

    def _node_attribute(self, attr: str, what: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined {what}."
            )
        values = getattr(self._inbound_nodes[0], attr)
        if isinstance(values, list) and len(values) == 1:
            return values[0]
        return values

    @property
    def input(self) -> Any:
        """The KerasTensor(s) this layer was first called on in a graph."""
        return self._node_attribute("input_tensors", "input")

    @property
    def output(self) -> Any:
        """The KerasTensor(s) this layer's first graph call produced."""
        return self._node_attribute("outputs", "output")

    def get_config(self) -> dict[str, Any]:
        """The layer's constructor arguments (keys are ``__init__`` arguments)."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": _config.floatx()}
        if self._activity_regularizer is not None:
            cfg["activity_regularizer"] = self._activity_regularizer
        cfg.update(getattr(self, "_init_config", {}))
        return cfg

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def _keras_shape(shape: Any) -> Any:
    if isinstance(shape, list):
        return [_keras_shape(s) for s in shape]
    if isinstance(shape, dict):
        return {k: _keras_shape(v) for k, v in shape.items()}
    return tuple(shape)


def _torch_dtype(dtype: Any) -> torch.dtype:
    from tkeras.backend.convert import standardize_dtype

    return standardize_dtype(dtype)


def _as_tensor(x: Any) -> torch.Tensor:
    from tkeras.backend.convert import convert_to_tensor

    return convert_to_tensor(x)


_BASE_KEYS = ("name", "trainable", "dtype", "autocast", "activity_regularizer")


def _recording_init(init: Any) -> Any:
    """Wrap a subclass ``__init__`` so the most-derived call records its arguments for config."""
    sig = inspect.signature(init)

    @functools.wraps(init)
    def wrapped(self, *args: Any, **kwargs: Any) -> None:
        if "_init_config" not in self.__dict__:
            try:
                bound = sig.bind(self, *args, **kwargs)
            except TypeError:
                bound = None
            if bound is not None:
                bound.apply_defaults()
                cfg = {}
                for pname, value in list(bound.arguments.items())[1:]:
                    kind = sig.parameters[pname].kind
                    if kind is inspect.Parameter.VAR_KEYWORD:
                        cfg.update({k: v for k, v in value.items() if k not in _BASE_KEYS})
                    elif kind is not inspect.Parameter.VAR_POSITIONAL and pname not in _BASE_KEYS:
                        cfg[pname] = value
                object.__setattr__(self, "_init_config", cfg)
        init(self, *args, **kwargs)

    wrapped._records_config = True
    return wrapped
