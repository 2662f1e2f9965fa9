"""CTC, Circle and generalized crossentropy losses (the newer Keras 3 losses)."""

from __future__ import annotations

from typing import Any

import torch

from tkeras.losses.loss import _KerasLoss, squeeze_or_expand_to_same_rank
from tkeras.ops.nn_extra import ctc_loss


def ctc(y_true: Any, y_pred: Any) -> torch.Tensor:
    """CTC loss per sequence: int labels ``(batch, max_len)`` (0 = blank/padding) against
    logits ``(batch, time, classes)``; every output step counts.

    Example:
        >>> import torch, tkeras
        >>> tkeras.losses.ctc(torch.tensor([[1, 2]]), torch.zeros(1, 4, 3)).shape
        torch.Size([1])
    """
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_true.dim() != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={tuple(y_true.shape)}"
        )
    if y_pred.dim() != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
            f"num_classes)`. Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    lengths = torch.full((batch,), steps, dtype=torch.int32, device=y_pred.device)
    label_lengths = (y_true != 0).sum(-1).to(torch.int32)
    return ctc_loss(y_true, y_pred, label_lengths, lengths, mask_index=0)


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> torch.Tensor:
    """Generalized crossentropy (Zhang & Sabuncu, 2018): ``(1 - p_true ** q) / q`` for int
    labels ``y_true`` and probabilities ``y_pred``; robust to noisy labels."""
    y_pred = torch.as_tensor(y_pred)
    labels = torch.as_tensor(y_true, device=y_pred.device).long()
    one_hot = torch.nn.functional.one_hot(labels, y_pred.shape[-1]).to(y_pred.dtype)
    p = (y_pred * one_hot).sum(-1)
    return (1 - p.pow(q)) / q


def _circle_values(y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin):
    y_pred = torch.as_tensor(y_pred)
    labels = torch.as_tensor(y_true, device=y_pred.device).to(torch.int32).reshape(-1, 1)
    refs = y_pred if ref_embeddings is None else torch.as_tensor(ref_embeddings)
    ref = labels if ref_labels is None else torch.as_tensor(ref_labels).to(torch.int32)
    ref = ref.reshape(-1, 1)
    distances = torch.clamp(1 - y_pred @ refs.T, min=0.0)
    positive = labels == ref.T
    negative = ~positive
    if remove_diagonal:
        eye = torch.eye(labels.shape[0], ref.shape[0], dtype=torch.bool, device=y_pred.device)
        positive = positive & ~eye
    pos_w = torch.clamp((margin + distances) * positive, min=0.0)
    neg_w = torch.clamp((1 + margin - distances) * negative, min=0.0)
    pos = -gamma * pos_w * (margin - distances)
    neg = gamma * neg_w * ((1 - margin) - distances)
    inf = torch.tensor(float("-inf"), dtype=distances.dtype, device=distances.device)
    p_loss = torch.logsumexp(torch.where(positive, pos, inf), dim=1)
    n_loss = torch.logsumexp(torch.where(negative, neg, inf), dim=1)
    return torch.nn.functional.softplus(p_loss + n_loss)


def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> torch.Tensor:
    """Circle loss (Sun et al., 2020) per example for L2-normalized embeddings ``y_pred`` with
    int labels ``y_true``; pairs are taken against ``ref_embeddings``/``ref_labels`` (default:
    the batch itself, without the diagonal when ``remove_diagonal``).

    As in Keras, the ``Circle`` class averages over the examples whose loss is non-zero.
    """
    return _circle_values(
        y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin
    )


class CTC(_KerasLoss):
    """CTC loss for int label sequences (0 = blank/padding) against per-step logits.

    Args:
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.
    """

    _fn = staticmethod(ctc)

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "ctc", dtype: Any = None
    ) -> None:
        super().__init__(reduction, name, dtype)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return ctc(y_true, y_pred)  # label and logit ranks differ by design: no alignment


class CategoricalGeneralizedCrossEntropy(_KerasLoss):
    """Generalized crossentropy ``(1 - p_true ** q) / q`` for int labels and probabilities.

    Args:
        q: in (0, 1); towards 0 it approaches crossentropy, at 1 it is MAE-like.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.
    """

    _fn = staticmethod(categorical_generalized_cross_entropy)

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
    ) -> None:
        if not 0 < q < 1:
            raise ValueError(
                f"CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1). "
                f"Received: q={q}"
            )
        super().__init__(reduction, name, dtype, q=q)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return categorical_generalized_cross_entropy(y_true, y_pred, self.q)


class Circle(_KerasLoss):
    """Circle loss for metric learning on L2-normalized embeddings with int labels; the batch
    mean is over the examples with a non-zero loss, as Keras masks the others.

    Args:
        gamma: the scale factor.
        margin: the relaxation margin.
        remove_diagonal: leave each example out of its own positive pairs.
        reduction: see ``Loss``.
        name: the loss name.
        dtype: the computation dtype.
    """

    _fn = staticmethod(circle)

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: str | None = "sum_over_batch_size",
        name: str = "circle",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction, name, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal
        )

    def _values_and_mask(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        values = circle(y_true, y_pred, **self._fn_kwargs)
        return values, values > 0
