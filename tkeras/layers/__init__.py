"""Keras layers on torch modules: ``from tkeras.layers import Dense, Conv2D, LSTM, ...``.

Each family package lists its public layers in its own ``__all__``; this module re-exports them.
"""

from tkeras.layers.activations import *  # noqa: F403
from tkeras.layers.activations import __all__ as _activations_all
from tkeras.layers.attention import *  # noqa: F403
from tkeras.layers.attention import __all__ as _attention_all
from tkeras.layers.convolutional import *  # noqa: F403
from tkeras.layers.convolutional import __all__ as _convolutional_all
from tkeras.layers.core import *  # noqa: F403
from tkeras.layers.core import __all__ as _core_all
from tkeras.layers.input_spec import InputSpec  # noqa: F401  (listed in __all__ below)
from tkeras.layers.layer import Layer  # noqa: F401  (listed in __all__ below)
from tkeras.layers.merging import *  # noqa: F403
from tkeras.layers.merging import __all__ as _merging_all
from tkeras.layers.normalization import *  # noqa: F403
from tkeras.layers.normalization import __all__ as _normalization_all
from tkeras.layers.pooling import *  # noqa: F403
from tkeras.layers.pooling import __all__ as _pooling_all
from tkeras.layers.preprocessing import *  # noqa: F403
from tkeras.layers.preprocessing import __all__ as _preprocessing_all
from tkeras.layers.regularization import *  # noqa: F403
from tkeras.layers.regularization import __all__ as _regularization_all
from tkeras.layers.reshaping import *  # noqa: F403
from tkeras.layers.reshaping import __all__ as _reshaping_all
from tkeras.layers.rnn import *  # noqa: F403
from tkeras.layers.rnn import __all__ as _rnn_all
from tkeras.layers.serialization import deserialize, serialize  # noqa: F401  (in __all__)

__all__ = sorted(
    ["InputSpec", "Layer", "deserialize", "serialize"]
    + _activations_all
    + _attention_all
    + _convolutional_all
    + _core_all
    + _merging_all
    + _normalization_all
    + _pooling_all
    + _preprocessing_all
    + _regularization_all
    + _reshaping_all
    + _rnn_all
)
