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
from tkeras.models.symbolic import KerasTensor


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
    dropout: float | None = None,
    dropout_name: str | None = None,
) -> Any:
    """The usual end of an application: average pool + Dense, or the optional (auto-named)
    pooling of a feature extractor."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        if dropout:
            x = layers.Dropout(dropout, name=dropout_name)(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    return pool(x, pooling)


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
