"""Shared plumbing of the applications: argument checks, the input, the top, the weight files.

Keras's published weight files are fetched with ``get_file`` under Keras's own file names and
hashes, into Keras's cache (``$KERAS_HOME/models`` or ``~/.keras/models``), so a file Keras
downloaded before is reused and nothing is downloaded twice.
"""

from __future__ import annotations

import os
from typing import Any

from tkeras import config, layers
from tkeras.applications import imagenet_utils
from tkeras.models.functional import Functional
from tkeras.models.symbolic import KerasTensor

DOC = """{model} for ImageNet classification or feature extraction (Keras's architecture).

    Args:
        include_top: include the average pooling + Dense top.
        weights: ``None`` (random init), ``"imagenet"`` (Keras's pretrained weights, downloaded
            once into Keras's cache) or the path of a weights file.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: ``(h, w, 3)`` when ``include_top=False`` (h, w >= {min_size}); default
            ``({size}, {size}, 3)``.
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes of the top (only without ``"imagenet"`` weights).
        classifier_activation: activation of the top layer (``None`` gives logits).
        name: the model's name.

    Inputs go through ``tkeras.applications.{module}.preprocess_input`` ({mode} mode) first.

    Example:
        >>> from tkeras.applications import {model}
        >>> m = {model}(weights=None, include_top=False, input_shape=({min_size}, {min_size}, 3))
        >>> m.output.shape
        {output_shape}
"""


def documented(module: str, mode: str, size: int, min_size: int, output_shape: tuple):
    """Give a constructor the shared docstring of the pool + Dense applications."""

    def apply(fn):
        fn.__doc__ = DOC.format(
            model=fn.__name__, module=module, mode=mode, size=size, min_size=min_size,
            output_shape=output_shape,
        )  # fmt: skip
        return fn

    return apply


def cache_path(fname: str, cache_subdir: str = "models") -> str:
    """Where Keras (and tkeras) keep a downloaded file."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, cache_subdir, fname)


def fetch(fname: str, origin: str, file_hash: str | None = None) -> str:
    """The local path of a Keras application file; downloads it once, offline: one clear error."""
    from tkeras.utils.file_utils import get_file

    try:
        return get_file(fname, origin, cache_subdir="models", file_hash=file_hash)
    except ConnectionError as err:
        raise ConnectionError(
            f"Could not download {fname!r} from {origin} ({err}). If this machine is offline, "
            f"download that URL elsewhere and put the file at {cache_path(fname)!r} (Keras's "
            "cache: $KERAS_HOME/models or ~/.keras/models), or pass weights=<path to the file>."
        ) from err


def check_weights(weights: Any, include_top: bool, classes: int) -> None:
    """Keras's two checks on ``weights`` and ``classes``."""
    is_file = isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)
    if not (weights in {"imagenet", None} or is_file):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "`imagenet` (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded.  Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
            f"Received classes={classes}"
        )


def start(
    weights: Any,
    include_top: bool,
    classes: int,
    input_tensor: Any,
    input_shape: Any,
    default_size: int,
    min_size: int = 32,
) -> tuple[KerasTensor, tuple]:
    """The beginning every application shares: Keras's checks of ``weights`` and ``classes``,
    the input shape (default and minimum size) and the image input tensor."""
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, min_size, config.image_data_format(), include_top, weights
    )
    return image_input(input_tensor, input_shape), input_shape


def finish(
    x: Any,
    img_input: KerasTensor,
    input_tensor: Any,
    name: str,
    weights: Any,
    imagenet: tuple | None = None,
) -> Functional:
    """The end every application shares: the functional model from the true inputs (those
    upstream of ``input_tensor``), then ``weights`` loaded (``imagenet``: see ``load``)."""
    model = Functional(model_inputs(input_tensor, img_input), x, name=name)
    return load(model, weights, imagenet)


def image_input(input_tensor: Any, input_shape: tuple) -> KerasTensor:
    """The model's image input: a new ``Input``, ``input_tensor`` itself, or an ``Input`` on it."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if isinstance(input_tensor, KerasTensor):
        return input_tensor
    return layers.Input(tensor=input_tensor, shape=input_shape)


def source_inputs(tensor: KerasTensor) -> list[KerasTensor]:
    """The ``Input`` tensors upstream of ``tensor`` (Keras's ``get_source_inputs``)."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        kt = stack.pop()
        node = kt.node
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.is_input:
            found.append(kt)
        else:
            stack.extend(reversed(node.input_tensors))
    return found


def model_inputs(input_tensor: Any, img_input: KerasTensor) -> Any:
    if input_tensor is None or not isinstance(input_tensor, KerasTensor):
        return img_input
    sources = source_inputs(input_tensor)
    return sources[0] if len(sources) == 1 else sources


def channel_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def classifier(
    x: Any,
    include_top: bool,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    weights: Any,
    *,
    top_pool_name: str | None = None,
    named_pooling: bool = False,
    dropout: float = 0.0,
    **dense_kwargs: Any,
) -> Any:
    """The usual end of an application: average pool (+ dropout) + Dense "predictions", or
    the optional pooling of a feature extractor (named avg_pool/max_pool if ``named_pooling``,
    else auto-named, as each Keras family does)."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        if dropout > 0:
            x = layers.Dropout(dropout, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(
            classes, activation=classifier_activation, name="predictions", **dense_kwargs
        )(x)
    return pool(x, pooling, *(("avg_pool", "max_pool") if named_pooling else ()))


def pool(x: Any, pooling: Any, avg_name: str | None = None, max_name: str | None = None) -> Any:
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def load(model: Any, weights: Any, imagenet: tuple | None = None) -> Any:
    """Load ``weights``: ``"imagenet"`` via ``imagenet = (fname, url, hash)``, or a file path."""
    if weights == "imagenet":
        fname, url, file_hash = imagenet
        model.load_weights(fetch(fname, url, file_hash))
    elif weights is not None:
        model.load_weights(weights)
    return model
