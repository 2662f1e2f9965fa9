"""Shared machinery of the attention layers.

``_BaseAttention`` is the private base of Attention (Luong) and AdditiveAttention (Bahdanau):
they differ only in their weights and score function. The helpers below serve
MultiHeadAttention too: binding a multi-tensor call, recording it in a graph with one
KerasTensor per output (a call may return ``(output, scores)``), and Keras's dropout on
attention probabilities with an optional seeded generator.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from tkeras.backend.convert import convert_to_tensor
from tkeras.layers.layer import Layer, _is_symbolic, resolve_training
from tkeras.layers.validation import rate as check_rate
from tkeras.models.symbolic import KerasTensor, Node


def bind_call(layer: Layer, args: tuple, kwargs: dict) -> dict[str, Any]:
    """The arguments of ``layer.call(*args, **kwargs)`` by name, defaults filled in."""
    bound = type(layer)._call_signature.bind(layer, *args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    del arguments["self"]
    return arguments


def shape_of(x: Any) -> tuple:
    """The shape of a tensor, KerasTensor or array-like."""
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else tuple(np.shape(x))


def symbolic_outputs(layer: Layer, args: tuple, kwargs: dict, shapes: list[tuple]) -> Any:
    """Record ``layer(*args, **kwargs)`` as a graph node with one KerasTensor per output shape.

    One shape gives one KerasTensor; several give a tuple, as the eager call returns.
    """
    node = Node(layer, tuple(args), dict(kwargs))
    outputs = tuple(
        KerasTensor(shape, node=node, index=i, name=layer.name) for i, shape in enumerate(shapes)
    )
    node.outputs = outputs[0] if len(outputs) == 1 else outputs
    return node.outputs


def as_mask(mask: Any, like: torch.Tensor) -> torch.Tensor:
    """A boolean mask on ``like``'s device (nonzero is True, as Keras's cast to bool)."""
    if not isinstance(mask, torch.Tensor):
        mask = torch.as_tensor(np.asarray(mask), device=like.device)
    return mask if mask.dtype == torch.bool else mask != 0


class SeededDropout:
    """Keras's dropout on attention probabilities: zero each with probability ``rate``, scale
    the survivors by ``1 / (1 - rate)``. With ``seed``, masks come from a per-device generator
    seeded once, so a seeded layer repeats its sequence of masks."""

    def __init__(self, rate: float, seed: int | None) -> None:
        self.rate = rate
        self.seed = seed
        self._generators: dict[torch.device, torch.Generator] = {}

    def __call__(self, probs: torch.Tensor) -> torch.Tensor:
        if self.seed is None:
            return F.dropout(probs, self.rate, True)
        gen = self._generators.get(probs.device)
        if gen is None:
            gen = torch.Generator(device=probs.device).manual_seed(self.seed)
            self._generators[probs.device] = gen
        keep = 1.0 - self.rate
        mask = torch.empty_like(probs).bernoulli_(keep, generator=gen)
        return probs * mask / keep


def check_seed(layer: Layer, seed: Any) -> int | None:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(
            f"{type(layer).__name__} {layer.name!r}: invalid value received for "
            f"argument `seed`. Expected an int or None. Received: seed={seed!r}"
        )
    return seed


class _BaseAttention(Layer):
    """Private base of Attention and AdditiveAttention: masks, softmax, dropout, ``@ value``.

    Subclasses create their weights in ``build`` and score ``(query, key)`` pairs in
    ``_scores``; everything else (inputs and masks as lists, the causal mask, the query mask
    on the output, the optional scores output, graph calls) lives here.
    """

    def __init__(
        self, use_scale: bool, mode: str, dropout: float, seed: int | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = mode
        self.dropout = check_rate(self, dropout, "dropout")
        self.seed = check_seed(self, seed)
        self._dropper = SeededDropout(self.dropout, seed) if self.dropout > 0 else None
        self.scale = None
        self.concat_score_weight = None

    # ------------------------------------------------------------------ checks

    def _validate_inputs(self, inputs: Any, mask: Any = None) -> None:
        who = f"{type(self).__name__} {self.name!r}"
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{who}: the layer must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs!r}"
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{who}: the inputs list must have length 2 or 3, namely "
                "[query, value] or [query, value, key]. Received length: "
                f"{len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{who}: `mask` must be a list, namely [query_mask, "
                    f"value_mask]. Received: mask={mask!r}"
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{who}: the mask list must have length 2 or 3, namely "
                    f"[query_mask, value_mask]. Received length: {len(mask)}."
                )

    def _check_shapes(self, shapes: list[tuple]) -> None:
        """Raise a Keras-style error for inputs whose shapes cannot be attended."""
        who = f"{type(self).__name__} {self.name!r}"
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) > 2 else v
        if min(len(q), len(v), len(k)) < 2:
            raise ValueError(
                f"{who}: query, value and key must have rank 2 or more "
                f"(..., Tq or Tv, dim). Received shapes: query={q}, value={v}, "
                f"key={k}."
            )
        if not _same(q[-1], k[-1]):
            raise ValueError(
                f"{who}: query and key must have the same last dimension (dim). "
                f"Received: query.shape={q}, key.shape={k}."
            )
        if not _same(k[-2], v[-2]):
            raise ValueError(
                f"{who}: key and value must have the same length Tv (axis -2). "
                f"Received: key.shape={k}, value.shape={v}."
            )
        dim = getattr(self, "_dim", None)
        if dim is not None and not _same(q[-1], dim):
            raise ValueError(
                f"{who}: the layer was built for query dim {dim}, but received query.shape={q}."
            )

    # ------------------------------------------------------------------ calling

    def call(
        self,
        inputs: Any,
        mask: Any = None,
        training: bool = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        if inputs.__class__ not in (list, tuple) or not 2 <= len(inputs) <= 3:
            self._validate_inputs(inputs, mask)
        if not all(isinstance(x, torch.Tensor) for x in inputs):
            inputs = [x if isinstance(x, torch.Tensor) else convert_to_tensor(x) for x in inputs]
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = v_mask = None
        if mask is not None:
            if mask.__class__ not in (list, tuple) or not 2 <= len(mask) <= 3:
                self._validate_inputs(inputs, mask)
            q_mask, v_mask = mask[0], mask[1]
        scores = self._scores(query, key)
        keep = None
        if v_mask is not None:
            keep = as_mask(v_mask, scores).unsqueeze(-2)  # (B, 1, Tv)
        if use_causal_mask:
            tq, tv = scores.shape[-2], scores.shape[-1]
            causal = torch.ones(tq, tv, dtype=torch.bool, device=scores.device).tril()
            keep = causal if keep is None else keep & causal
        if keep is not None:
            # Keras subtracts a large number (not -inf), so a fully masked row stays uniform.
            big = 65504.0 if scores.dtype == torch.float16 else 1.0e9
            scores = torch.where(keep, scores, scores - big)
        weights = torch.softmax(scores, dim=-1)
        if self._dropper is not None and (training or resolve_training(self, None)):
            weights = self._dropper(weights)
        output = torch.matmul(weights, value)
        if q_mask is not None:
            output = torch.where(as_mask(q_mask, output).unsqueeze(-1), output, 0.0)
        if return_attention_scores:
            return output, weights
        return output

    def _scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The output's mask: the query mask (``mask[0]``), or None."""
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """``(*query_shape[:-1], value_dim)``."""
        query_shape, value_shape = input_shape[0], input_shape[1]
        return (*tuple(query_shape)[:-1], tuple(value_shape)[-1])

    # ------------------------------------------------------------------ first and graph calls

    def _first_or_symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        call = bind_call(self, args, kwargs)
        inputs = call["inputs"]
        self._validate_inputs(inputs, call["mask"])
        if not (_is_symbolic(inputs) or _is_symbolic(call["mask"])):
            self._check_shapes([shape_of(x) for x in inputs])
            return super()._first_or_symbolic_call(args, kwargs)
        shapes = [shape_of(x) for x in inputs]
        self._check_shapes(shapes)
        if not self.built:
            self.build_from_shape(shapes)
        key_shape = shapes[2] if len(shapes) > 2 else shapes[1]
        out = [self.compute_output_shape(shapes)]
        if call["return_attention_scores"]:
            out.append((*shapes[0][:-1], key_shape[-2]))
        return symbolic_outputs(self, args, kwargs, out)

    def _explain_error(self, error: Exception, args: tuple, kwargs: dict) -> None:
        """Turn a torch error into a Keras-style one naming the shapes received."""
        call = bind_call(self, args, kwargs)
        inputs = call["inputs"]
        self._validate_inputs(inputs, call["mask"])
        self._check_shapes([shape_of(x) for x in inputs])

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg["seed"] = self.seed
        return cfg


def _same(a: Any, b: Any) -> bool:
    return a is None or b is None or a == b
