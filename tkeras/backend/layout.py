"""The one place that knows how Keras's weight shapes and tensor axes meet torch's.

Weights: every ``tkeras.Variable`` has Keras's shape and values; its *storage* is laid out for
the torch op that consumes it, so the Variable is a strided view of that buffer and the op gets a
view of the same memory (no copy; autograd returns gradients with the Variable's strides, so the
optimizers' foreach kernels stay on their fast path). One table, per family:

==========================  ===========================  =====================  ====================
family (Keras shape)        buffer (memory order)        op receives            layout object
==========================  ===========================  =====================  ====================
bias, BN, embeddings, ...   the Keras shape              the Variable           ``IDENTITY``
Dense kernel (in, out)      (out, in)                    ``(out, in)`` view     ``TRANSPOSE``
SimpleRNN/LSTM kernels      (G*u, in)                    ``(G*u, in)`` view     ``TRANSPOSE``
  (in, G*u), (u, G*u)
Conv kernel                 (out, *k, in): torch's       ``(out, in, *k)``      ``ConvKernel``
  (*k, in, out)             channels_last weight         channels_last view
ConvTranspose kernel        (in, *k, out)                ``(in, out, *k)`` view ``ConvKernel``
  (*k, out, in)
Depthwise kernel            (in, dm, *k)                 ``(in*dm, 1, *k)``     ``DepthwiseKernel``
  (*k, in, dm)                                           view
MHA kernels (*in, *out)     (prod(out), prod(in))        ``nn.Linear`` weight   ``Projection``
                                                         view
MHA biases (heads, dim)     flat                         flat view              ``FlatBias``
GRU kernels (in, 3u)        (3u, in), Keras gates        a copy in torch's      ``GateOrder``
  and bias (2, 3u)/(3u,)    [z, r, h]                    gates [r, z, n]
==========================  ===========================  =====================  ====================

GRU's gate order has no strided view: the op gets a reordered copy of its weights once per
sequence (not per step). Measured for GRU(64) on 64 features (2 x 12,288 + 384 floats, CPU, one
thread, on a busy shared machine): 69 us for the copy (with autograd) next to 183 ms for the
GRU's call on a (32, 100, 64) batch in the same run, under 0.1%.
Rank-1 convolutions run the 2-D op on an (N, C, 1, L) view, so their op view gains a unit axis.
``conv`` buffers of channels_first layers stay in torch's default (out, in, *k) order.

Activations: Keras tensors are channels_last. A spatial layer permutes its (N, *spatial, C) input
to an (N, C, *spatial) *view* with ``TO_CHANNELS_FIRST[rank]`` (no copy: the memory is already
torch's channels_last format), runs the torch op, and permutes back with ``TO_CHANNELS_LAST[rank]``.

Ops known to return a non-channels_last result:
- avg_pool3d on CPU returns a contiguous NCDHW tensor for a channels_last_3d input, so
  ``AveragePooling3D``'s NDHWC output is a non-contiguous view. tkeras makes no copy, but torch
  converts the input internally: on an 8x16x32^3 float32 input, one thread, avg_pool3d took
  28.7 ms on the channels_last_3d input vs 8.4 ms on a contiguous NCDHW one (max_pool3d: 4.3 ms).
  Every other conv and pooling op (1-D, 2-D, 3-D) keeps the channels_last format on CPU.
"""

from __future__ import annotations

import math

import torch

# Axis permutations keyed by the number of spatial dimensions.
TO_CHANNELS_FIRST = {1: (0, 3, 1, 2), 2: (0, 3, 1, 2), 3: (0, 4, 1, 2, 3)}
TO_CHANNELS_LAST = {1: (0, 2, 3, 1), 2: (0, 2, 3, 1), 3: (0, 2, 3, 4, 1)}


def channels_first_view(x: torch.Tensor, rank: int) -> torch.Tensor:
    """(N, *spatial, C) -> an (N, C, *spatial) view; rank 1 becomes (N, C, 1, L)."""
    if rank == 1:
        x = x.unsqueeze(1)
    return x.permute(TO_CHANNELS_FIRST[rank])


def channels_last_view(y: torch.Tensor, rank: int) -> torch.Tensor:
    """The inverse of ``channels_first_view``: (N, C, *spatial) -> (N, *spatial, C)."""
    y = y.permute(TO_CHANNELS_LAST[rank])
    return y.squeeze(1) if rank == 1 else y


def _laid_out(value: torch.Tensor, order: tuple[int, ...]) -> torch.Tensor:
    """``value`` (Keras's shape) as a view of a fresh buffer holding its axes in ``order``."""
    inverse = sorted(range(len(order)), key=order.__getitem__)
    return value.permute(order).contiguous().permute(inverse)


class Layout:
    """Identity: the buffer is the Keras-shaped tensor and the op takes the Variable as it is."""

    name = "identity"

    def allocate(self, value: torch.Tensor) -> torch.Tensor:
        """A Keras-shaped tensor equal to ``value`` whose memory is in this family's buffer
        order (what a ``Variable`` wraps)."""
        return value.contiguous()

    def op(self, var: torch.Tensor) -> torch.Tensor:
        """The tensor the torch op receives for the Keras-shaped ``var`` (a view, with autograd)."""
        return var

    def __repr__(self) -> str:
        return f"<layout {self.name}>"


class Transpose(Layout):
    """2-D kernels stored as their transpose: Dense ``(in, out)`` over ``nn.Linear``'s
    ``(out, in)``; SimpleRNN/LSTM ``(in, G*u)`` over torch's ``w_ih``/``w_hh``."""

    name = "transpose"

    def allocate(self, value):
        return value.t().contiguous().t()

    def op(self, var):
        return var.t()


class ConvKernel(Layout):
    """Conv kernels ``(*k, a, b)`` (conv: a=in/groups, b=out; transposed conv: a=out, b=in)
    over torch's ``(b, a, *k)`` weight, whose channels_last memory is ``(b, *k, a)``.

    Args:
        rank: the number of spatial axes (1 adds the unit height axis of the 2-D op).
        channels_last: store the buffer in torch's channels_last order (channels_last layers),
            else torch's default (b, a, *k) order.
    """

    name = "conv_kernel"

    def __init__(self, rank: int, channels_last: bool = True) -> None:
        n = rank + 2
        self.rank = rank
        self._op_perm = (n - 1, n - 2, *range(n - 2))
        self._order = (n - 1, *range(n - 2), n - 2) if channels_last else self._op_perm

    def allocate(self, value):
        return _laid_out(value, self._order)

    def op(self, var):
        w = var.permute(self._op_perm)
        return w.unsqueeze(2) if self.rank == 1 else w


class DepthwiseKernel(Layout):
    """Depthwise kernels ``(*k, in, dm)`` over torch's grouped-conv weight ``(in*dm, 1, *k)``.

    Keras's depthwise output channel ``c*dm + m`` comes from input channel ``c`` and kernel slice
    ``[..., c, m]``: torch's grouped conv (groups=in) with out channel ``c*dm + m``. The buffer
    is ``(in, dm, *k)``, which is that weight in both memory formats (its channel axis is 1).
    """

    name = "depthwise_kernel"

    def __init__(self, rank: int) -> None:
        n = rank + 2
        self.rank = rank
        self._order = (n - 2, n - 1, *range(n - 2))

    def allocate(self, value):
        return _laid_out(value, self._order)

    def op(self, var):
        w = var.permute(self._order).flatten(0, 1).unsqueeze(1)
        return w.unsqueeze(2) if self.rank == 1 else w


class Projection(Layout):
    """Multi-axis projection kernels ``(*in_shape, *out_shape)`` (MultiHeadAttention's query
    ``(dim, heads, key_dim)`` and output ``(heads, value_dim, *out)``) over an ``nn.Linear``
    weight ``(prod(out_shape), prod(in_shape))``: one ``F.linear`` over the flattened axes."""

    name = "projection"

    def __init__(self, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> None:
        self._flat = (math.prod(in_shape), math.prod(out_shape))

    def allocate(self, value):
        return value.reshape(self._flat).t().contiguous().t().reshape(value.shape)

    def op(self, var):
        return var.reshape(self._flat).t()


class FlatBias(Layout):
    """Multi-axis biases (MultiHeadAttention's ``(heads, key_dim)``), flat for ``F.linear``."""

    name = "flat_bias"

    def op(self, var):
        return var.reshape(-1)


class GateOrder(Layout):
    """Recurrent weights whose last Keras axis holds gate blocks in another order than torch's
    (GRU: Keras ``[z, r, h]``, torch ``[r, z, n]``): no strided view maps one onto the other,
    so ``op`` returns a reordered copy (see the measurement above).

    Args:
        order: the Keras gate index of each torch gate block (self-inverse for GRU).
        kernel: 2-D kernels ``(in, G*u)``, stored ``(G*u, in)``; the op gets torch's ``(G*u, in)``.
            Otherwise a bias ``(..., G*u)``, stored as is; the op gets it reordered on the last
            axis.
    """

    name = "gate_order"

    def __init__(self, order: tuple[int, ...], kernel: bool) -> None:
        self.order = tuple(order)
        self.kernel = kernel

    def allocate(self, value):
        return value.t().contiguous().t() if self.kernel else value.contiguous()

    def op(self, var):
        if self.kernel:
            blocks = var.t().chunk(len(self.order), 0)
            return torch.cat([blocks[i] for i in self.order], 0)
        blocks = var.chunk(len(self.order), -1)
        return torch.cat([blocks[i] for i in self.order], -1)


IDENTITY = Layout()
TRANSPOSE = Transpose()
