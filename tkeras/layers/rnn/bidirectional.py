"""Bidirectional: run a recurrent layer forwards and backwards and merge the two outputs."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import Layer
from tkeras.layers.rnn import _nest

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)
# What Bidirectional needs of the layer it wraps (Keras's documented criteria).
_RECURRENT_ATTRIBUTES = ("go_backwards", "return_sequences", "return_state", "stateful")


def _merge_concat(y, y_rev):
    return torch.cat([y, y_rev], dim=-1)


def _merge_sum(y, y_rev):
    return y + y_rev


def _merge_ave(y, y_rev):
    return (y + y_rev) / 2


def _merge_mul(y, y_rev):
    return y * y_rev


def _merge_none(y, y_rev):
    return (y, y_rev)


_MERGES = {
    "concat": _merge_concat,
    "sum": _merge_sum,
    "ave": _merge_ave,
    "mul": _merge_mul,
    None: _merge_none,
}


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs: a forward and a backward copy of a layer, outputs merged.

    The wrapped layer is re-created from its config twice: ``forward_<name>`` and
    ``backward_<name>`` (``go_backwards=True``), with fresh weights (the layer's own weights are
    not reused, as in Keras). The backward output sequence is flipped back to input order before
    merging. ``weights`` lists the forward layer's weights then the backward layer's, which is
    also the order of ``get_weights()``. With ``return_sequences``, masked steps output zeros
    in both directions (``zero_output_for_mask`` is forced on, as Keras does).

    Args:
        layer: the recurrent layer to wrap: ``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN(cell)``, or a
            Layer with ``go_backwards``, ``return_sequences``, ``return_state`` and ``stateful``
            attributes and a config.
        merge_mode: how the two outputs combine: 'concat' (last axis), 'sum', 'mul', 'ave', or
            None (return both, ``(forward, backward)``).
        weights: initial weights, the forward layer's then the backward layer's (Keras order),
            set when the layer builds.
        backward_layer: the layer to run backwards instead of a copy of ``layer``; it must have
            ``go_backwards`` opposite to ``layer``'s and the same ``stateful``,
            ``return_sequences`` and ``return_state``.

    Call arguments: ``sequences`` (batch, time, features); ``initial_state`` a list, the forward
    layer's states then the backward layer's; ``mask`` a bool (batch, time) tensor; ``training``.
    With the wrapped layer's ``return_state``, returns ``[output, *forward_states,
    *backward_states]`` (``output`` two entries with ``merge_mode=None``).

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.Bidirectional(tkeras.layers.LSTM(4, return_sequences=True))
        >>> layer(torch.ones(2, 5, 3)).shape
        torch.Size([2, 5, 8])

    Differences from Keras: ``weights`` are set when the layer builds (Keras 3 accepts and
    ignores them); a ``layer`` without the recurrent attributes raises ValueError at
    construction; the two directions run as two calls of the wrapped layer (Keras fuses an
    LSTM/GRU pair into one bidirectional cuDNN call on CUDA: same numbers).
    """

    def __init__(
        self,
        layer: Any,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        label = f"Bidirectional {self.name!r}"
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{label}: `layer` must be a keras.layers.Layer instance (a recurrent layer "
                f"such as LSTM). Received: layer={layer!r}"
            )
        missing = [a for a in _RECURRENT_ATTRIBUTES if not hasattr(layer, a)]
        if missing:
            raise ValueError(
                f"{label}: `layer` must be a recurrent layer (LSTM, GRU, SimpleRNN, RNN, or a "
                f"Layer with {', '.join(f'`{a}`' for a in _RECURRENT_ATTRIBUTES)} "
                f"attributes); {type(layer).__name__} {layer.name!r} has no "
                f"{', '.join(f'`{a}`' for a in missing)}. Received: layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"{label}: `backward_layer` must be a keras.layers.Layer instance. "
                f"Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"{label}: invalid merge mode. Received: merge_mode={merge_mode!r}. Merge mode "
                'should be one of {"sum", "mul", "ave", "concat", None}'
            )
        self.forward_layer = _nest.clone_layer(
            layer, name=f"forward_{_removeprefix(layer.name, 'forward_')}"
        )
        if backward_layer is None:
            backward_layer = _nest.clone_layer(
                layer,
                go_backwards=True,
                name=f"backward_{_removeprefix(layer.name, 'backward_')}",
            )
        self.backward_layer = backward_layer
        self._verify_layer_config()
        # Masked steps must output zeros in both directions, or the flipped backward sequence
        # would carry stale outputs into the merge.
        for sublayer in (self.forward_layer, self.backward_layer):
            if getattr(sublayer, "zero_output_for_mask", None) is not None:
                sublayer.zero_output_for_mask = sublayer.return_sequences
        self.merge_mode = merge_mode
        self._merge = _MERGES[merge_mode]
        self._initial_weights = list(weights) if weights is not None and len(weights) > 0 else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = layer.input_spec
        self._forward_kwargs = (
            self.forward_layer._call_has_training,
            self.forward_layer._call_has_mask,
        )

    def _verify_layer_config(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                f"Bidirectional {self.name!r}: the forward layer and the backward layer should "
                "have different `go_backwards` values. Received: forward_layer.go_backwards="
                f"{forward.go_backwards}, backward_layer.go_backwards={backward.go_backwards}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            forward_value = getattr(forward, attr)
            backward_value = getattr(backward, attr, None)
            if forward_value != backward_value:
                raise ValueError(
                    f"Bidirectional {self.name!r}: the forward layer and the backward layer are "
                    f'expected to have the same value for attribute "{attr}", got '
                    f'"{forward_value}" for the forward layer and "{backward_value}" for the '
                    "backward layer"
                )

    def _input_hint(self) -> str:
        return self.forward_layer._input_hint()

    def build(self, sequences_shape: tuple, initial_state_shape: Any = None) -> None:
        for sublayer in (self.forward_layer, self.backward_layer):
            if not sublayer.built:
                sublayer.build_from_shape(tuple(sequences_shape))
                _nest.nest_paths(self, sublayer)
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            half = len(weights) // 2
            counts = (len(self.forward_layer.weights), len(self.backward_layer.weights))
            if (half, len(weights) - half) != counts:
                raise ValueError(
                    f"Bidirectional {self.name!r}: `weights` must hold {sum(counts)} arrays "
                    f"(the forward layer's {counts[0]} weights, then the backward layer's "
                    f"{counts[1]}); received {len(weights)}."
                )
            self.forward_layer.set_weights(weights[:half])
            self.backward_layer.set_weights(weights[half:])

    def call(
        self,
        sequences: torch.Tensor,
        initial_state: Any = None,
        mask: Any = None,
        training: bool | None = None,
    ) -> Any:
        kwargs = {}
        takes_training, takes_mask = self._forward_kwargs
        if takes_training and training is not None:
            kwargs["training"] = training
        if takes_mask and mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
            kwargs_f = {**kwargs, "initial_state": forward_state}
            kwargs_b = {**kwargs, "initial_state": backward_state}
        else:
            kwargs_f = kwargs_b = kwargs
        y = self.forward_layer(sequences, **kwargs_f)
        y_rev = self.backward_layer(sequences, **kwargs_b)
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev.flip(1)
        output = self._merge(y, y_rev)
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return (output, *states)
        return output

    # ------------------------------------------------------------------ states, shapes, masks

    @property
    def states(self) -> tuple | None:
        """The forward layer's states then the backward layer's (stateful only), else None."""
        forward, backward = self.forward_layer.states, self.backward_layer.states
        if forward and backward:
            return (*forward, *backward)
        return None

    def reset_state(self) -> None:
        """Zero both directions' states; raises AttributeError unless stateful."""
        if not self.stateful:
            raise AttributeError(
                f"Bidirectional {self.name!r}: layer must be stateful to reset its state."
            )
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self) -> None:
        """Alias of ``reset_state`` (Keras compatibility)."""
        self.reset_state()

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        if self.return_state:
            output_shape, state_shape = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = (*output_shape[:-1], output_shape[-1] * 2)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if self.return_state:
            if self.merge_mode is None:
                return (*output_shape, *state_shape, *state_shape)
            return (output_shape, *state_shape, *state_shape)
        return tuple(output_shape)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = mask if self.merge_mode else (mask, mask)
        else:
            output_mask = None if self.merge_mode else (None, None)
        # Keras lists state masks only once a stateful layer holds states.
        states = self.states if self.return_state else None
        if states is not None:
            state_masks = [None] * len(states)
            if isinstance(output_mask, tuple):
                return [*output_mask, *state_masks]
            return [output_mask, *state_masks]
        return output_mask

    def get_config(self) -> dict[str, Any]:
        config = Layer.get_config(self)
        for key in ("weights", "backward_layer", "layer"):
            config.pop(key, None)
        config.update(
            merge_mode=self.merge_mode, layer=self.forward_layer, backward_layer=self.backward_layer
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Bidirectional:
        config = dict(config)
        backward = config.get("backward_layer")
        if backward is not None:  # a fresh backward layer, as Keras's deserialization makes
            config["backward_layer"] = _nest.clone_layer(backward)
        return cls(**config)


def _removeprefix(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name
