"""``LayerList``: what ``model.layers`` returns, a list that torch can also walk as a module."""

from __future__ import annotations

from torch import nn


class LayerList(list, nn.Module):
    """``model.layers`` of a Sequential or functional model: a list copy torch can traverse.

    The layers are registered as the ``nn.ModuleList`` named ``layers`` (so ``state_dict`` keys
    read ``layers.0.kernel``), and Keras's ``model.layers`` property shadows that name. torch
    reaches a parameter by ``getattr`` along its dotted name and requires every step to be an
    ``nn.Module`` (``Module.get_submodule``, ``torch.func.functional_call``, non-strict
    ``torch.export.export`` and the ONNX exporter built on it), so a plain list there breaks them.
    A ``LayerList`` is a plain Python list of the layers (a copy: editing it changes nothing, as
    in Keras) that is also an ``nn.Module`` sharing the ModuleList's children, so
    ``getattr(model.layers, "1")`` is layer 1 and those torch tools work.

    Args:
        modules: the model's registered ``nn.ModuleList``.

    Example:
        >>> import torch, tkeras
        >>> model = tkeras.Sequential([tkeras.Input((3,)), tkeras.layers.Dense(2)])
        >>> model.layers == [model.get_layer(index=0)]
        True
        >>> params = {k: torch.zeros_like(v) for k, v in model.named_parameters()}
        >>> torch.func.functional_call(model, params, (torch.ones(1, 3),)).tolist()
        [[0.0, 0.0]]
    """

    # list sets __hash__ to None; torch keys modules by identity.
    __hash__ = object.__hash__

    def __init__(self, modules: nn.ModuleList) -> None:
        list.__init__(self, modules)
        nn.Module.__init__(self)
        object.__setattr__(self, "_modules", modules._modules)
