"""Shape rules shared by losses and metrics: Keras's trailing-1 alignment, and nothing else.

Keras aligns ``y_true`` with ``y_pred`` (and a sample weight with the per-sample loss) by
squeezing or adding one trailing axis of size 1, then lets the backend broadcast whatever is
left. tkeras applies the same alignment and raises on any mismatch that remains, so a label
of shape ``(batch,)`` never silently broadcasts against a prediction of shape ``(batch, 3)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from tkeras.backend.convert import standardize_dtype
from tkeras.config import floatx


def to_tensor(x: Any, device: torch.device | str | None = None) -> torch.Tensor:
    """A tensor from a tensor or array-like; float64 host data becomes floatx, as in Keras.

    Scalars stay 0-d (``np.ascontiguousarray`` would make them shape ``(1,)``).
    """
    if not isinstance(x, torch.Tensor):
        arr = np.asarray(x)
        if arr.dtype == np.float64:
            arr = arr.astype(floatx())
        x = torch.from_numpy(np.ascontiguousarray(arr).reshape(arr.shape))
    return x if device is None else x.to(device)


def as_tensors(y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """``y_pred`` as a tensor, and ``y_true`` as a tensor on the same device (dtypes kept)."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.device)
    return y_true, y_pred


def squeeze_or_expand_to_same_rank(
    x1: torch.Tensor, x2: torch.Tensor, expand_rank_1: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Keras's alignment: when the ranks differ by one and the longer has a trailing 1, drop it.

    A rank-1 partner is expanded instead (``(b,)`` with ``(b, 1)`` gives two ``(b, 1)``) unless
    ``expand_rank_1`` is False. Any other pair is returned unchanged.
    """
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def check_same_shape(y_true: torch.Tensor, y_pred: torch.Tensor, who: str) -> None:
    """Raise ValueError naming both shapes unless ``y_true`` and ``y_pred`` have equal shapes."""
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{who}: y_true and y_pred have incompatible shapes: "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. Expected "
            "equal shapes, or shapes that differ only by a trailing axis of size 1."
        )


def align(y_true: torch.Tensor, y_pred: torch.Tensor, who: str) -> tuple[torch.Tensor, ...]:
    """Keras's trailing-1 alignment, then equal shapes or ValueError."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_same_shape(y_true, y_pred, who)
    return y_true, y_pred


def check_weight_shape(weight: torch.Tensor, shape: torch.Size, who: str) -> None:
    """Raise unless ``weight`` is a scalar or has ``shape``'s rank with each axis equal or 1.

    Axes of size 1 broadcast (a ``(batch, 1)`` weight over ``(batch, steps)`` values is how a
    user writes one weight per sample); a weight of another rank never broadcasts.
    """
    if weight.ndim == 0:
        return
    ok = weight.ndim == len(shape) and all(w in (1, s) for w, s in zip(weight.shape, shape))
    if not ok:
        raise ValueError(
            f"{who}: sample_weight of shape {tuple(weight.shape)} does not match values of shape "
            f"{tuple(shape)}. Expected the same shape, axes of size 1 where it should broadcast, "
            "or a scalar."
        )


def sparse_ids(y_true: torch.Tensor, who: str) -> torch.Tensor:
    """Integer class ids (int64) from integer or integer-valued float labels.

    Float labels cost one host sync to verify they are integral (integer labels cost none);
    a non-integral value raises ValueError instead of being truncated.
    """
    if not y_true.is_floating_point():
        return y_true.long()
    ids = y_true.long()
    integral = ids.to(y_true.dtype) == y_true
    if not bool(integral.all()):
        example = y_true[~integral].flatten()[0].item()
        raise ValueError(
            f"{who}: y_true holds class ids, so its values must be integers; received the "
            f"non-integral value {example!r} (dtype {str(y_true.dtype).replace('torch.', '')})."
            " Pass integer labels, or one-hot labels with the categorical loss."
        )
    return ids


def float_pair(y_true: Any, y_pred: Any, who: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Tensors on ``y_pred``'s device, ``y_true`` cast to ``y_pred``'s float dtype, aligned."""
    y_true, y_pred = as_tensors(y_true, y_pred)
    if not y_pred.is_floating_point():
        y_pred = y_pred.to(standardize_dtype(None))
    return align(y_true.to(y_pred.dtype), y_pred, who)
