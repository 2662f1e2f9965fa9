"""The Layer base: a torch.nn.Module with Keras's lazy build, names, weights and config.

The class lives here; its call context (training flag, masks, input helpers) is in
``call_context.py``, config recording in ``config_recording.py``, weights in ``layer_weights.py``
and added losses in ``layer_losses.py``. Every name stays importable from this module.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np
import torch
from torch import nn

from tkeras import config as _config
from tkeras.backend.variable import Variable
from tkeras.layers.call_context import (
    _FLOAT_NAMES,
    _as_tensor,
    _attach_masks,
    _first_tensor,
    _flat_tensors,
    _is_symbolic,
    _keras_shape,
    _shape_of,
    _torch_dtype,
    not_implemented,
    resolve_training,
)
from tkeras.layers.config_recording import (
    _BASE_KEYS,
    _recording_init,
    keras_from_config,
    keras_get_config,
    keras_ready,
    revive,
)
from tkeras.layers.input_spec import ANY_RANK, InputSpec
from tkeras.layers.layer_call import LayerCallMixin
from tkeras.layers.layer_losses import LayerLossesMixin, add_activity_loss
from tkeras.layers.layer_saving import LayerSavingMixin
from tkeras.layers.layer_weights import LayerWeightsMixin
from tkeras.mixed_precision.layer_policy import set_layer_policy
from tkeras.utils.naming import auto_name

__all__ = [
    "_BASE_KEYS",
    "_FLOAT_NAMES",
    "Layer",
    "_as_tensor",
    "_attach_masks",
    "_first_tensor",
    "_flat_tensors",
    "_is_symbolic",
    "_keras_shape",
    "_recording_init",
    "_shape_of",
    "_torch_dtype",
    "add_activity_loss",
    "not_implemented",
    "resolve_training",
]


class Layer(LayerCallMixin, LayerWeightsMixin, LayerLossesMixin, LayerSavingMixin, nn.Module):
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
        dtype: the layer's dtype policy: a ``DTypePolicy`` or its name (``"float32"``,
            ``"mixed_float16"``, ``"mixed_bfloat16"``, ``"bfloat16"``, ``"float64"``...);
            None: the global policy (``tkeras.config.dtype_policy()``).
        autocast: cast floating inputs of another dtype to the layer's compute dtype.
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
    # False for classes whose from_config reads nested configs itself (Sequential, Functional).
    _revives_config = True
    # False for tkeras layers whose get_config holds Python objects (Lambda's function,
    # TorchModuleWrapper's module), written to files by saving/graph_config.py instead.
    _keras_config = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "call" in cls.__dict__:
            cls.forward = cls.call
            cls._call_signature = inspect.signature(cls.call)
            params = cls._call_signature.parameters
            cls._call_has_training = "training" in params
            cls._call_has_mask = "mask" in params
            cls._training_pos, cls._mask_pos = _positions(params, ("training", "mask"))
        if not cls.__module__.startswith("tkeras.") and (
            "compute_mask" in cls.__dict__ or cls._call_has_mask
        ):
            # A user's mask-aware layer reads its input's mask even when called on its own,
            # as in Keras (built-in layers route masks inside models that make them).
            cls._mask_passing = True
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            cls.build = _marking_build(build)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_records_config", False):
            cls.__init__ = _recording_init(init)
        if cls.__module__.startswith("tkeras.") and cls._keras_config:
            # One config path: every tkeras layer's get_config is Keras-shaped and its
            # from_config takes Keras's configs, whatever its own override adds.
            get_config = cls.__dict__.get("get_config")
            if get_config is not None and not getattr(get_config, "_keras_ready", False):
                cls.get_config = keras_get_config(get_config)
            from_config = cls.__dict__.get("from_config")
            if (
                isinstance(from_config, classmethod)
                and cls._revives_config
                and not getattr(from_config.__func__, "_keras_ready", False)
            ):
                cls.from_config = keras_from_config(from_config)

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
        self.name = name if name is not None else auto_name(type(self).__name__)
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"A layer name must be a non-empty string. Received: name={name!r}")
        self.built = False
        self.autocast = autocast
        self.dtype_policy = dtype
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
        kind = "Model" if hasattr(self, "compile") else "Layer"
        raise NotImplementedError(
            f"{kind} {type(self).__name__} ({self.name!r}) does not have a `call()` method "
            f"implemented: define `def call(self, inputs)` on {type(self).__name__}, or, for a "
            "model trained with a custom train_step only, never call it (predict, evaluate "
            "and model(x) run call())."
        )

    forward = call

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for ``input_shape``; by default found by a meta-device run."""
        from tkeras.models.symbolic import infer_output_shape

        return infer_output_shape(self, input_shape)

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        """The mask of this layer's output: by default the input mask, passed through."""
        return previous_mask

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

    # ------------------------------------------------------------------ shapes, config

    @property
    def dtype_policy(self) -> Any:
        """The layer's ``DTypePolicy`` (its compute and variable dtypes)."""
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        set_layer_policy(self, value)

    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables (Keras's alias of ``variable_dtype``)."""
        return self._dtype_policy.variable_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype the layer creates its variables in."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in and casts floating inputs to."""
        return self._dtype_policy.compute_dtype

    @property
    def compute_dtype_torch(self) -> torch.dtype:
        return self._compute_torch or _config.floatx_torch()

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
        """The layer's config as Keras's ``get_config`` returns it (keys are ``__init__``
        arguments; dtype a policy dict; initializers, regularizers, constraints, activations
        and nested layers serialized as Keras writes them). A custom layer gets the Keras base
        keys plus its recorded constructor arguments, as they were passed."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self._dtype_policy.name}
        if self._activity_regularizer is not None:
            cfg["activity_regularizer"] = self._activity_regularizer
        cfg.update(getattr(self, "_init_config", {}))
        if type(self).__module__.startswith("tkeras.") and self._keras_config:
            return keras_ready(self, cfg)
        from tkeras.saving.model_config import dtype_policy

        cfg["dtype"] = dtype_policy(cfg["dtype"])
        return cfg

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """The layer ``cls(**config)``; a tkeras layer also takes serialized values (configs
        written by Keras), a custom one a dtype policy dict."""
        if cls.__module__.startswith("tkeras."):
            return cls(**revive(config))
        return cls(**config)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def _positions(params: Any, names: tuple[str, ...]) -> tuple[int | None, ...]:
    """Where each of ``names`` sits among ``call``'s positional arguments (self excluded)."""
    positional = []
    for pname, param in list(params.items())[1:]:
        if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            break
        positional.append(pname)
    return tuple(positional.index(n) if n in positional else None for n in names)


def _marking_build(build: Any) -> Any:
    """``build`` that leaves the layer built, as Keras's: a layer built by hand
    (``layer.build((None, 4))``) keeps its weights when first called."""

    @functools.wraps(build)
    def wrapper(self: Layer, *args: Any, **kwargs: Any) -> Any:
        out = build(self, *args, **kwargs)
        self.built = True
        if self._build_shape is None and args:
            self._build_shape = args[0]
        return out

    wrapper._marks_built = True
    return wrapper
