"""``Model``: a Layer that groups layers, with Keras's model API (summary, get_layer, ...)."""

from __future__ import annotations

from typing import Any

from tkeras.layers.layer import Layer
from tkeras.trainers.trainer import Trainer


class Model(Trainer, Layer):
    """A model: layers grouped under one ``torch.nn.Module`` with Keras's model API.

    ``Model(inputs, outputs)`` builds a functional model; or subclass it and define
    ``__init__`` and ``call(inputs, training=None)``; or use ``Sequential``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from tkeras.models.functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            # A subclass built functionally, CustomModel(inputs, outputs): as Keras does, the
            # class becomes a Functional subclass (its own train_step etc. still win).
            from tkeras.models.functional import Functional

            _inject_functional(type(self), Functional)
            Functional.__init__(self, *args, **kwargs)
            return
        super().__init__(**kwargs)

    # Graph configs hold nested layer configs that from_config reads itself.
    _revives_config = False

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> Model:
        """A model from its config: a Keras functional or Sequential config (as Keras or
        tkeras wrote it, ``get_config()``), or a subclass's own ``get_config()`` keys
        (serialized values revived).

        Args:
            config: the config dict.
            custom_objects: ``{name: class or function}`` for custom layers in the config.
        """
        from tkeras.layers.config_recording import revive
        from tkeras.models.functional import Functional
        from tkeras.models.sequential import Sequential
        from tkeras.saving import graph_config, object_registry

        custom = object_registry.all_custom_objects(custom_objects)
        if isinstance(config, dict) and "input_layers" in config and "output_layers" in config:
            target = Functional if cls is Model or issubclass(cls, Sequential) else cls
            return graph_config.functional_from_config(target, config, custom)
        if isinstance(config, dict) and "layers" in config:
            target = cls if issubclass(cls, Sequential) else Sequential
            return graph_config.sequential_from_config(target, config, custom)
        with object_registry.CustomObjectScope(custom):
            return cls(**revive(config))

    @property
    def layers(self) -> list[Layer]:
        """The model's direct sublayers, in the order they were assigned."""
        return self._sublayers()

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by its unique name or by its index in ``layers``."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[l.name for l in layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def summary(
        self,
        line_length: int | None = None,
        positions: list[float] | None = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print Keras's summary table: each layer's name (type), output shape and params."""
        from tkeras.models.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    # ------------------------------------------------------------------ saving

    def save(
        self, filepath: Any, overwrite: bool = True, zipped: Any = None, **kwargs: Any
    ) -> None:
        """Save the model to a ``.keras`` file (Keras 3's zip) or a legacy ``.h5`` file.

        The file holds the architecture, the weights and, when the model is compiled, the
        compile config and the optimizer's state; Keras loads it, and ``tkeras.models.load_model``
        loads Keras's. The write is atomic.

        Args:
            filepath: a path ending in ``.keras`` (or ``.h5``/``.hdf5``, legacy).
            overwrite: False asks before replacing an existing file, as Keras does.
            zipped: False writes the ``.keras`` contents into a folder.
            **kwargs: ``include_optimizer`` for legacy ``.h5`` files.

        Example:
            >>> import os, tempfile, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
            >>> model.save(os.path.join(tempfile.mkdtemp(), "m.keras"))
        """
        from tkeras.saving import save_model

        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(
        self, filepath: Any, overwrite: bool = True, max_shard_size: Any = None
    ) -> None:
        """Save the weights (and optimizer state) to a ``.weights.h5`` file in Keras 3's layout.

        Args:
            filepath: a path ending in ``.weights.h5``.
            overwrite: False asks before replacing an existing file, as Keras does.
            max_shard_size: not supported yet; must be None.

        Example:
            >>> import os, tempfile, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
            >>> model.save_weights(os.path.join(tempfile.mkdtemp(), "w.weights.h5"))
        """
        from tkeras.saving import save_weights

        save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Load weights from a ``.weights.h5``, ``.keras`` or legacy ``.h5`` file (Keras's or
        tkeras's); all-or-nothing.

        Args:
            filepath: the weights file.
            skip_mismatch: skip, with a warning, the layers whose weights do not match.
            **kwargs: ``by_name=True`` for legacy ``.h5`` files.

        Example:
            >>> import os, tempfile, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
            >>> path = os.path.join(tempfile.mkdtemp(), "w.weights.h5")
            >>> model.save_weights(path)
            >>> model.load_weights(path)
        """
        from tkeras.saving import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs: Any) -> str:
        """The model's config as Keras 3's JSON (``tkeras.models.model_from_json`` reads it).

        Args:
            **kwargs: passed to ``json.dumps``.

        Example:
            >>> import tkeras
            >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
            >>> '"class_name": "Sequential"' in model.to_json()
            True
        """
        import json

        from tkeras.saving import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def export(
        self,
        filepath: Any,
        format: str = "tf_saved_model",
        verbose: bool | None = None,
        input_signature: Any = None,
        **kwargs: Any,
    ) -> None:
        """Export the model for inference as an ONNX file or a torch.export program (.pt2).

        Both formats trace the model once with ``torch.export.export`` in inference mode;
        every ``None`` axis of the input signature (the batch axis at least) stays dynamic.
        ``onnxruntime.InferenceSession(path)`` runs the ONNX file and
        ``torch.export.load(path).module()`` the ``.pt2``, neither needing tkeras. The write
        is atomic.

        Args:
            filepath: the artifact's path (ending in ``.pt2`` for ``format='torch'``).
            format: ``'onnx'`` or ``'torch'``. Keras's ``'tf_saved_model'`` (the default, as
                in Keras), ``'openvino'`` and ``'litert'`` raise NotImplementedError.
            verbose: print a message once saved (and, for ONNX, torch's export steps);
                None means True.
            input_signature: the model call's positional arguments as ``tkeras.layers.InputSpec``,
                KerasTensors or tensors (a tensor's batch axis becomes dynamic), e.g.
                ``[tkeras.layers.InputSpec(shape=(None, 28, 28, 1), dtype='float32')]``, or
                ``[[spec_a, spec_b]]`` for a two-input model. None: from the model's inputs.
            **kwargs: ``opset_version`` (ONNX); ``strict``, ``dynamic_shapes``,
                ``preserve_module_call_signature``,
                ``prefer_deferred_runtime_asserts_over_guards`` (``'torch'``, passed to
                ``torch.export.export``).

        Differences from Keras: ``'tf_saved_model'``, ``'openvino'`` and ``'litert'`` are
        not supported; ``format='torch'`` keeps the ``None`` axes dynamic (Keras exports them
        at size 1 unless given ``dynamic_shapes``), except where the trace fixes one (a fused
        RNN's time axis on CPU), which warns; ONNX prefers ``torch.export`` and falls back to
        a TorchScript trace, checked at other sizes, only where ``torch.export`` fixes a
        ``None`` axis (Keras uses TorchScript, unchecked, whenever an axis is ``None``).

        Example:
            >>> import os, tempfile, tkeras
            >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
            >>> model.export(os.path.join(tempfile.mkdtemp(), "m.onnx"), format="onnx",
            ...              verbose=False)
        """
        from tkeras.saving.export import export_model

        export_model(
            self,
            filepath,
            format=format,
            verbose=verbose,
            input_signature=input_signature,
            **kwargs,
        )

    def get_compile_config(self) -> dict[str, Any]:
        """The compile arguments as Keras's serialized compile config ({} if not compiled)."""
        from tkeras.saving.model_config import get_compile_config

        return get_compile_config(self) or {}

    def compile_from_config(self, config: dict[str, Any]) -> None:
        """Compile the model from a ``get_compile_config()`` dict (Keras's or tkeras's)."""
        from tkeras.saving.model_config import compile_from_config
        from tkeras.saving.object_registry import all_custom_objects

        compile_from_config(self, config, all_custom_objects())


def _inject_functional(cls: type, functional: type) -> type:
    """Replace ``Model`` by ``Functional`` among the bases of ``cls`` (Keras does the same)."""
    if cls is Model:
        return functional
    if cls is object or issubclass(cls, functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base, functional) for base in cls.__bases__)
    return cls
