"""StackedRNNCells: a stack of recurrent cells run as one cell (a deep RNN in one loop)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tkeras import config as _config
from tkeras.layers.layer import Layer
from tkeras.layers.rnn import _nest
from tkeras.layers.rnn.base_rnn_cell import _BaseRNNCell


def check_cell(owner: Any, arg: str, cell: Any) -> None:
    """Keras's duck-typed cell: a ``call`` method and a ``state_size`` attribute."""
    for attr, what in (
        ("call", "a `call(inputs, states)` method"),
        ("state_size", "a `state_size` attribute (an int, or a list of ints: one per state)"),
    ):
        if attr not in dir(cell):
            raise ValueError(
                f"{type(owner).__name__} {owner.name!r}: every RNN cell in `{arg}` must have "
                f"{what}. Received: {arg}={cell!r}"
            )


def cell_output_size(cell: Any) -> Any:
    """Keras's output size of a cell: ``output_size``, else its (first) state size."""
    if getattr(cell, "output_size", None) is not None:
        return cell.output_size
    if isinstance(cell.state_size, (list, tuple)):
        return cell.state_size[0]
    return cell.state_size


class StackedRNNCells(Layer):
    """A list of RNN cells run as a single cell: each step feeds each cell's output to the next.

    ``RNN(StackedRNNCells([c1, c2]))`` (or just ``RNN([c1, c2])``) is a deep RNN in one time
    loop. The states are one entry per cell, each as that cell's ``get_initial_state`` gives it
    (a list for the Keras cells); the weights are each cell's, in order.

    Args:
        cells: a list of RNN cells: tkeras cells (``LSTMCell``, ``GRUCell``, ``SimpleRNNCell``)
            or any object with ``call(inputs, states)`` and ``state_size``.

    Example:
        >>> import torch, tkeras
        >>> cells = [tkeras.layers.LSTMCell(8), tkeras.layers.GRUCell(4)]
        >>> out, [h1, c1], [h2] = tkeras.layers.RNN(
        ...     tkeras.layers.StackedRNNCells(cells), return_state=True
        ... )(torch.ones(2, 5, 3))
        >>> out.shape, c1.shape
        (torch.Size([2, 4]), torch.Size([2, 8]))
    """

    def __init__(self, cells: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cells = list(cells)
        for cell in cells:
            check_cell(self, "cells", cell)
        if all(isinstance(c, nn.Module) for c in cells):
            self.cells = nn.ModuleList(cells)
        else:  # plain-object cells are allowed (Keras duck-types them); register the modules
            self.cells = cells
            for i, cell in enumerate(cells):
                if isinstance(cell, nn.Module):
                    self.add_module(f"cell_{i}", cell)

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> Any:
        return cell_output_size(self.cells[-1])

    def build(self, input_shape: Any) -> None:
        batch = _nest.flatten(input_shape)[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build_from_shape(tuple(input_shape))
                _nest.nest_paths(self, cell)
            input_shape = (batch, cell_output_size(cell))

    def call(self, inputs: torch.Tensor, states: Any, training: bool | None = None) -> tuple:
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_nested = _nest.is_nested(cell_states)
            cell_states = list(cell_states) if was_nested else [cell_states]
            if isinstance(cell, Layer) and cell._call_has_training:
                inputs, cell_states = cell(inputs, cell_states, training=training)
            else:
                inputs, cell_states = (cell if callable(cell) else cell.call)(inputs, cell_states)
            if not _nest.is_nested(cell_states):
                cell_states = [cell_states]
            # A cell given one bare state gets one back, as Keras's stack does.
            if len(cell_states) == 1 and not was_nested:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def get_initial_state(self, batch_size: int | None = None) -> list:
        """One entry per cell: its ``get_initial_state``, else zeros of its ``state_size``."""
        like = torch.empty((), dtype=_config.floatx_torch())
        return [initial_state(c, batch_size, like, top=False) for c in self.cells]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["cells"] = list(self.cells)
        return config


def initial_state(cell: Any, batch_size: int, like: torch.Tensor, top: bool = True) -> Any:
    """Keras's initial states of ``cell`` on ``like``'s device and dtype.

    ``top``: the states of an ``RNN``'s own cell, always a list (Keras's ``RNN.get_initial_state``);
    otherwise one stacked cell's entry (a bare tensor for an int ``state_size``).
    """
    if isinstance(cell, _BaseRNNCell) and (
        type(cell).get_initial_state is _BaseRNNCell.get_initial_state
    ):  # the tkeras cells: zeros made on the device directly
        states = cell._zero_state(batch_size, like)
    elif isinstance(cell, StackedRNNCells) and (
        type(cell).get_initial_state is StackedRNNCells.get_initial_state
    ):
        states = [initial_state(c, batch_size, like, top=False) for c in cell.cells]
    elif getattr(cell, "get_initial_state", None) is not None:
        given = cell.get_initial_state(batch_size=batch_size)
        leaves = [
            torch.as_tensor(s, dtype=like.dtype, device=like.device) for s in _nest.flatten(given)
        ]
        states = _nest.pack(given, leaves) if _nest.is_nested(given) else leaves[0]
    elif isinstance(cell.state_size, int):
        states = like.new_zeros((batch_size, cell.state_size))
    else:
        states = [like.new_zeros((batch_size, d)) for d in cell.state_size]
    if top:
        return list(states) if _nest.is_nested(states) else [states]
    return states
