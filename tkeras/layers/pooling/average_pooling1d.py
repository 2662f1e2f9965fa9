"""AveragePooling1D: average pooling over 1 spatial axis."""

from __future__ import annotations

from typing import Any

from tkeras.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling for temporal data: the mean over windows of ``pool_size`` steps.

    Input ``(batch, steps, features)`` (channels_last) or
    ``(batch, features, steps)`` (channels_first); the output has the same layout.
    ``'valid'`` keeps only the windows that fit inside the input; ``'same'`` pads TF-style (the
    odd cell at the end) and leaves padded cells out of each window's divisor. Also exported as
    ``AvgPool1D``.

    Args:
        pool_size: int (or a 1-tuple), the window size in steps.
        strides: int, or None for ``pool_size``: how far the window moves.
        padding: ``'valid'`` or ``'same'`` (case-insensitive).
        data_format: ``'channels_last'``, ``'channels_first'``, or None for the config's
            ``image_data_format()``.
        name: the layer name.

    Differences from Keras:
        With ``padding='same'`` and uneven padding (the odd cell at the end), a window that
        hangs over the edge averages only its real cells, as Keras's TensorFlow and JAX
        backends do. Keras 3.15's torch backend instead pads with copies of the edge value and
        counts them (keras-team/keras#23233 fixes that upstream), so its numbers differ there
        when ``pool_size > 2``.

    Example:
        >>> import torch, tkeras
        >>> tkeras.layers.AveragePooling1D(2)(torch.ones(2, 8, 3)).shape
        torch.Size([2, 4, 3])
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            pool_size,
            strides,
            rank=1,
            mode="average",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )
