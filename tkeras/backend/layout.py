"""The one place that converts between Keras's and torch's weight layouts and tensor axes.

Torch modules keep their native layouts; a ``Variable`` carries one of the layouts below and speaks
Keras's layout in ``numpy()``, ``assign()``, ``get_weights()`` and ``set_weights()``.

Activations: Keras tensors are channels_last. A spatial layer permutes its (N, *spatial, C) input
to an (N, C, *spatial) *view* with ``TO_CHANNELS_FIRST[rank]`` (no copy: the memory is already
torch's channels_last format), runs the torch op, and permutes back with ``TO_CHANNELS_LAST[rank]``.
Rank-1 layers run the 2-D op on an (N, C, 1, L) view, so their kernels are stored as
(out, in, 1, k).

Ops known to return a non-channels_last result:
- avg_pool3d on CPU returns a contiguous NCDHW tensor for a channels_last_3d input, so
  ``AveragePooling3D``'s NDHWC output is a non-contiguous view. tkeras makes no copy, but torch
  converts the input internally: on an 8x16x32^3 float32 input, one thread, avg_pool3d took
  28.7 ms on the channels_last_3d input vs 8.4 ms on a contiguous NCDHW one (max_pool3d: 4.3 ms).
  Every other conv and pooling op (1-D, 2-D, 3-D) keeps the channels_last format on CPU.
"""

from __future__ import annotations

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


class Layout:
    """Identity layout: torch and Keras agree (biases, embeddings, normalization vectors)."""

    name = "identity"

    def to_keras(self, t: torch.Tensor) -> torch.Tensor:
        return t

    def from_keras(self, t: torch.Tensor) -> torch.Tensor:
        return t

    def keras_shape(self, torch_shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(self.to_keras(torch.empty(torch_shape, device="meta")).shape)

    def torch_shape(self, keras_shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(self.from_keras(torch.empty(keras_shape, device="meta")).shape)


class Transpose(Layout):
    """Dense kernels: Keras (in, out) is ``nn.Linear.weight.T``."""

    name = "transpose"

    def to_keras(self, t):
        return t.t()

    def from_keras(self, t):
        return t.t()


class ConvKernel(Layout):
    """Conv kernels: torch (out, in/groups, *k) <-> Keras (*k, in/groups, out).

    ``squeeze_rank1``: the kernel of a rank-1 conv is stored as (out, in, 1, k) for the 2-D op.
    """

    name = "conv_kernel"

    def __init__(self, squeeze_rank1: bool = False) -> None:
        self.squeeze_rank1 = squeeze_rank1

    def to_keras(self, t):
        if self.squeeze_rank1:
            t = t.squeeze(2)
        n = t.dim()
        return t.permute(*range(2, n), 1, 0)

    def from_keras(self, t):
        n = t.dim()
        t = t.permute(n - 1, n - 2, *range(n - 2))
        return t.unsqueeze(2) if self.squeeze_rank1 else t


class Gates(Layout):
    """Recurrent weights whose last Keras axis holds ``num_gates`` gate blocks.

    ``perm[k]`` is the torch index of Keras gate ``k`` (GRU: Keras [z, r, h], torch [r, z, n]).
    ``transpose``: kernels are (in, G*u) in Keras and (G*u, in) in torch; biases are not transposed.
    """

    name = "gates"

    def __init__(self, num_gates: int, perm: tuple[int, ...] | None = None, transpose=True):
        self.num_gates = num_gates
        self.perm = list(perm) if perm is not None else list(range(num_gates))
        self.inverse = [self.perm.index(i) for i in range(num_gates)]
        self.transpose = transpose

    def _reorder(self, t, order):
        # The gate axis is last here.
        lead, n = t.shape[:-1], t.shape[-1]
        blocks = t.reshape(*lead, self.num_gates, n // self.num_gates)
        return blocks[..., order, :].reshape(*lead, n)

    def to_keras(self, t):
        if self.transpose:
            t = t.t()
        return self._reorder(t, self.perm)

    def from_keras(self, t):
        t = self._reorder(t, self.inverse)
        return t.t() if self.transpose else t


IDENTITY = Layout()
TRANSPOSE = Transpose()


class ConvTransposeKernel(ConvKernel):
    """Transposed-conv kernels: torch (in, out, *k) <-> Keras (*k, out, in).

    Keras stores a ``ConvXDTranspose`` kernel with the output channels before the input ones,
    and torch's ``conv_transpose`` weight leads with the input channels, so the permutation is
    ConvKernel's: reverse the two channel axes and move them behind the spatial ones.
    ``squeeze_rank1``: a rank-1 kernel is stored as (in, out, 1, k) for the 2-D op.
    """

    name = "conv_transpose_kernel"


class DepthwiseKernel(Layout):
    """Depthwise kernels: torch (in * dm, 1, *k) <-> Keras (*k, in, dm).

    Keras's depthwise output channel ``c * dm + m`` comes from input channel ``c`` and kernel
    slice ``[..., c, m]``, which is torch's grouped conv (groups=in) with out channel
    ``c * dm + m``: reshaping the Keras kernel to (*k, 1, in * dm) lines the two up.
    ``squeeze_rank1``: a rank-1 kernel is stored as (in * dm, 1, 1, k) for the 2-D op.
    """

    name = "depthwise_kernel"

    def __init__(self, depth_multiplier: int, squeeze_rank1: bool = False) -> None:
        self.depth_multiplier = depth_multiplier
        self.squeeze_rank1 = squeeze_rank1

    def to_keras(self, t):
        if self.squeeze_rank1:
            t = t.squeeze(2)
        n = t.dim()
        t = t.permute(*range(2, n), 1, 0)  # (*k, 1, in * dm)
        dm = self.depth_multiplier
        return t.reshape(*t.shape[:-2], t.shape[-1] // dm, dm)

    def from_keras(self, t):
        if t.dim() < 3 or t.shape[-1] != self.depth_multiplier:
            raise ValueError(
                f"Expected a depthwise kernel of shape (*kernel_size, channels, "
                f"{self.depth_multiplier}), received a value of shape {tuple(t.shape)}."
            )
        n = t.dim()
        t = t.reshape(*t.shape[:-2], 1, t.shape[-2] * t.shape[-1])
        t = t.permute(n - 1, n - 2, *range(n - 2))
        return t.unsqueeze(2) if self.squeeze_rank1 else t


class ProjectionKernel(Layout):
    """Multi-axis projection kernels (MultiHeadAttention's query/key/value/output kernels).

    Keras's layout is ``(*in_shape, *out_shape)``: a query kernel ``(dim, heads, key_dim)``, an
    output kernel ``(heads, value_dim, *output_shape)``. torch stores ``nn.Linear``'s
    ``(prod(out_shape), prod(in_shape))``, so a projection is one ``F.linear`` over the flattened
    axes.
    """

    name = "projection_kernel"

    def __init__(self, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> None:
        self.in_shape = tuple(int(d) for d in in_shape)
        self.out_shape = tuple(int(d) for d in out_shape)
        self._keras = (*self.in_shape, *self.out_shape)

    def to_keras(self, t):
        return t.t().reshape(self._keras)

    def from_keras(self, t):
        if tuple(t.shape) != self._keras:
            raise ValueError(
                f"Expected a kernel of shape {self._keras}, received a value of "
                f"shape {tuple(t.shape)}."
            )
        n_in = 1
        for d in self.in_shape:
            n_in *= d
        return t.reshape(n_in, -1).t()


class FlatBias(Layout):
    """Multi-axis biases (MultiHeadAttention's ``(heads, key_dim)``), stored flat for F.linear."""

    name = "flat_bias"

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = tuple(int(d) for d in shape)

    def to_keras(self, t):
        return t.reshape(self.shape)

    def from_keras(self, t):
        if tuple(t.shape) != self.shape:
            raise ValueError(
                f"Expected a bias of shape {self.shape}, received a value of shape "
                f"{tuple(t.shape)}."
            )
        return t.reshape(-1)
