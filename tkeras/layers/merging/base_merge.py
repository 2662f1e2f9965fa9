"""The private base of the merge layers: the list-of-inputs checks and Keras's shape rules.

Elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum) follow Keras's
``Merge``: the batch sizes must agree, the other axes broadcast when they are equal or one of
them is 1 (aligned from the last axis), and an input of lower rank gets size-1 axes inserted
right after the batch axis. The plan for those insertions is made once per list of input ranks,
so a built layer's call is a rank comparison plus the torch ops. A torch error raised by the
ops is turned into a ValueError naming the layer and the shapes.

Differences from Keras: a built layer called on inputs of other ranks (or another number of
inputs) checks and plans for them as a fresh build would; Keras reuses its first plan, which
lets torch broadcast the batch axis against a feature axis.
"""

from __future__ import annotations

from typing import Any

import torch

from tkeras.layers.layer import Layer


def format_shapes(shapes: Any) -> str:
    return "[" + ", ".join(str(tuple(s)) for s in shapes) + "]"


def _expansion(ranks: list[int]) -> list[Any] | None:
    """Per input, the index that inserts its missing axes after the batch axis (None: none)."""
    top = max(ranks)
    if all(r == top for r in ranks):
        return None
    return [None if r == top else (slice(None),) + (None,) * (top - r) for r in ranks]


class _Merge(Layer):
    """Base of the merge layers: called on a list of tensors, returns one tensor.

    Elementwise subclasses define ``_merge_function(inputs)`` on a list of tensors of equal
    rank; Concatenate and Dot replace ``build``, ``call`` and the shape rules. A layer taking an
    exact number of inputs sets ``_exact_inputs``.
    """

    _exact_inputs: int | None = None
    # A merge layer accepts no single tensor: Layer.__call__ routes every tensor input to
    # _check_input, which says to pass a list. Lists take the fast path unchecked.
    _ranks = range(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._in_ranks: list[int] | None = None
        self._index: list[Any] | None = None

    @property
    def _who(self) -> str:
        return f'{type(self).__name__} layer "{self.name}"'

    # ------------------------------------------------------------------ input checks

    def _shape_list(self, input_shape: Any) -> list[tuple]:
        """``input_shape`` as a list of shape tuples, after the input-count and rank checks."""
        # () is the shape of one scalar; [] is an empty list of inputs.
        is_list = (
            isinstance(input_shape, list) or (input_shape and isinstance(input_shape, tuple))
        ) and all(isinstance(s, (list, tuple)) for s in input_shape)
        if not is_list:
            raise ValueError(
                f"{self._who} must be called on a list of inputs, e.g. layer([x1, x2]). "
                f"Received {_received(input_shape)}."
            )
        shapes = [tuple(s) for s in input_shape]
        n = self._exact_inputs
        if n is not None and len(shapes) != n:
            raise ValueError(
                f"{self._who} must be called on exactly {n} inputs. Received {len(shapes)} "
                f"input(s) with shapes {format_shapes(shapes)}."
            )
        if len(shapes) < 2:
            raise ValueError(
                f"{self._who} must be called on a list of at least 2 inputs. Received "
                f"{len(shapes)} input(s) with shapes {format_shapes(shapes)}."
            )
        if any(len(s) == 0 for s in shapes):
            raise ValueError(
                f"{self._who}: every input needs a batch axis (rank >= 1). Received shapes "
                f"{format_shapes(shapes)}."
            )
        return shapes

    def _check_input(self, inputs: Any) -> None:
        self._shape_list(tuple(inputs.shape))

    def _explain_error(self, error: Exception, args: tuple, kwargs: dict) -> None:
        """Explain a torch error by the shapes received."""
        inputs = args[0] if args else next(iter(kwargs.values()))
        if isinstance(inputs, (list, tuple)) and all(isinstance(x, torch.Tensor) for x in inputs):
            self.compute_output_shape([tuple(x.shape) for x in inputs])

    # ------------------------------------------------------------------ elementwise shapes

    def _broadcast(self, a: tuple, b: tuple, shapes: list[tuple]) -> tuple:
        if len(a) < len(b):
            a, b = b, a
        if not b:
            return a
        out = list(a[: len(a) - len(b)])
        for i, j in zip(a[len(a) - len(b) :], b):
            if i is None or j is None:
                out.append(None)
            elif i == 1 or j == 1 or i == j:
                out.append(j if i == 1 else i)
            else:
                raise ValueError(
                    f"{self._who}: inputs have incompatible shapes {format_shapes(shapes)}. "
                    "Apart from the batch axis, each axis (aligned from the last) must be "
                    f"equal or 1; {a} and {b} are not."
                )
        return tuple(out)

    def _elementwise_shape(self, shapes: list[tuple]) -> tuple:
        batches = {s[0] for s in shapes} - {None}
        if len(batches) > 1:
            raise ValueError(
                f"{self._who} cannot merge inputs with different batch sizes. Received shapes "
                f"{format_shapes(shapes)}."
            )
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = self._broadcast(out, s[1:], shapes)
        return (batches.pop() if batches else None, *out)

    def build(self, input_shape: Any) -> None:
        shapes = self._shape_list(input_shape)
        self._elementwise_shape(shapes)
        self._in_ranks = [len(s) for s in shapes]
        self._index = _expansion(self._in_ranks)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._elementwise_shape(self._shape_list(input_shape))

    def _replan(self, inputs: Any) -> list[Any] | None:
        """Validate inputs whose ranks differ from the last call's, and plan for them."""
        self.compute_output_shape([tuple(x.shape) for x in inputs])
        self._in_ranks = [x.ndim for x in inputs]
        self._index = _expansion(self._in_ranks)
        return self._index

    def _aligned(self, inputs: Any) -> tuple[Any, list[Any] | None]:
        index = self._index if [x.ndim for x in inputs] == self._in_ranks else self._replan(inputs)
        if index is None:
            return inputs, None
        return [x if i is None else x[i] for x, i in zip(inputs, index)], index

    def call(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        if [x.ndim for x in inputs] == self._in_ranks:
            index = self._index
        else:
            index = self._replan(inputs)
        if index is not None:
            inputs = [x if i is None else x[i] for x, i in zip(inputs, index)]
        return self._merge_function(inputs)

    def _merge_function(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        raise NotImplementedError

    # ------------------------------------------------------------------ masks

    def _mask_list(self, inputs: Any, mask: Any) -> list[Any]:
        if not isinstance(mask, (list, tuple)):
            raise ValueError(
                f"{self._who}: `mask` must be a list with one mask (or None) per input. "
                f"Received: mask={mask!r}"
            )
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{self._who}: `inputs` must be a list of tensors. Received "
                f"{_received(getattr(inputs, 'shape', inputs))}."
            )
        if len(mask) != len(inputs):
            raise ValueError(
                f"{self._who}: `inputs` and `mask` must have the same length. Received "
                f"{len(inputs)} inputs and {len(mask)} masks."
            )
        return list(mask)

    def compute_mask(self, inputs: Any, mask: Any = None) -> torch.Tensor | None:
        """The OR of the input masks (None if any input is unmasked), as Keras's merges."""
        if mask is None:
            return None
        masks = self._mask_list(inputs, mask)
        if any(m is None for m in masks):
            return None
        if len({m.ndim for m in masks}) > 1:
            # Keras ORs them anyway: a torch error, or nonsense when a size meets the batch size.
            raise ValueError(
                f"{self._who}: the input masks must have the same rank to be combined. "
                f"Received masks of shapes {format_shapes(m.shape for m in masks)}."
            )
        out = masks[0]
        for m in masks[1:]:
            out = torch.logical_or(out, m)
        return out

    def _step_masks(self, inputs: Any, mask: Any) -> tuple[Any, list[Any]]:
        """Aligned inputs and their masks as ``(..., 1)`` bool tensors, for a masked call.

        As in Keras, an input that needed axes inserted loses its mask.
        """
        masks = self._mask_list(inputs, mask)
        aligned, index = self._aligned(inputs)
        out = []
        for k, (x, m) in enumerate(zip(aligned, masks)):
            if m is None or (index is not None and index[k] is not None):
                out.append(None)
                continue
            if tuple(m.shape) != tuple(x.shape[:-1]):
                raise ValueError(
                    f"{self._who}: mask {k} must have the input's shape without its last axis, "
                    f"{tuple(x.shape[:-1])}. Received a mask of shape {tuple(m.shape)} for an "
                    f"input of shape {tuple(x.shape)}."
                )
            out.append(m.bool().unsqueeze(-1))
        return aligned, out

    def _masked_fold(self, op: Any, inputs: list[torch.Tensor], mask: Any) -> torch.Tensor:
        """Keras's masked Maximum/Minimum: masked-out steps take the other inputs' values."""
        inputs, masks = self._step_masks(inputs, mask)
        output, output_mask = inputs[0], masks[0]
        for x, m in zip(inputs[1:], masks[1:]):
            if m is not None:
                x = torch.where(m, x, output)
            if output_mask is not None:
                output = torch.where(output_mask, output, x)
            output_mask = None if m is None or output_mask is None else output_mask | m
            output = op(output, x)
        return output


def _received(input_shape: Any) -> str:
    if isinstance(input_shape, dict):
        return f"a dict of inputs with keys {list(input_shape)}"
    try:
        return f"a single input of shape {tuple(input_shape)}"
    except TypeError:
        return repr(input_shape)
