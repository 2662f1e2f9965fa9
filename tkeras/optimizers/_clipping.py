"""Gradient clipping as Keras's optimizers clip: per tensor, by global norm, or by value.

Every function returns new tensors: the gradients may be a caller's tensors (``apply``) or the
parameters' ``.grad`` (``step``), and neither is changed.
"""

from __future__ import annotations

import torch


def clip_by_norm(grads: list[torch.Tensor], clipnorm: float) -> list[torch.Tensor]:
    """Each gradient times ``clipnorm / max(norm, clipnorm)``: its L2 norm is at most clipnorm.

    Example:
        >>> clip_by_norm([torch.tensor([3.0, 4.0])], 1.0)[0].tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    scales = torch._foreach_norm(grads)
    torch._foreach_clamp_min_(scales, clipnorm)
    torch._foreach_reciprocal_(scales)
    torch._foreach_mul_(scales, clipnorm)
    return torch._foreach_mul(grads, scales)


def clip_by_global_norm(grads: list[torch.Tensor], clipnorm: float) -> list[torch.Tensor]:
    """All gradients scaled together so that their global L2 norm is at most ``clipnorm``.

    A non-finite global norm makes every gradient NaN, as in Keras, rather than silently zero.

    Example:
        >>> [g.tolist() for g in clip_by_global_norm([torch.tensor([3.0]), torch.tensor([4.0])],
        ...                                          1.0)]
        [[0.6000000238418579], [0.800000011920929]]
    """
    device = grads[0].device
    norms = [n.to(device) for n in torch._foreach_norm(grads)]
    total = torch.linalg.vector_norm(torch.stack(norms))
    # clipnorm * min(1/norm, 1/clipnorm), plus (norm - norm): NaN when the norm is not finite.
    scale = torch.clamp_max(total.reciprocal(), 1.0 / clipnorm) * clipnorm + (total - total)
    if all(g.device == device for g in grads):
        return torch._foreach_mul(grads, scale)
    return [g * scale.to(g.device) for g in grads]


def clip_by_value(grads: list[torch.Tensor], clipvalue: float) -> list[torch.Tensor]:
    """Each gradient element clipped to ``[-clipvalue, clipvalue]``.

    Example:
        >>> clip_by_value([torch.tensor([-2.0, 0.5, 3.0])], 1.0)[0].tolist()
        [-1.0, 0.5, 1.0]
    """
    clipped = torch._foreach_clamp_min(grads, -clipvalue)
    torch._foreach_clamp_max_(clipped, clipvalue)
    return clipped
