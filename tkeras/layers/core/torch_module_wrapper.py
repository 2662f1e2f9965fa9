"""TorchModuleWrapper: any ``torch.nn.Module`` as a tkeras layer (lazy modules included)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tkeras.backend.variable import Variable
from tkeras.layers.layer import Layer


class TorchModuleWrapper(Layer):
    """Use a ``torch.nn.Module`` as a layer in Sequential and functional models.

    Its parameters become the layer's weights (torch layout, no conversion), they train with
    ``fit()`` and move with the model. Lazy modules (``nn.LazyLinear``...) are materialized by
    ``build`` from the input shape. A Sequential wraps plain modules automatically.

    Args:
        module: the ``torch.nn.Module`` to wrap.
        name: the layer name.
        output_shape: optional output shape (without the batch axis) to skip shape inference.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.TorchModuleWrapper(torch.nn.LazyLinear(3))
        >>> layer(torch.ones(2, 5)).shape
        torch.Size([2, 3])
    """

    # get_config holds the torch module itself, as Keras's does.
    _keras_config = False

    def __init__(
        self, module: nn.Module, name: str | None = None, output_shape: Any = None, **kwargs: Any
    ) -> None:
        if not isinstance(module, nn.Module):
            raise ValueError(
                f"TorchModuleWrapper expects a torch.nn.Module; received {module!r} "
                f"(of type {type(module).__name__})."
            )
        super().__init__(name=name, **kwargs)
        self.module = module
        self._fixed_output_shape = tuple(output_shape) if output_shape is not None else None
        self.supports_masking = False

    def build(self, input_shape: Any) -> None:
        if any(
            isinstance(p, nn.parameter.UninitializedParameter) for p in self.module.parameters()
        ):
            # Lazy torch modules infer their sizes from one real forward pass.
            shape = [2 if d is None else d for d in input_shape]
            with torch.no_grad():
                self.module(torch.zeros(shape))
        self._adopt_parameters()

    def _adopt_parameters(self) -> None:
        # Re-register each torch parameter as a tkeras Variable (same data, torch layout) so it
        # appears in weights/get_weights and in Keras's trainable/non-trainable split.
        for mod_name, mod in self.module.named_modules():
            for pname, param in list(mod._parameters.items()):
                if param is None or isinstance(param, Variable):
                    continue
                path = f"{mod_name}.{pname}" if mod_name else pname
                var = Variable(
                    param.data, trainable=param.requires_grad, name=path, path=f"{self.name}/{path}"
                )
                mod._parameters[pname] = var
                (self._own_trainable if var.trainable else self._own_non_trainable).append(var)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        return self.module(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._fixed_output_shape is not None:
            return (input_shape[0], *self._fixed_output_shape)
        return super().compute_output_shape(input_shape)
