"""ActivityRegularization: the identity, adding an L1/L2 penalty of its input to the losses."""

from __future__ import annotations

from typing import Any

from tkeras.layers.layer import Layer
from tkeras.regularizers import L1L2


class ActivityRegularization(Layer):
    """Adds an L1/L2 activity penalty of its input to ``losses`` and returns the input.

    After each call, ``(l1 * sum(|x|) + l2 * sum(x**2)) / batch_size`` is added to the layer's
    ``losses`` (and so to the training loss of ``fit()``), as in Keras.

    Args:
        l1: non-negative float, the L1 factor.
        l2: non-negative float, the L2 factor.

    Example:
        >>> import torch, tkeras
        >>> layer = tkeras.layers.ActivityRegularization(l1=0.5)
        >>> y = layer(torch.tensor([[1.0, -3.0], [2.0, 0.0]]))
        >>> y is not None, [round(float(t), 4) for t in layer.losses]
        (True, [1.5])
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        # Keras writes l1 and l2, not the regularizer they make.
        cfg.pop("activity_regularizer", None)
        return cfg
