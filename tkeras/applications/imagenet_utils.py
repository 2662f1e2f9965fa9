"""ImageNet helpers shared by the applications: ``preprocess_input``, ``decode_predictions``.

Same modes, constants and class index file as ``keras.applications.imagenet_utils``.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import torch

from tkeras import config

CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
_CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

# Per-channel statistics of the ImageNet training set (caffe: BGR means, torch: RGB mean/std).
_CAFFE_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)

__all__ = ["decode_predictions", "preprocess_input"]


def _check_args(data_format: Any, mode: str) -> str:
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    if data_format is None:
        return config.image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    return data_format


def _channel_view(ndim: int, data_format: str) -> tuple:
    """The shape that broadcasts a 3-vector along the channel axis."""
    if data_format == "channels_last":
        return (1,) * (ndim - 1) + (3,)
    return (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)


def _preprocess_numpy(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    # Keras writes over a float input (documented): keep the in-place updates.
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(config.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        channel_axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
        x = np.flip(x, axis=channel_axis)  # RGB -> BGR
        mean, std = _CAFFE_MEAN, None
    shape = _channel_view(x.ndim, data_format)
    x -= np.asarray(mean, dtype=x.dtype).reshape(shape)
    if std is not None:
        x /= np.asarray(std, dtype=x.dtype).reshape(shape)
    return x


def _preprocess_tensor(x: Any, data_format: str, mode: str) -> Any:
    x = torch.as_tensor(x)
    if not x.is_floating_point():
        x = x.to(getattr(torch, config.floatx()))
    if mode == "tf":
        return x / 127.5 - 1.0
    shape = _channel_view(x.ndim, data_format)
    if mode == "torch":
        mean = torch.tensor(_TORCH_MEAN, dtype=x.dtype, device=x.device).reshape(shape)
        std = torch.tensor(_TORCH_STD, dtype=x.dtype, device=x.device).reshape(shape)
        return (x / 255.0 - mean) / std
    channel_axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    x = torch.flip(x, dims=(channel_axis,))
    return x - torch.tensor(_CAFFE_MEAN, dtype=x.dtype, device=x.device).reshape(shape)


def preprocess_input(x: Any, data_format: Any = None, mode: str = "caffe") -> Any:
    """Preprocess a batch of images for an ImageNet model (``caffe``, ``tf`` or ``torch`` mode).

    Args:
        x: a NumPy array or tensor, 3D or 4D, 3 colour channels, values in [0, 255]. A float
            NumPy array is updated in place, as in Keras.
        data_format: ``"channels_last"`` or ``"channels_first"``; default
            ``image_data_format()``.
        mode: ``"caffe"`` (RGB to BGR, minus the ImageNet mean per channel), ``"tf"`` (scale to
            [-1, 1]) or ``"torch"`` (scale to [0, 1], then normalize with the ImageNet mean/std).

    Example:
        >>> import numpy as np
        >>> from tkeras.applications import imagenet_utils
        >>> imagenet_utils.preprocess_input(np.full((1, 1, 3), 255.0), mode="tf").tolist()
        [[[1.0, 1.0, 1.0]]]
    """
    data_format = _check_args(data_format, mode)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    if hasattr(x, "shape") and hasattr(x, "node"):  # a KerasTensor: record an op
        raise NotImplementedError(
            "preprocess_input on a symbolic tensor (keras.Input) is not supported by tkeras yet; "
            "apply it to the NumPy images or tensors before the model, or in a Lambda layer."
        )
    return _preprocess_tensor(x, data_format, mode)


def class_index_path() -> str:
    """The local path of Keras's ``imagenet_class_index.json``, downloaded once if needed."""
    from tkeras.applications._weights import fetch

    return fetch("imagenet_class_index.json", CLASS_INDEX_PATH, _CLASS_INDEX_HASH)


def decode_predictions(preds: Any, top: int = 5) -> list:
    """The ``top`` ImageNet classes ``(class_id, name, score)`` of each prediction row.

    Args:
        preds: predictions of shape ``(samples, 1000)``.
        top: how many classes to return per sample.

    Reads ``imagenet_class_index.json`` from Keras's cache (``~/.keras/models`` or
    ``$KERAS_HOME/models``), downloading it with Keras's URL and hash when missing.

    Example:
        >>> import numpy as np
        >>> from tkeras.applications import imagenet_utils
        >>> imagenet_utils.decode_predictions(np.zeros((1, 10)))  # doctest: +SKIP
        Traceback (most recent call last):
        ValueError: `decode_predictions` expects a batch of predictions ...
    """
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions "
            "(i.e. a 2D array of shape (samples, 1000)). "
            f"Received array with shape: {tuple(preds.shape)}"
        )
    with open(class_index_path()) as f:
        class_index = json.load(f)
    if isinstance(preds, torch.Tensor):
        preds = preds.detach().cpu().numpy()
    preds = np.asarray(preds)
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [(*class_index[str(i)], pred[i]) for i in top_indices]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(
    input_shape: Any,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights: Any = None,
) -> tuple:
    """Validate (or default) an application's ``input_shape``, with Keras's rules and errors."""
    channels_last = data_format != "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels not in {1, 3}:
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an "
                f"input_shape with {channels} input channels.",
                stacklevel=3,
            )
        size = (default_size, default_size)
        default_shape = (*size, input_shape[-1]) if channels_last else (input_shape[0], *size)
    else:
        size = (default_size, default_size)
        default_shape = (*size, 3) if channels_last else (3, *size)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                f"The input must have 3 channels; Received `input_shape={input_shape}`"
            )
        spatial = input_shape[:2] if channels_last else input_shape[1:]
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; Received: "
                f"input_shape={input_shape}"
            )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    input_shape = tuple(input_shape)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs: Any, kernel_size: Any) -> tuple:
    """The ZeroPadding2D amounts that make a strided 'valid' conv match TF's 'same' grid."""
    axis = 2 if config.image_data_format() == "channels_first" else 1
    size = inputs.shape[axis : axis + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Only ``None`` or ``softmax`` may top pretrained weights (Keras's rule)."""
    if weights is None:
        return
    from tkeras import activations

    fn = activations.get(classifier_activation)
    if fn not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` "
            "argument when using pretrained weights, with `include_top=True`; Received: "
            f"classifier_activation={classifier_activation}"
        )
