"""Intersection-over-union metrics: IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU."""

from __future__ import annotations

import warnings
from typing import Any

import torch

from tkeras.config import epsilon
from tkeras.metrics.metric import Metric


class _IoUBase(Metric):
    """Private base: accumulates a ``(num_classes, num_classes)`` confusion matrix (rows: true
    classes) in int32, as Keras (float sample weights are truncated, with Keras's warning)."""

    _direction = "up"  # read by callbacks with mode="auto"

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None,
        dtype: Any,
        ignore_class: int | None,
        sparse_y_true: bool,
        sparse_y_pred: bool,
        axis: int,
    ) -> None:
        super().__init__(name=name, dtype=dtype or "int32")  # Keras's default: 'int'
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.num_classes = num_classes
        self.target_class_ids = list(target_class_ids)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.add_variable(
            shape=(num_classes, num_classes), dtype="int32", name="total_confusion_matrix"
        )

    def _labels(self, y_true: torch.Tensor, y_pred: torch.Tensor):
        if not self.sparse_y_true:
            y_true = y_true.argmax(dim=self.axis)
        if not self.sparse_y_pred:
            y_pred = y_pred.argmax(dim=self.axis)
        return y_true, y_pred

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, sample_weight, y_pred = self._inputs(y_true, sample_weight, y_pred)
        y_true, y_pred = self._labels(y_true, y_pred)
        y_true = y_true.to(torch.int32).reshape(-1)
        y_pred = y_pred.to(torch.int32).reshape(-1)
        if sample_weight is None:
            weight = torch.ones_like(y_true)
        else:
            if sample_weight.is_floating_point():
                warnings.warn(
                    "You are passing weight as `float`, but dtype is `int`. This may result in "
                    "an incorrect weight due to type casting Consider using integer weights.",
                    stacklevel=2,
                )
            weight = sample_weight.to(torch.int32).reshape(-1).broadcast_to(y_true.shape)
        n = self.num_classes
        valid = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            valid = valid & (y_true != self.ignore_class)
        y_true = torch.where(valid, y_true, 0).long()
        y_pred = torch.where(valid, y_pred, 0).long()
        weight = torch.where(valid, weight, 0)
        cm = torch.zeros(n * n, dtype=torch.int32, device=y_true.device)
        cm.scatter_add_(0, y_true * n + y_pred, weight)
        self.total_confusion_matrix.add_(cm.view(n, n))

    def result(self) -> torch.Tensor:
        cm = self.total_confusion_matrix
        tp = torch.diagonal(cm).float()
        denominator = cm.sum(0).float() + cm.sum(1).float() - tp
        ids = torch.tensor(self.target_class_ids, device=cm.device)
        tp, denominator = tp[ids], denominator[ids]
        valid = denominator > 1e-9
        iou = torch.where(valid, tp / (denominator + epsilon()), 0.0)
        return iou.sum(dim=self.axis) / (valid.float().sum() + epsilon())

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "num_classes": self.num_classes,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class IoU(_IoUBase):
    """The mean intersection-over-union of the ``target_class_ids`` classes, over all updates.

    ``IoU = TP / (TP + FP + FN)`` per class from a running confusion matrix; classes that never
    occur are left out of the mean.

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes to average.
        name: the metric name.
        dtype: the result dtype.
        ignore_class: a class id whose true labels are skipped.
        sparse_y_true: True for int labels, False for one-hot/probabilities (argmax on axis).
        sparse_y_pred: the same for predictions.
        axis: the class axis for the argmax.

    Example:
        >>> import torch, tkeras
        >>> m = tkeras.metrics.IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state(torch.tensor([0, 0, 1, 1]), torch.tensor([0, 1, 0, 1]))
        >>> round(m.result().item(), 4)
        0.3333
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            target_class_ids,
            name,
            dtype,
            ignore_class,
            sparse_y_true,
            sparse_y_pred,
            axis,
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_class_ids": self.target_class_ids}


class MeanIoU(_IoUBase):
    """The mean IoU over all ``num_classes`` classes (see ``IoU``).

    Args:
        num_classes, name, dtype, ignore_class, sparse_y_true, sparse_y_pred, axis: as IoU.
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name,
            dtype,
            ignore_class,
            sparse_y_true,
            sparse_y_pred,
            axis,
        )


class BinaryIoU(_IoUBase):
    """IoU for binary labels and scores thresholded at ``threshold`` (see ``IoU``).

    Args:
        target_class_ids: which of classes 0 and 1 to average.
        threshold: predictions ``>= threshold`` count as class 1.
        name: the metric name.
        dtype: the result dtype.
    """

    def __init__(
        self,
        target_class_ids: Any = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(2, target_class_ids, name, dtype, None, True, True, -1)
        self.threshold = threshold

    def _labels(self, y_true, y_pred):
        return y_true, (y_pred.float() >= self.threshold).to(torch.int32)

    def get_config(self) -> dict[str, Any]:
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class OneHotIoU(_IoUBase):
    """IoU for one-hot labels (and, unless ``sparse_y_pred``, probability predictions).

    Args:
        num_classes, target_class_ids, name, dtype, ignore_class, axis: as IoU.
        sparse_y_pred: whether predictions are class ids.
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Any,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes, target_class_ids, name, dtype, ignore_class, False, sparse_y_pred, axis
        )

    def get_config(self) -> dict[str, Any]:
        cfg = {**super().get_config(), "target_class_ids": self.target_class_ids}
        cfg.pop("sparse_y_true")
        return cfg


class OneHotMeanIoU(_IoUBase):
    """Mean IoU over all classes for one-hot labels (see ``OneHotIoU``).

    Args:
        num_classes, name, dtype, ignore_class, sparse_y_pred, axis: as OneHotIoU.
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name,
            dtype,
            ignore_class,
            False,
            sparse_y_pred,
            axis,
        )

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg.pop("sparse_y_true")
        return cfg
