"""MaxNumBoundingBoxes: pads or truncates the bounding boxes of each image to a fixed number."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from tkeras.layers.preprocessing.base_image_layer import _ImageLayer, as_float


class MaxNumBoundingBoxes(_ImageLayer):
    """Gives every image exactly ``max_number`` bounding boxes, in training and at inference.

    Called on ``{"images": x, "bounding_boxes": {"boxes": (N, B, 4), "labels": (N, B)}}``
    (optionally with ``"labels"``), the boxes and their labels are cut to the first
    ``max_number`` or padded with ``fill_value``; images and labels pass through. Called on
    images alone it returns them (float32 for float inputs). As in Keras, a dict with bounding
    boxes needs ``bounding_box_format`` (e.g. ``'xyxy'``), and ``fill_value`` is not in the
    config.

    Differences from Keras: boxes must be dense tensors (Keras also takes ragged lists).

    Args:
        max_number: the number of boxes per image.
        fill_value: the value of padded boxes and labels (default -1).
        bounding_box_format: keyword only; the format of the boxes (any; not converted).

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")
        >>> boxes = {"boxes": torch.ones(1, 2, 4), "labels": torch.ones(1, 2)}
        >>> layer({"images": torch.zeros(1, 4, 4, 3), "bounding_boxes": boxes})[
        ...     "bounding_boxes"]["labels"]
        tensor([[ 1.,  1., -1.]])
    """

    def __init__(self, max_number: int, fill_value: int = -1, **kwargs: Any) -> None:
        self.bounding_box_format = kwargs.pop("bounding_box_format", None)
        data_format = kwargs.pop("data_format", None)
        super().__init__(data_format=data_format, **kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("fill_value", None)
        config["data_format"] = self.data_format
        if self.bounding_box_format is None:
            config.pop("bounding_box_format", None)
        return config

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not isinstance(inputs, dict):
            self._check_images(inputs)
            return as_float(inputs) if inputs.is_floating_point() else inputs
        out = dict(inputs)
        if "bounding_boxes" in inputs:
            if not self.bounding_box_format:
                raise ValueError(
                    f"MaxNumBoundingBoxes {self.name!r}: you passed an input with a "
                    "'bounding_boxes' key, but no bounding box format. Pass a "
                    "`bounding_box_format` argument, e.g. `bounding_box_format='xyxy'`."
                )
            out["bounding_boxes"] = self._fix_count(inputs["bounding_boxes"])
        return out

    def _fix_count(self, bounding_boxes: dict) -> dict:
        extra = sorted(set(bounding_boxes) - {"boxes", "labels"})
        if extra:
            raise KeyError(
                f"There are unsupported keys in `bounding_boxes`: {extra}. Only `boxes` and "
                "`labels` are supported."
            )
        boxes = torch.as_tensor(bounding_boxes["boxes"])
        labels = torch.as_tensor(bounding_boxes["labels"])
        pad = max(self.max_number - boxes.shape[1], 0)
        boxes = F.pad(boxes[:, : self.max_number], (0, 0, 0, pad), value=self.fill_value)
        labels = F.pad(labels[:, : self.max_number], (0, pad), value=self.fill_value)
        return {**bounding_boxes, "boxes": boxes, "labels": labels}

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape
