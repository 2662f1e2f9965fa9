"""Confusion-matrix counts at a list of thresholds: the engine of Precision, Recall and AUC.

Two paths, as in Keras. Evenly spaced thresholds (AUC's 200, or any ``i / (n - 1)`` list)
drop each prediction into its threshold bucket and take a reverse cumulative sum: O(n + N).
Other thresholds compare every prediction with every threshold: O(n * N). Both run on the
device with no host sync.
"""

from __future__ import annotations

import numpy as np
import torch

from tkeras.config import epsilon
from tkeras.losses.shapes import (
    check_same_shape,
    check_weight_shape,
    squeeze_or_expand_to_same_rank,
)

NEG_INF = -1e10
KINDS = ("tp", "fp", "tn", "fn")


def check_thresholds(thresholds: list[float], who: str) -> None:
    """Raise ValueError unless every threshold is a number in [0, 1]."""
    invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(f"{who}: threshold values must be in [0, 1]. Received: {invalid}")


def parse_thresholds(
    thresholds: float | list[float] | None, default: float, who: str
) -> list[float]:
    """The list of thresholds a metric was given (``default`` when None), range-checked."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    check_thresholds(values, who)
    return values


def evenly_distributed(thresholds: list[float] | np.ndarray) -> bool:
    """Whether the thresholds are ``i / (n - 1)`` for ``i = 0..n-1`` with n >= 3 (Keras's test)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=epsilon()))


def filter_top_k(x: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the top ``k`` scores of the last axis and set the others to ``NEG_INF``."""
    idx = torch.topk(x, k, dim=-1).indices
    keep = torch.zeros_like(x).scatter_(-1, idx, 1.0)
    return x * keep + NEG_INF * (1 - keep)


def _bucket_counts(
    labels: torch.Tensor, weights: torch.Tensor | float, buckets: torch.Tensor, num_thresholds: int
) -> torch.Tensor:
    """Sum ``labels * weights`` per bucket; out-of-range buckets are dropped (as in Keras)."""
    data = labels * weights
    valid = (buckets >= 0) & (buckets < num_thresholds)
    index = torch.where(valid, buckets, num_thresholds)
    shape = (num_thresholds + 1,) + tuple(data.shape[1:])
    sums = torch.zeros(shape, dtype=data.dtype, device=data.device)
    sums.scatter_add_(0, index, data)
    # count above threshold i = sum of buckets >= i
    return sums[:-1].flip(0).cumsum(0).flip(0)


def confusion_counts(
    kinds: tuple[str, ...],
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    thresholds: torch.Tensor,
    *,
    evenly: bool,
    widened: bool = False,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: torch.Tensor | None = None,
    multi_label: bool = False,
    label_weights: torch.Tensor | None = None,
    who: str = "metric",
) -> dict[str, torch.Tensor]:
    """Weighted true/false positive/negative counts for each threshold (``pred > threshold``).

    Args:
        kinds: which counts to return, among ``'tp'``, ``'fp'``, ``'tn'``, ``'fn'``.
        y_true: labels; any non-zero value is a positive.
        y_pred: scores, the shape of ``y_true`` (or differing by a trailing axis of size 1).
        thresholds: 1-D tensor of thresholds on the state device.
        evenly: use the bucket path (thresholds evenly spaced).
        widened: on the bucket path, whether the end thresholds lie just outside [0, 1] (AUC's
            ``-epsilon`` and ``1 + epsilon``); decided by the caller on the host.
        top_k: keep only the top ``k`` scores of each row (the rest count as negative).
        class_id: count only this column of the last axis.
        sample_weight: per-sample weights (a ``(batch,)`` weight covers each row).
        multi_label: keep the label axis: counts have shape ``(thresholds, labels)``.
        label_weights: per-label weights (single-label AUC only).
        who: the name used in error messages.

    Returns:
        A dict with the requested counts, each of shape ``(len(thresholds),)`` (or
        ``(len(thresholds), labels)`` with ``multi_label``).
    """
    dtype = thresholds.dtype
    y_true, y_pred = y_true.to(dtype), y_pred.to(dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    check_same_shape(y_true, y_pred, who)
    if sample_weight is not None:
        sample_weight = sample_weight.to(dtype).unsqueeze(-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                f"{who}: when class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    weights: torch.Tensor | float = 1.0
    if sample_weight is not None:
        check_weight_shape(sample_weight, y_pred.shape, who)
        weights = sample_weight.expand(y_pred.shape)
    if label_weights is not None:
        weights = weights * label_weights.expand(y_pred.shape)
    if not multi_label:
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        if isinstance(weights, torch.Tensor):
            weights = weights.reshape(-1)
    positive = y_true != 0
    n = thresholds.shape[0]
    if evenly:
        # Keras clips scores to [0, 1] on this path only; thresholds widened by epsilon at the
        # ends (AUC) put a score of exactly 0 in bucket 0 instead of dropping it.
        buckets = torch.ceil(y_pred.clamp(0.0, 1.0) * float(n - 1)) - 1
        if widened:
            buckets = torch.relu(buckets)
        buckets = buckets.long()
        pos = positive.to(dtype)
        tp = _bucket_counts(pos, weights, buckets, n)
        fp = _bucket_counts(1.0 - pos, weights, buckets, n)
        counts = {"tp": tp, "fp": fp}
        if "tn" in kinds or "fn" in kinds:
            total_pos = (pos * weights).sum(dim=0)
            total_neg = ((1.0 - pos) * weights).sum(dim=0)
            counts["tn"] = total_neg - fp
            counts["fn"] = total_pos - tp
        return {k: counts[k] for k in kinds}
    shape = (n,) + (1,) * y_pred.ndim
    pred_pos = y_pred.unsqueeze(0) > thresholds.reshape(shape)
    pred_neg = ~pred_pos
    negative = ~positive
    conditions = {
        "tp": (positive, pred_pos),
        "fp": (negative, pred_pos),
        "tn": (negative, pred_neg),
        "fn": (positive, pred_neg),
    }
    out = {}
    for kind in kinds:
        label, pred = conditions[kind]
        hit = label.unsqueeze(0) & pred
        if isinstance(weights, torch.Tensor):
            values = torch.where(hit, weights.unsqueeze(0), 0.0)
        else:
            values = hit.to(dtype)
        out[kind] = values.sum(dim=1)
    return out
