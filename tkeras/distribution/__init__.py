"""``keras.distribution`` on torch: ``list_devices``, ``DeviceMesh``, ``DataParallel``,
``set_distribution``/``distribution`` and ``initialize`` (see ``docs/scale.md``).

``ModelParallel``, ``LayoutMap`` and ``distribute_tensor`` are not provided: sharding a
tkeras Variable (a strided view of the buffer its torch op reads) across devices needs
every layer's op to run on sharded tensors, which tkeras does not do.
"""

from tkeras.distribution.distribution_lib import (
    DataParallel,
    DeviceMesh,
    TensorLayout,
    distribution,
    get_device_count,
    initialize,
    list_devices,
    set_distribution,
)

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "TensorLayout",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
