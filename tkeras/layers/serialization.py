"""``keras.layers.serialize`` / ``deserialize``: a layer to and from Keras 3's config dict."""

from __future__ import annotations

from typing import Any


def serialize(layer: Any) -> dict[str, Any]:
    """A layer as Keras 3's JSON-ready config dict (``module``, ``class_name``, ``config``).

    Example:
        >>> tkeras.layers.serialize(tkeras.layers.Dense(2))["class_name"]
        'Dense'
    """
    from tkeras.saving.serialization import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The layer a Keras 3 config dict describes (written by Keras or tkeras)."""
    from tkeras.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)
